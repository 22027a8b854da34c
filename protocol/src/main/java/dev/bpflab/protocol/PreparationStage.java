package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the lab is doing before it can run anything (docs/run-contract.md, "Preparing"): on a fresh host the qemu
 * backend builds the guest image and boots the VM every run is restored from, minutes without KVM. In the order they
 * happen; the image's own stages are skipped when the image is up to date. {@link #step()} groups them into the
 * {@value #STEPS} steps people are told ("step 1 of 4").
 */
public enum PreparationStage {
    IMAGE_CHECK(1, "checking the guest image"),
    IMAGE_KERNEL(1, "building the guest image: its kernel"),
    IMAGE_PACKAGES(1, "building the guest image: Debian packages"),
    IMAGE_PACK(1, "building the guest image: packing it"),
    IMAGE_AGENT(1, "building the guest image: the agent"),
    HEADERS(2, "compiling the guest kernel's headers"),
    ACCELERATOR(3, "checking for KVM"),
    SAVED_VM(4, "booting the VM runs start from");

    /** How many steps the stages make. */
    public static final int STEPS = 4;

    private final int step;
    private final String text;

    PreparationStage(int step, String text) {
        this.step = step;
        this.text = text;
    }

    /** The step this stage belongs to, 1 to {@link #STEPS}. */
    public int step() {
        return step;
    }

    /** What the lab is doing, for people: "building the guest image: Debian packages". */
    public String text() {
        return text;
    }

    /** The name on the wire, e.g. "image-packages". */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The stage named {@code wire} ("image-packages"), if it is one. */
    public static java.util.Optional<PreparationStage> fromWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
    }

    @JsonCreator
    static PreparationStage parse(String wire) {
        return fromWire(wire).orElseThrow(() -> new IllegalArgumentException(
                "\"stage\" must be one of " + Arrays.stream(values()).map(PreparationStage::wire).toList()));
    }
}
