package dev.bpflab.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test of the "kernel" tier. It loads real BPF programs into this machine's kernel, or runs the agent, clang or
 * ip here: it needs root and a kernel with BPF. `bin/test` (and CI) runs every tier; `./mvnw -Pfast verify` leaves
 * out kernel, vm and browser tests for a quick edit loop without root.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("kernel")
public @interface KernelTest {
}
