package rrcm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The CLI. Each command is a class of its own; this one only wires them and maps errors to exit codes. */
@Command(name = "rrcm-engine",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Robust Representation Consistency Models: training and randomized-smoothing certification.",
        subcommands = {TrainCommand.class, FinetuneCommand.class, CertifyCommand.class, ReproduceCommand.class, PredictCommand.class, MergeCommand.class,
            PlotCommand.class, InfoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code; tests call this instead of main. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + Errors.describe(ex)));
            return 1;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            long gib = Runtime.getRuntime().maxMemory() >> 30;
            cli.getErr().println(cli.getColorScheme().errorText(String.format(java.util.Locale.ROOT,
                    "error: out of memory: this run needs more than the Java heap's %s; give the JVM more (java -Xmx20g "
                    + "-jar rrcm-engine.jar ..., or JDK_JAVA_OPTIONS=-Xmx20g tools/run ...) or lower the batch size; "
                    + "a run directory keeps its last checkpoint (--resume)",
                    gib > 0 ? gib + " GiB" : (Runtime.getRuntime().maxMemory() >> 20) + " MiB")));
            return 1;
        } catch (ExceptionInInitializerError e) {
            // a class that reads its settings when it loads (CpuTuning's -Drrcm.* properties) refused one
            cli.getErr().println(cli.getColorScheme().errorText("error: " + Errors.describe(e.getCause() != null ? e.getCause() : e)));
            return 2;
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
