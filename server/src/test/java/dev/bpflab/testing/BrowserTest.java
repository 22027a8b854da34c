package dev.bpflab.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test of the "browser" tier. It drives Debian's Chromium through chromedriver against the built page (and runs
 * programs through the local backend). `bin/test` (and CI) runs every tier; `./mvnw -Pfast verify` leaves out
 * kernel, vm and browser tests for a quick edit loop without root.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("browser")
public @interface BrowserTest {
}
