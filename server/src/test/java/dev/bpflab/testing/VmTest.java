package dev.bpflab.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test of the "vm" tier. It boots QEMU guests from the guest image (built from Debian packages on first use): it
 * needs root, qemu-system-x86 and minutes the first time. `bin/test` (and CI) runs every tier; `./mvnw -Pfast
 * verify` leaves out kernel, vm and browser tests for a quick edit loop without root.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("vm")
public @interface VmTest {
}
