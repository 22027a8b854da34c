package dev.bpflab.sandbox.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saved VM's RAM as clones get it: the same bytes, which no process can change, not even root. */
class TemplateRamTest {
    @TempDir
    Path dir;

    @Test
    void theCopyHasTheFilesBytesAndRefusesEveryWrite() throws Exception {
        Path memory = dir.resolve("memory");
        byte[] bytes = new byte[3 << 20]; // zero pages (left as holes) around pages of data
        byte[] data = new byte[5000];
        new Random(7).nextBytes(data);
        System.arraycopy(data, 0, bytes, 4096 * 3 + 100, data.length);
        bytes[bytes.length - 1] = 42;
        Files.write(memory, bytes);

        try (TemplateRam ram = TemplateRam.seal(memory)) {
            Path handle = ram.handle();
            assertArrayEquals(bytes, Files.readAllBytes(handle), "the copy holds the file's bytes");
            // QEMU opens it read-write (QEMU 7.2 does): that works, and every change fails.
            try (FileChannel opened = FileChannel.open(handle, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                IOException write = assertThrows(IOException.class, () -> opened.write(ByteBuffer.wrap(new byte[] {1}), 0));
                assertTrue(write.getMessage().contains("Operation not permitted"), write.getMessage());
                assertThrows(IOException.class, () -> opened.truncate(4096));
                assertThrows(IOException.class, () -> opened.map(FileChannel.MapMode.READ_WRITE, 0, 4096));
                assertEquals(bytes.length, opened.size());
                // A private mapping (what a clone's RAM is) may be written: the copy is the mapper's own.
                var mine = opened.map(FileChannel.MapMode.PRIVATE, 0, 4096 * 4);
                mine.put(4096 * 3 + 100, (byte) (data[0] + 1));
            }
            assertArrayEquals(bytes, Files.readAllBytes(handle), "nothing changed the copy");
        }
    }

    @Test
    void theCopyGoesWithItsHolder() throws Exception {
        Path memory = dir.resolve("memory");
        Files.write(memory, new byte[8192]);
        TemplateRam ram = TemplateRam.seal(memory);
        Path handle = ram.handle();
        ram.close();
        assertFalse(Files.exists(handle), "closed, nothing holds the copy");
        IOException gone = assertThrows(IOException.class, ram::handle);
        assertTrue(gone.getMessage().contains("is gone"), gone.getMessage());
    }

    @Test
    void aFileThatCannotBeReadIsSaidSo() {
        IOException missing = assertThrows(IOException.class, () -> TemplateRam.seal(dir.resolve("absent")));
        assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
    }
}
