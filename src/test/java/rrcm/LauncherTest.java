package rrcm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relaunched JVM gets the options this one was started with (-D, -XX, -Xmx), so settings survive it. */
class LauncherTest {
    @Test
    void forwardsThisJvmsOptions() {
        List<String> mine = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertEquals(mine.stream().filter(a -> !a.startsWith("-Drrcm.relaunched") && !a.contains("jdwp")).toList(),
                Launcher.forwardedOptions());
        // the suite's JVM is started with a heap size (pom.xml): a real option, forwarded
        assertEquals(true, Launcher.forwardedOptions().stream().anyMatch(a -> a.startsWith("-Xmx")),
                Launcher.forwardedOptions().toString());
    }
}
