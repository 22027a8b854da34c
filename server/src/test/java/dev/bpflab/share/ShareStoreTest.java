package dev.bpflab.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShareStoreTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    private JsonNode request(String text) throws IOException {
        return json.readTree(text);
    }

    @Test
    void savesAndFindsSourceTemplateAndParams() throws Exception {
        ShareStore store = new ShareStore(dir.resolve("shares"));
        ShareStore.Share share = ShareStore.validate(request(
                "{\"source\":\"int x;\\n// é ✓\",\"template\":\"unlinkat\",\"params\":{\"comm\":\"rm\",\"max\":5,\"on\":true}}"));
        String id = store.save(share);

        ShareStore.Share found = store.find(id).orElseThrow();
        assertEquals("int x;\n// é ✓", found.source());
        assertEquals("unlinkat", found.template());
        assertEquals("rm", found.params().get("comm").asText());
        assertEquals(5, found.params().get("max").asInt());
        assertTrue(found.params().get("on").asBoolean());
        assertTrue(found.created() != null && !found.created().isEmpty());
    }

    @Test
    void templateAndParamsAreOptional() throws Exception {
        ShareStore store = new ShareStore(dir);
        String id = store.save(ShareStore.validate(request("{\"source\":\"x\",\"template\":null}")));
        ShareStore.Share found = store.find(id).orElseThrow();
        assertNull(found.template());
        assertNull(found.params());
    }

    @Test
    void idsAreRandomUrlSafeAndUnique() throws Exception {
        ShareStore store = new ShareStore(dir);
        ShareStore.Share share = ShareStore.validate(request("{\"source\":\"x\"}"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> ids = Stream.generate(() -> pool.submit(() -> store.save(share))).limit(200).toList();
            Set<String> unique = new HashSet<>();
            for (Future<String> id : ids) {
                String value = id.get();
                assertTrue(value.matches("[A-Za-z0-9_-]{22}"), value);
                unique.add(value);
            }
            assertEquals(200, unique.size());
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertEquals(200, names.size());
            assertTrue(names.stream().allMatch(n -> n.endsWith(".json") && !n.startsWith(".")), "no temp files left: " + names);
        }
    }

    @Test
    void unknownMalformedAndTraversalIdsFindNothing() throws Exception {
        ShareStore store = new ShareStore(dir);
        Files.writeString(dir.resolve("secret.json"), "{\"source\":\"no\"}");
        assertTrue(store.find("AAAAAAAAAAAAAAAAAAAAAA").isEmpty());
        assertTrue(store.find("../shares/x").isEmpty());
        assertTrue(store.find("secret").isEmpty());
        assertTrue(store.find("").isEmpty());
        assertTrue(store.find(null).isEmpty());
        assertFalse(ShareStore.isValidId("..%2F..%2Fetc%2Fpasswd"));
    }

    @Test
    void rejectsBadRequestsWithMessagesNamingTheProblem() {
        assertMessage("{}", "\"source\"");
        assertMessage("[1,2]", "JSON object");
        assertMessage("{\"source\":42}", "\"source\"");
        assertMessage("{\"source\":\"x\",\"template\":\"../../etc\"}", "\"template\"");
        assertMessage("{\"source\":\"x\",\"params\":[1]}", "\"params\"");
        assertMessage("{\"source\":\"x\",\"params\":{\"a\":{\"b\":1}}}", "Parameter \"a\"");
        String huge = "x".repeat(ShareStore.MAX_SOURCE_CHARS + 1);
        assertMessage("{\"source\":\"" + huge + "\"}", "at most");
    }

    private void assertMessage(String body, String expected) {
        ShareStore.InvalidShareException e = assertThrows(ShareStore.InvalidShareException.class,
                () -> ShareStore.validate(json.readTree(body)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theCapCountsSharesAlreadyOnDiskAndExpiredOnesMakeRoom() throws Exception {
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        ShareStore.Limits limits = new ShareStore.Limits(2, Duration.ofDays(1).toMillis(), 0);
        ShareStore.Share share = ShareStore.validate(request("{\"source\":\"x\"}"));
        ShareStore first = new ShareStore(dir, limits, now::get);
        String old = first.save(share);
        first.save(share);
        ShareStore restarted = new ShareStore(dir, limits, now::get);
        ShareStore.StoreFullException full = assertThrows(ShareStore.StoreFullException.class, () -> restarted.save(share));
        assertTrue(full.getMessage().contains("already keeps 2 shares"), full.getMessage());

        now.addAndGet(Duration.ofDays(2).toMillis());
        ShareStore.ExpiredShareException expired = assertThrows(ShareStore.ExpiredShareException.class,
                () -> restarted.find(old));
        assertTrue(expired.getMessage().contains("kept for 24 hours"), expired.getMessage());
        assertTrue(restarted.find(old).isEmpty(), "an expired share is deleted when found");
        assertEquals(1, restarted.deleteExpired(), "the other one by the sweep");
        now.set(System.currentTimeMillis()); // new files are written now: the clock goes back to the files' time
        restarted.save(share);
        restarted.save(share);
        assertThrows(ShareStore.StoreFullException.class, () -> restarted.save(share));
    }
}
