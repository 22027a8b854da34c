package dev.bpflab.sandbox.qemu;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Saving a VM and restoring one, through QEMU's migration over a unix socket. Only device state travels: the guest's
 * RAM is a file ({@link Machine}), skipped by the {@code x-ignore-shared} capability on both sides.
 */
final class VmMigration {
    private static final Map<String, ?> IGNORE_SHARED = Map.of("capabilities",
            List.of(Map.of("capability", "x-ignore-shared", "state", true)));

    private VmMigration() {
    }

    /** Loads device state into a {@link Machine.Role#CLONE} VM; its RAM is the saved VM's file, copy-on-write. */
    static void restore(Vm vm, byte[] deviceState) throws IOException {
        Qmp qmp = vm.qmp();
        qmp.execute("migrate-set-capabilities", IGNORE_SHARED);
        qmp.execute("migrate-incoming", Map.of("uri", "unix:" + vm.sockets.incoming()));
        try (SocketChannel incoming = Vm.connect(vm.sockets.incoming(), vm.process(), vm.sockets.log())) {
            ByteBuffer buffer = ByteBuffer.wrap(deviceState);
            while (buffer.hasRemaining()) {
                incoming.write(buffer);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String status = qmp.execute("query-migrate").path("status").asText();
            if (status.equals("completed")) {
                return;
            }
            if (status.equals("failed") || status.equals("cancelled") || !vm.process().isAlive()) {
                throw new IOException("restoring the VM failed (" + status + "): " + vm.qemuLog());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("restoring the VM took longer than 30 s");
            }
            Vm.sleep(2);
        }
    }

    /** Pauses a {@link Machine.Role#BOOT} VM and returns its device state (the RAM file is left as it is). */
    static byte[] save(Vm vm) throws IOException {
        Qmp qmp = vm.qmp();
        qmp.execute("stop");
        qmp.execute("migrate-set-capabilities", IGNORE_SHARED);
        Path socket = vm.sockets.outgoing();
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-")); // QEMU connects as the VM's user
            qmp.execute("migrate", Map.of("uri", "unix:" + socket));
            server.configureBlocking(false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            SocketChannel accepted;
            while ((accepted = server.accept()) == null) {
                String status = qmp.execute("query-migrate").path("status").asText();
                if (status.equals("failed") || System.nanoTime() > deadline) {
                    throw new IOException("saving the VM failed (" + status + "): " + vm.qemuLog());
                }
                Vm.sleep(10);
            }
            try (SocketChannel stream = accepted) {
                stream.configureBlocking(true);
                byte[] state = Channels.newInputStream(stream).readAllBytes();
                String status = qmp.execute("query-migrate").path("status").asText();
                for (int i = 0; i < 500 && status.equals("active"); i++) {
                    Vm.sleep(10);
                    status = qmp.execute("query-migrate").path("status").asText();
                }
                if (!status.equals("completed")) {
                    throw new IOException("saving the VM failed (" + status + "): " + vm.qemuLog());
                }
                return state;
            }
        } finally {
            Files.deleteIfExists(socket);
        }
    }
}
