package rrcm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The CLI as a user meets it: help, version, info, and a mistyped command. */
class CliTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("info"), r.out());
    }

    @Test
    void everyCommandHasHelp() {
        Run r = run("info", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Vector API"), r.out());
    }

    @Test
    void versionNamesEngineAndJava() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("rrcm-engine") && r.out().contains("Java"), r.out());
    }

    @Test
    void infoReportsJavaVectorsThreadsAndBackends() {
        Run r = run("info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("float lanes"), r.out());
        assertTrue(r.out().contains("cpu threads"), r.out());
        assertTrue(r.out().matches("(?s).*cpu\\s+available.*"), r.out());
        assertTrue(r.out().contains("cpu kernels") && r.out().contains("gemm tile") && r.out().contains("attention tile"),
                r.out());
        assertTrue(r.out().contains("PTX ISA 7.8 (written by nvcc 13.0): a driver for CUDA 11.8 or newer loads them"), r.out());
    }

    /** A run larger than the heap ends with one sentence that says how to give the JVM more, and exit 1. */
    @Test
    void runningOutOfMemoryIsOneSentence(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        String jvm = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(jvm, "-Xmx48m", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--run-dir", tmp.resolve("big").toString(), "run.stages=pretrain", "pretrain.steps=2",
                "pretrain.batch_size=512", "model.dim=256", "model.heads=4")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor(), out);
        assertTrue(out.contains("error: out of memory") && out.contains("-Xmx"), out);
        assertTrue(!out.contains("\tat "), "no stack trace: " + out);
    }

    /** A kernel setting the machine cannot take ends with one sentence and exit 2, in a fresh JVM. */
    @Test
    void aBadKernelSettingIsRefusedInOneSentence() throws Exception {
        String jvm = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(jvm, "--add-modules", "jdk.incubator.vector", "-Drrcm.vector.bits=1024",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "info")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), out);
        assertTrue(out.contains("error: -Drrcm.vector.bits must be 128, 256 or 512"), out);
        assertTrue(!out.contains("\tat "), "no stack trace: " + out);
    }

    @Test
    void unknownCommandFailsWithAMessage() {
        Run r = run("trian");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("trian"), r.err());
    }
}
