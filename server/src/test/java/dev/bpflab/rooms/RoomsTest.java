package dev.bpflab.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.protocol.ProtocolException;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.runs.RunActivity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rooms without a server: status from run activity, authorization, CSV, and saving to and loading from disk. */
class RoomsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final RoomViews views = new RoomViews(clock::get);

    @AfterEach
    void stop() {
        saver.shutdownNow();
    }

    /** Counts writes, to see that saving is debounced. */
    static final class CountingStore extends RoomStore {
        final AtomicInteger writes = new AtomicInteger();

        CountingStore(Path dir) {
            super(dir);
        }

        @Override
        void write(String roomId, byte[] bytes) throws IOException {
            writes.incrementAndGet();
            super.write(roomId, bytes);
        }
    }

    private Rooms rooms(RoomStore store, long saveDelayMillis) {
        return new Rooms(store, new Rooms.Settings(10, 100, saveDelayMillis, 7L * 24 * 3600 * 1000), saver, clock::get);
    }

    private static RunActivity message(long session, String learner, String json) throws IOException {
        try {
            return RunActivity.message(session, learner, RunJson.server(json), 0);
        } catch (ProtocolException e) {
            throw new IOException(e);
        }
    }

    private JsonNode row(Room room, String studentId) {
        return JsonSocket.studentRow(views.snapshot(room), studentId);
    }

    @Test
    void roomStateSurvivesRecreatingTheStoreFromDisk() throws Exception {
        Rooms first = rooms(new RoomStore(dir), 60_000);
        Rooms.Created created = first.create("Tracing 101");
        Room room = created.room();
        Rooms.Joined ada = first.join(room.joinCode.toLowerCase(), "Ada");
        Rooms.Joined bob = first.join(room.joinCode, "Bob");
        first.onActivity(RunActivity.run(1, ada.token(), "int main;"));
        first.onActivity(message(1, ada.token(), "{\"type\":\"diagnostics\",\"stage\":\"verify\",\"items\":[{\"line\":20,"
                + "\"column\":3,\"severity\":\"error\",\"message\":\"R1 invalid mem access 'scalar'\\nmore\"}]}"));
        first.onActivity(message(1, ada.token(), "{\"type\":\"phase\",\"phase\":\"failed\"}"));
        first.onActivity(message(9, bob.token(), "{\"type\":\"check\",\"lesson\":\"hello\",\"step\":2,\"passed\":true,"
                + "\"message\":\"your program saw the unlink\"}"));
        first.progress(first.member(bob.token()).orElseThrow(),
                RoomRequests.progress(JSON.readTree("{\"lesson\":\"hello\",\"step\":3}")));
        first.push(room, JSON.readTree("{\"lesson\":\"hello\",\"step\":3}"));
        first.broadcast(room, "Five minutes left");
        ObjectNode before = views.snapshot(room);
        first.close();

        Rooms second = rooms(new RoomStore(dir), 60_000);
        Room loaded = second.instructorRoom(room.id, created.secret());
        ObjectNode after = views.snapshot(loaded);
        before.remove("now");
        after.remove("now");
        assertEquals(before, after, "the snapshot after reloading");
        assertEquals("verify", row(loaded, ada.student().id).path("diagnostic").path("stage").asText());
        assertEquals(20, row(loaded, ada.student().id).path("diagnostic").path("line").asInt());
        assertEquals("R1 invalid mem access 'scalar'", row(loaded, ada.student().id).path("diagnostic").path("message").asText());
        assertEquals(3, row(loaded, bob.student().id).path("step").asInt());
        assertEquals(1, row(loaded, bob.student().id).path("passedSteps").asInt());
        assertEquals("int main;", views.source(loaded, ada.student().id).path("source").asText());
        assertEquals(bob.student().id, second.member(bob.token()).orElseThrow().student().id, "learner tokens still work");
        assertEquals(loaded, second.member(ada.token()).orElseThrow().room());
        assertThrows(RoomException.class, () -> second.join("ZZZZZZ", "Eve"));
        assertEquals(loaded.id, second.join(room.joinCode, "Cy").room().id, "the join code still works");
    }

    @Test
    void aStudentWhoLeftStaysLeftAfterReloadingAndTheirTokenStaysDead() throws Exception {
        Rooms first = rooms(new RoomStore(dir), 60_000);
        Rooms.Created created = first.create("Leaving");
        Rooms.Joined ada = first.join(created.room().joinCode, "Ada");
        first.onActivity(RunActivity.run(1, ada.token(), "int main;"));
        clock.addAndGet(5_000);
        Student left = first.attendance().leave(first.member(ada.token()).orElseThrow());
        assertEquals(clock.get(), left.leftAt);
        assertTrue(first.member(ada.token()).isEmpty(), "the token stops working at once");
        first.close();

        Rooms second = rooms(new RoomStore(dir), 60_000);
        Room loaded = second.instructorRoom(created.room().id, created.secret());
        assertTrue(second.member(ada.token()).isEmpty(), "a student who left is not let back in by a restart");
        assertEquals(clock.get(), row(loaded, ada.student().id).path("leftAt").asLong());
        assertEquals(1, row(loaded, ada.student().id).path("runs").asInt(), "what she did stays on the record");
        assertEquals(0, views.snapshot(loaded).path("room").path("students").asInt(), "nobody is in the room now");
        String csv = Csv.export(loaded);
        assertTrue(csv.lines().skip(1).findFirst().orElseThrow().endsWith("," + java.time.Instant.ofEpochMilli(clock.get())),
                csv);
    }

    @Test
    void savingIsDebouncedAtomicAndKeepsNoSecrets() throws Exception {
        CountingStore store = new CountingStore(dir);
        Rooms rooms = rooms(store, 300);
        Rooms.Created created = rooms.create("Debounce");
        Rooms.Joined ada = rooms.join(created.room().joinCode, "Ada");
        rooms.onActivity(RunActivity.run(1, ada.token(), "src"));
        for (int i = 1; i <= 200; i++) {
            rooms.onActivity(RunActivity.events(1, ada.token(), i));
        }
        Path file = dir.resolve(created.room().id + ".json");
        assertFalse(Files.exists(file), "nothing is written before the delay");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(400);
        assertEquals(1, store.writes.get(), "a burst of 200 changes is one write");
        String saved = Files.readString(file);
        assertEquals(200, JSON.readTree(saved).path("students").path(ada.student().id).path("events").asInt());
        assertFalse(saved.contains(created.secret()), "the instructor secret is not on disk");
        assertFalse(saved.contains(ada.token()), "the learner token is not on disk");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary files are left");
        }
    }

    @Test
    void anUnreadableRoomFileIsSkipped() throws Exception {
        Rooms first = rooms(new RoomStore(dir), 60_000);
        Rooms.Created good = first.create("Good");
        first.close();
        Files.writeString(dir.resolve("AAAAAAAAAAAAAAAAAAAAAA.json"), "{ half a fi");
        Rooms second = rooms(new RoomStore(dir), 60_000);
        assertEquals(1, second.size());
        assertNotNull(second.instructorRoom(good.room().id, good.secret()));
    }

    @Test
    void messagesOfAReplacedRunConnectionAreIgnored() throws Exception {
        Rooms rooms = rooms(new RoomStore(dir), 60_000);
        Room room = rooms.create("Stale").room();
        Rooms.Joined ada = rooms.join(room.joinCode, "Ada");
        String id = ada.student().id;
        rooms.onActivity(RunActivity.run(1, ada.token(), "v1"));
        rooms.onActivity(message(1, ada.token(), "{\"type\":\"phase\",\"phase\":\"attached\"}"));
        rooms.onActivity(RunActivity.run(2, ada.token(), "v2"));
        rooms.onActivity(message(1, ada.token(), "{\"type\":\"phase\",\"phase\":\"stopped\"}"));
        rooms.onActivity(RunActivity.closed(1, ada.token()));
        rooms.onActivity(RunActivity.events(1, ada.token(), 7));
        assertEquals("compiling", row(room, id).path("phase").asText());
        assertEquals(0, row(room, id).path("events").asInt());
        assertEquals(2, row(room, id).path("runs").asInt());
        rooms.onActivity(message(2, ada.token(), "{\"type\":\"phase\",\"phase\":\"attached\"}"));
        rooms.onActivity(RunActivity.events(2, ada.token(), 3));
        assertEquals("attached", row(room, id).path("phase").asText());
        assertEquals(3, row(room, id).path("events").asInt());
        rooms.onActivity(RunActivity.closed(2, ada.token()));
        assertEquals("stopped", row(room, id).path("phase").asText(), "a live run whose page went away is over");
        assertEquals("v2", views.source(room, id).path("source").asText());
    }

    @Test
    void diagnosticsWithWarningsOnlyAreNotAFailure() throws Exception {
        Rooms rooms = rooms(new RoomStore(dir), 60_000);
        Room room = rooms.create("Warnings").room();
        Rooms.Joined ada = rooms.join(room.joinCode, "Ada");
        rooms.onActivity(RunActivity.run(1, ada.token(), "x"));
        rooms.onActivity(message(1, ada.token(), "{\"type\":\"diagnostics\",\"stage\":\"compile\",\"items\":[{\"line\":1,"
                + "\"column\":0,\"severity\":\"warning\",\"message\":\"unused variable\"}]}"));
        JsonNode row = row(room, ada.student().id);
        assertTrue(row.path("diagnostic").isNull(), row.toString());
        assertEquals(0, row.path("failStreak").asInt());
        for (int i = 0; i < 3; i++) {
            rooms.onActivity(RunActivity.run(10 + i, ada.token(), "x"));
            rooms.onActivity(message(10 + i, ada.token(), "{\"type\":\"diagnostics\",\"stage\":\"compile\",\"items\":[{\"line\":9,"
                    + "\"column\":11,\"severity\":\"error\",\"message\":\"expected ';'\"},{\"line\":10,\"column\":0,\"severity\":\"error\",\"message\":\"x\"}]}"));
        }
        row = row(room, ada.student().id);
        assertEquals(3, row.path("failStreak").asInt(), "three failed runs in a row");
        assertEquals(2, row.path("diagnostic").path("errors").asInt());
        rooms.onActivity(RunActivity.run(100, ada.token(), "x"));
        rooms.onActivity(message(100, ada.token(), "{\"type\":\"phase\",\"phase\":\"attached\"}"));
        assertEquals(0, row(room, ada.student().id).path("failStreak").asInt(), "attached ends the streak");
        assertTrue(row(room, ada.student().id).path("diagnostic").isNull(), "a new run clears the old diagnostic");
    }

    @Test
    void instructorSecretsAndLearnerTokensAreChecked() throws Exception {
        Rooms rooms = rooms(new RoomStore(dir), 60_000);
        Rooms.Created created = rooms.create("Auth");
        Rooms.Joined ada = rooms.join(created.room().joinCode, "Ada");
        assertEquals(401, assertThrows(RoomException.class, () -> rooms.instructorRoom(created.room().id, null)).status());
        assertEquals(401, assertThrows(RoomException.class, () -> rooms.instructorRoom(created.room().id, "")).status());
        assertEquals(403, assertThrows(RoomException.class,
                () -> rooms.instructorRoom(created.room().id, ada.token())).status(), "a learner token is no instructor secret");
        assertEquals(403, assertThrows(RoomException.class,
                () -> rooms.instructorRoom(created.room().id, created.secret() + "x")).status());
        assertEquals(404, assertThrows(RoomException.class, () -> rooms.instructorRoom("nope", created.secret())).status());
        assertTrue(rooms.member(created.secret()).isEmpty(), "an instructor secret is no learner token");
        assertTrue(rooms.member("../../etc/passwd").isEmpty());
        assertTrue(rooms.member(null).isEmpty());
        assertTrue(created.secret().matches("[A-Za-z0-9_-]{43}"), created.secret());
        assertTrue(created.room().joinCode.matches("[" + Secrets.CODE_ALPHABET + "]{6}"), created.room().joinCode);
        assertEquals(400, assertThrows(RoomException.class, () -> rooms.join(created.room().joinCode, "  \u0007 ")).status());
        rooms.delete(created.room());
        assertTrue(rooms.member(ada.token()).isEmpty(), "a closed room's tokens are void");
        assertEquals(404, assertThrows(RoomException.class,
                () -> rooms.instructorRoom(created.room().id, created.secret())).status());
        assertFalse(Files.exists(dir.resolve(created.room().id + ".json")));
    }

    @Test
    void roomsIdleLongerThanTheLimitAreDeleted() throws Exception {
        Rooms rooms = rooms(new RoomStore(dir), 60_000);
        Rooms.Created old = rooms.create("Last month");
        clock.addAndGet(6L * 24 * 3600 * 1000);
        Rooms.Created recent = rooms.create("This week");
        rooms.join(old.room().joinCode, "Ada"); // a join counts as use
        rooms.close();
        clock.addAndGet(6L * 24 * 3600 * 1000);
        Rooms later = rooms(new RoomStore(dir), 60_000);
        assertEquals(2, later.size(), "both were used within the week");
        clock.addAndGet(2L * 24 * 3600 * 1000);
        later.expireIdle();
        assertEquals(0, later.size());
        assertFalse(Files.exists(dir.resolve(old.room().id + ".json")));
        assertFalse(Files.exists(dir.resolve(recent.room().id + ".json")));
    }

    @Test
    void roomsAreCappedInNumber() throws Exception {
        Rooms rooms = rooms(new RoomStore(dir), 60_000);
        for (int i = 0; i < 10; i++) {
            rooms.create("room " + i);
        }
        assertEquals(503, assertThrows(RoomException.class, () -> rooms.create("one too many")).status());
    }

    @Test
    void checksSetTheStepAndCountPassedStepsOnce() throws Exception {
        Rooms rooms = rooms(new RoomStore(dir), 60_000);
        Room room = rooms.create("Checks").room();
        Rooms.Joined ada = rooms.join(room.joinCode, "Ada");
        String pass = "{\"type\":\"check\",\"lesson\":\"xdp\",\"step\":1,\"passed\":true,\"message\":\"ok\"}";
        rooms.onActivity(message(1, ada.token(), pass));
        rooms.onActivity(message(2, ada.token(), pass));
        rooms.onActivity(message(3, ada.token(), "{\"type\":\"check\",\"lesson\":\"xdp\",\"step\":2,\"passed\":false,"
                + "\"message\":\"no packet was dropped yet\"}"));
        JsonNode row = row(room, ada.student().id);
        assertEquals("xdp", row.path("lesson").asText());
        assertEquals(2, row.path("step").asInt());
        assertEquals(1, row.path("passedSteps").asInt());
        assertFalse(row.path("check").path("passed").asBoolean());
        assertEquals("no packet was dropped yet", row.path("check").path("message").asText());
    }

    @Test
    void csvQuotesCellsAndDefusesFormulas() throws Exception {
        Rooms rooms = rooms(new RoomStore(dir), 60_000);
        Room room = rooms.create("CSV").room();
        rooms.join(room.joinCode, "=HYPERLINK(\"http://x\")");
        rooms.join(room.joinCode, "Lovelace, Ada");
        List<String> lines = Csv.export(room).lines().toList();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).startsWith("student_id,name,joined_at,lesson,step,runs,phase,events,kernel,diagnostic_stage"));
        assertTrue(lines.get(1).contains(",\"'=HYPERLINK(\"\"http://x\"\")\","), lines.get(1));
        assertTrue(lines.get(2).contains(",\"Lovelace, Ada\","), lines.get(2));
        assertNull(JsonSocket.studentRow(views.snapshot(room), "nobody"));
    }

    @Test
    void theRowAndTheCsvSayTheKernelOfTheLastRun() throws Exception {
        Rooms rooms = rooms(new RoomStore(dir), 60_000);
        Room room = rooms.create("Kernels").room();
        Rooms.Joined ada = rooms.join(room.joinCode, "Ada");
        rooms.onActivity(RunActivity.run(1, ada.token(), "int x;", "debian13"));
        assertEquals("debian13", row(room, ada.student().id).path("kernel").asText());
        String line = Csv.export(room).lines().toList().get(1);
        assertEquals("debian13", line.split(",")[Csv.HEADER.indexOf("kernel")], line);
    }

    @Test
    void csvIdsMatchTheApisEvenBeginningWithADashWhileFormulasStayInert() throws Exception {
        Rooms rooms = rooms(new RoomStore(dir), 60_000);
        Room room = rooms.create("CSV ids").room();
        Student old = rooms.join(room.joinCode, "-2+3+cmd|' /C calc'!A0").student();
        synchronized (room) {
            // A room saved before ids stopped beginning with '-' can hold such an id.
            room.students.remove(old.id);
            old.id = "-Xq3_k9Z";
            room.students.put(old.id, old);
            old.step = 1;
        }
        String apiId = row(room, "-Xq3_k9Z").path("id").asText();
        assertEquals("-Xq3_k9Z", apiId);
        String line = Csv.export(room).lines().toList().get(1);
        assertEquals(apiId, line.substring(0, line.indexOf(',')), "the CSV's id is the API's: " + line);
        assertTrue(line.contains(",\"'-2+3+cmd|' /C calc'!A0\","), "the name is still inert: " + line);
        assertEquals("2", line.split(",")[4], "the step as the learner's page numbers it (index 1 is Step 2): " + line);
        assertEquals("'=1+1", Csv.cell("=1+1").replace("\"", ""), "a formula elsewhere is still prefixed");
        assertEquals("\"'-1+A1\"", Csv.idCell("-1+A1"), "anything but an id in the id column gets the guard");
        for (int i = 0; i < 5000; i++) {
            assertFalse(Secrets.studentId().startsWith("-"), "new student ids never begin with '-'");
            assertFalse(Secrets.roomId().startsWith("-"), "new room ids never begin with '-'");
        }
    }

    private static final long HOUR = 3_600_000L;

    private Rooms rooms(long expireAfterMillis, int roomsPerAddress) {
        return new Rooms(new RoomStore(dir), new Rooms.Settings(10, 100, 60_000, expireAfterMillis, roomsPerAddress),
                saver, clock::get);
    }

    @Test
    void oneAddressHoldsAtMostItsCapOfOpenRooms() throws Exception {
        Rooms rooms = rooms(12 * HOUR, 2);
        Rooms.Created first = rooms.create("a", "192.0.2.7");
        rooms.create("b", "192.0.2.7");
        RoomException refused = assertThrows(RoomException.class, () -> rooms.create("c", "192.0.2.7"));
        assertEquals(429, refused.status());
        assertTrue(refused.getMessage().contains("already has 2 open rooms")
                && refused.getMessage().contains("bpflab.limits.rooms-per-address")
                && refused.getMessage().contains("nobody uses for 12 h"), refused.getMessage());
        rooms.create("d", "198.51.100.1");
        rooms.delete(first.room());
        rooms.create("e", "192.0.2.7");
        rooms.close();
        Rooms reloaded = rooms(12 * HOUR, 2);
        assertEquals(429, assertThrows(RoomException.class, () -> reloaded.create("f", "192.0.2.7")).status(),
                "who created a room is saved with it");
    }

    @Test
    void aPageTakesAPushWhateverCharacterItsIdBeginsWith() throws Exception {
        Rooms rooms = rooms(12 * HOUR, 100);
        Rooms.Created created = rooms.create("Pushes");
        Rooms.Membership ada = rooms.member(rooms.join(created.room().joinCode, "Ada").token()).orElseThrow();
        // One id in 64 begins with '_' (URL-safe base64), and ids saved before they stopped beginning with '-' can.
        for (String id : new String[] {"_Zq3k9Ab", "-Xq3_k9Z", "Aq3k9_-b"}) {
            Room.Push push = new Room.Push(id, "template", null, null, "unlinkat", null, clock.get());
            synchronized (created.room()) {
                created.room().lastPush = push;
                StudentStatus.pushed(ada.student(), push);
            }
            rooms.pushTaken(ada, JSON.readTree("{\"type\":\"taken\",\"push\":\"" + id + "\"}"));
            assertEquals("taken", row(created.room(), ada.student().id).path("pushState").asText(), "push " + id);
        }
        for (int i = 0; i < 5000; i++) {
            String id = Secrets.studentId(); // push and broadcast ids are made like student ids
            assertTrue(Secrets.isId(id), id + " is an id the page can send back");
        }
        RoomException bad = assertThrows(RoomException.class,
                () -> rooms.pushTaken(ada, JSON.readTree("{\"type\":\"taken\",\"push\":\"../x\"}")));
        assertEquals(400, bad.status());
    }

    @Test
    void instructorCallsAndOpenPagesKeepARoomFromExpiring() throws Exception {
        Rooms rooms = rooms(12 * HOUR, 100);
        Rooms.Created watched = rooms.create("The instructor looks at it");
        Rooms.Created dashboard = rooms.create("A dashboard stays open");
        Rooms.Created open = rooms.create("A student page stays open");
        Rooms.Created idle = rooms.create("Nobody");
        Rooms.Membership ada = rooms.member(rooms.join(open.room().joinCode, "Ada").token()).orElseThrow();
        rooms.attendance().channelOpened(ada);
        rooms.attendance().dashboardOpened(dashboard.room());
        rooms.flush();
        clock.addAndGet(10 * HOUR);
        rooms.instructorRoom(watched.room().id, watched.secret()); // e.g. GET /api/rooms/{id}
        clock.addAndGet(3 * HOUR);
        rooms.expireIdle();
        assertEquals(3, rooms.size(), "only the room nobody used for 13 h is gone");
        assertFalse(Files.exists(dir.resolve(idle.room().id + ".json")), "with its file");
        assertTrue(Files.exists(dir.resolve(watched.room().id + ".json")));

        clock.addAndGet(10 * HOUR);
        rooms.expireIdle();
        assertEquals(2, rooms.size(), "13 h after the instructor's last call");
        assertFalse(Files.exists(dir.resolve(watched.room().id + ".json")));

        rooms.attendance().channelClosed(ada);
        rooms.attendance().dashboardClosed(dashboard.room());
        clock.addAndGet(11 * HOUR);
        rooms.expireIdle();
        assertEquals(2, rooms.size(), "idle time counts from when the last page closed");
        clock.addAndGet(2 * HOUR);
        rooms.expireIdle();
        assertEquals(0, rooms.size());
        assertFalse(Files.exists(dir.resolve(open.room().id + ".json")));
    }

    @Test
    void aLockedRoomRefusesNewStudentsAndARemovedStudentIsGone() throws Exception {
        Rooms rooms = rooms(new RoomStore(dir), 60_000);
        Rooms.Created created = rooms.create("Moderated");
        Room room = created.room();
        Rooms.Joined ada = rooms.join(room.joinCode, "Ada");
        Rooms.Joined bob = rooms.join(room.joinCode, "Bob;=1+1");
        assertTrue(rooms.attendance().lock(room, true).path("locked").asBoolean());
        RoomException locked = assertThrows(RoomException.class, () -> rooms.join(room.joinCode, "Cy"));
        assertEquals(403, locked.status());
        assertTrue(locked.getMessage().contains("is locked"), locked.getMessage());
        assertTrue(views.snapshot(room).path("room").path("locked").asBoolean());
        assertTrue(rooms.member(ada.token()).isPresent(), "students already in stay");

        assertEquals("Bob;=1+1", rooms.attendance().remove(room, bob.student().id).name);
        assertTrue(rooms.member(bob.token()).isEmpty(), "the removed student's token is void");
        assertNull(row(room, bob.student().id), "the row leaves the dashboard");
        assertFalse(Csv.export(room).contains("Bob"), "and the CSV");
        assertEquals(404, assertThrows(RoomException.class,
                () -> rooms.attendance().remove(room, bob.student().id)).status());
        Rooms.Membership stale = new Rooms.Membership(room, bob.student());
        assertEquals(403, assertThrows(RoomException.class,
                () -> rooms.progress(stale, RoomRequests.progress(JSON.readTree("{\"lesson\":\"hello\",\"step\":1}")))).status(),
                "a page the removal has not closed yet changes nothing");
        assertEquals(403, assertThrows(RoomException.class, () -> rooms.editorSource(stale, "x")).status());
        rooms.close();

        Rooms reloaded = rooms(new RoomStore(dir), 60_000);
        assertEquals(403, assertThrows(RoomException.class, () -> reloaded.join(room.joinCode, "Cy")).status(),
                "the lock is saved");
        assertTrue(reloaded.member(bob.token()).isEmpty(), "so is the removal");
        reloaded.attendance().lock(reloaded.instructorRoom(room.id, created.secret()), false);
        assertEquals("Cy", reloaded.join(room.joinCode, "Cy").student().name);
    }
}
