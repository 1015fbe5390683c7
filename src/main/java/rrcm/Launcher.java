package rrcm;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Entry point of the jar. Compiled for Java 17 so that it loads on an older default JVM.
 *
 * <p>The engine needs JDK 25 and two launch flags that a jar manifest cannot carry: the Vector API
 * incubator module and native access for the FFM calls. When either is missing, this class starts a
 * child JVM (JDK 25 from JAVA_HOME or /usr/lib/jvm) with the flags, forwards the arguments and the
 * terminal, and exits with the child's status. Otherwise it hands over to {@code rrcm.cli.Main}.
 */
public final class Launcher {
    static final int REQUIRED_FEATURE = 25;
    static final String[] FLAGS = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"};
    private static final String RELAUNCHED = "rrcm.relaunched";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        boolean modern = Runtime.version().feature() >= REQUIRED_FEATURE;
        boolean vectorLoaded = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (modern && vectorLoaded) {
            // Reflection only here: this class is compiled for Java 17 and must not link against
            // classes compiled for Java 25 before the version check above has run.
            Class.forName("rrcm.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
            return;
        }
        if (System.getProperty(RELAUNCHED) != null) {
            System.err.println("rrcm-engine: the relaunched JVM still lacks the Vector API module; "
                    + "run it as: java " + String.join(" ", FLAGS) + " -jar rrcm-engine.jar");
            System.exit(2);
        }
        Optional<Path> java = modern ? Optional.of(currentJava()) : findJdk();
        if (java.isEmpty()) {
            System.err.println("rrcm-engine needs JDK " + REQUIRED_FEATURE + " or newer; this is Java "
                    + Runtime.version().feature() + " and none was found in JAVA_HOME or /usr/lib/jvm. "
                    + "Install one (for example Temurin 25: apt-get install temurin-25-jdk) or set JAVA_HOME.");
            System.exit(2);
        }
        System.exit(relaunch(java.get(), args));
    }

    private static int relaunch(Path java, String[] args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        List<String> forwarded = forwardedOptions();
        cmd.addAll(forwarded);
        // the JVM's default heap is a quarter of the memory; training wants more (the user's setting wins)
        if (forwarded.stream().noneMatch(o -> o.startsWith("-Xmx") || o.startsWith("-XX:MaxHeapSize")
                || o.startsWith("-XX:MaxRAM"))) {
            cmd.add("-XX:MaxRAMPercentage=75");
        }
        cmd.addAll(List.of(FLAGS));
        cmd.add("-D" + RELAUNCHED + "=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("rrcm.cli.Main");
        cmd.addAll(List.of(args));
        Process child = new ProcessBuilder(cmd).inheritIO().start();
        // Ctrl-C reaches the whole process group; the hook only makes sure the child never outlives us.
        Runtime.getRuntime().addShutdownHook(new Thread(child::destroy));
        return child.waitFor();
    }

    /**
     * The options this JVM was started with (-D properties such as -Drrcm.threads, -XX flags such as
     * -XX:UseAVX=2, -Xmx), so that the relaunched JVM runs as the user asked.
     */
    static List<String> forwardedOptions() {
        List<String> out = new ArrayList<>();
        try {
            for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                // not the marker, and not a debugger agent: its port is this JVM's already
                if (!a.startsWith("-D" + RELAUNCHED) && !a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp")) out.add(a);
            }
        } catch (LinkageError | RuntimeException e) {
            // a runtime without java.management: nothing to forward
        }
        return out;
    }

    private static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** JAVA_HOME first, then the JDKs under /usr/lib/jvm, newest first. */
    static Optional<Path> findJdk() {
        List<Path> homes = new ArrayList<>();
        String env = System.getenv("JAVA_HOME");
        if (env != null && !env.isBlank()) homes.add(Path.of(env));
        Path jvm = Path.of(File.separator, "usr", "lib", "jvm");
        if (Files.isDirectory(jvm)) {
            try (Stream<Path> s = Files.list(jvm)) {
                s.sorted(Comparator.comparing(Path::toString).reversed()).forEach(homes::add);
            } catch (IOException ignored) {
                // an unreadable /usr/lib/jvm is the same as an empty one
            }
        }
        for (Path home : homes) {
            Path java = home.resolve("bin").resolve("java");
            if (Files.isExecutable(java) && featureOf(home) >= REQUIRED_FEATURE) return Optional.of(java);
        }
        return Optional.empty();
    }

    /** Reads JAVA_VERSION from the JDK's release file; 0 when absent or unreadable. */
    static int featureOf(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String major = v.split("[.+-]")[0];
                    return Integer.parseInt(major);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
