package dev.bpflab.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What /q/health may say about a backend: its state, none of the host's paths. */
class PublicStatusTest {
    @Test
    void absolutePathsAreHiddenWhereverTheyStand() {
        assertEquals("qemu: unavailable: the guest image in [path] is not usable ([path]: no such file): build it with "
                        + "`[path] [path]`",
                PublicStatus.of("qemu: unavailable: the guest image in /var/cache/bpflab-guest/current is not usable "
                        + "(/var/cache/bpflab-guest/current/image.id: no such file): build it with "
                        + "`/opt/bpflab/build-image.sh /var/cache/bpflab-guest`"));
        assertEquals("qemu (tcg (/dev/kvm is not accessible)): 1 live of 4; last restore failed: QEMU did not open "
                        + "[path] within 20 s; socket '[path]', dir=[path], [path]",
                PublicStatus.of("qemu (tcg (/dev/kvm is not accessible)): 1 live of 4; last restore failed: QEMU did "
                        + "not open /run/bpflab-qemu/vm-3/qmp within 20 s; socket '/run/x/in', dir=/run/x, /dev/kvm2"));
    }

    @Test
    void wordsWithSlashesThatAreNoPathsStay() {
        String status = "local agents: 1/2 live, I/O error, see https://example.org/docs and a/b, 3 waiting";
        assertEquals(status, PublicStatus.of(status));
    }
}
