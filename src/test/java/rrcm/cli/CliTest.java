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
    }

    @Test
    void unknownCommandFailsWithAMessage() {
        Run r = run("trian");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("trian"), r.err());
    }
}
