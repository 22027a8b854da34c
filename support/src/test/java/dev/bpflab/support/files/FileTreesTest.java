package dev.bpflab.support.files;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @Test
    void deletesADirectoryAndEverythingUnderIt(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("scratch");
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("a/b/c/prog.bpf.c"), "int x;");
        Files.writeString(root.resolve("top.txt"), "x");
        FileTrees.delete(root);
        assertFalse(Files.exists(root));
    }

    @Test
    void linksAreRemovedNotFollowed(@TempDir Path dir) throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path precious = Files.writeString(elsewhere.resolve("precious.txt"), "keep me");
        Path root = Files.createDirectories(dir.resolve("scratch"));
        Files.createSymbolicLink(root.resolve("link-to-dir"), elsewhere);
        Files.createSymbolicLink(root.resolve("link-to-file"), precious);
        Path linkAsRoot = Files.createSymbolicLink(dir.resolve("root-link"), elsewhere);

        FileTrees.delete(root);
        FileTrees.delete(linkAsRoot);

        assertFalse(Files.exists(root));
        assertFalse(Files.exists(linkAsRoot, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(precious), "what the links pointed to is untouched");
    }

    @Test
    void aMissingDirectoryIsFine(@TempDir Path dir) throws Exception {
        FileTrees.delete(dir.resolve("never-made"));
    }
}
