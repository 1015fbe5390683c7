package rrcm.workflows;

import java.io.PrintStream;
import rrcm.backend.Backend;

/**
 * What every stage of a run shares: the backend, the configuration, the run directory, where to print,
 * and an optional step at which to checkpoint and stop (0: run to the end).
 */
public record RunContext(Backend backend, TrainConfig config, RunDirectory dir, PrintStream out, long stopAt) {
    /** Images per step of a stage and the wall time it took, as the log line reports them. */
    static String rate(int images, double seconds) {
        return String.format(java.util.Locale.ROOT, "%.0f img/s", images / Math.max(seconds, 1e-9));
    }
}
