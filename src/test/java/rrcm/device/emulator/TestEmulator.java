package rrcm.device.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The emulator the tests run on. The library is (re)built once per test JVM with tools/build-emulator,
 * which does nothing when it is up to date, so `mvn test` works without tools/test and never runs
 * kernels from stale sources.
 */
public final class TestEmulator {
    private static Path library;

    private TestEmulator() {}

    public static synchronized Path library() {
        if (library == null) {
            Path lib = EmulatorDevice.defaultLibrary().toAbsolutePath().normalize();
            Path root = Path.of(System.getProperty("rrcm.root", ".")).toAbsolutePath().normalize();
            ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("tools/build-emulator").toString(),
                    lib.getParent().toString()).directory(root.toFile()).redirectErrorStream(true);
            // a build with other flags (-Drrcm.emulator.cxxflags, e.g. contraction on) into its own directory
            String flags = System.getProperty("rrcm.emulator.cxxflags");
            if (flags != null && !flags.isBlank()) pb.environment().put("EMU_CXXFLAGS", flags);
            try {
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) throw new IllegalStateException("tools/build-emulator failed:\n" + out);
            } catch (IOException e) {
                throw new IllegalStateException("cannot run tools/build-emulator: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while building the emulator", e);
            }
            library = lib;
        }
        return library;
    }

    /** A fresh emulator device (forward schedule) over the shared library. */
    public static EmulatorDevice open() {
        return EmulatorDevice.open(library());
    }
}
