package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.storage.AtomicFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Rooms on disk: one JSON file per room, {@code <dir>/<roomId>.json}. A file is written to a temporary file in the
 * same directory, forced to disk, and renamed over the old one (ATOMIC_MOVE), so a crash leaves either the old state
 * or the new one, never half a file.
 */
class RoomStore {
    private static final Logger LOG = Logger.getLogger(RoomStore.class);
    private static final Pattern ROOM_FILE = Pattern.compile("[A-Za-z0-9_-]{22}\\.json");

    private final Path dir;
    // Not RunJson.mapper(): a room file is the server's own state, not run JSON. A pushed template's "params" sit one
    // level deeper here than in the request that RunJson's nesting limit admitted, and older files may hold deeper
    // ones; refusing such a file would lose the room on restart.
    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    RoomStore(Path dir) {
        this.dir = dir;
    }

    Path directory() {
        return dir;
    }

    /** Every room saved in the directory; a file that cannot be read is logged and skipped, not fatal. */
    List<Room> loadAll() {
        List<Room> rooms = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return rooms;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (!ROOM_FILE.matcher(file.getFileName().toString()).matches()) {
                    continue;
                }
                try {
                    Room room = json.readValue(file.toFile(), Room.class);
                    if (room.id == null || room.joinCode == null || room.secretDigest == null) {
                        LOG.warnf("ignoring %s: it is not a complete room", file);
                        continue;
                    }
                    rooms.add(room);
                } catch (IOException e) {
                    LOG.warnf("ignoring %s: it cannot be read as a room (%s)", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.errorf("cannot list the rooms directory %s: %s", dir, e.getMessage());
        }
        return rooms;
    }

    /** The room as it will be saved; call with the room's monitor held. */
    byte[] serialize(Room room) throws IOException {
        return json.writeValueAsBytes(room);
    }

    void write(String roomId, byte[] bytes) throws IOException {
        AtomicFile.write(dir.resolve(roomId + ".json"), bytes);
    }

    void delete(String roomId) throws IOException {
        Files.deleteIfExists(dir.resolve(roomId + ".json"));
    }
}
