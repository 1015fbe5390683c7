package rrcm.workflows;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal (redrawn in place), or a plain line every tenth of the way
 * when the output is a file or a pipe, so that logs stay readable.
 */
public final class Progress {
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long lastDraw;
    private long lastPlainTenth = -1;

    public Progress(PrintStream out, String label, long total, boolean terminal) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.terminal = terminal;
    }

    /** A bar on stderr when it is a terminal. */
    public static Progress onStderr(String label, long total) {
        return new Progress(System.err, label, total, System.console() != null);
    }

    /** Reports {@code done} of total items, with a free-form status such as "loss 2.31  412 img/s". */
    public void update(long done, String status) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (terminal) {
            if (!last && now - lastDraw < 100_000_000L) return;
            lastDraw = now;
            out.print("\r" + line(done, status, now) + (last ? "\n" : ""));
            out.flush();
        } else {
            long tenth = done * 10 / total;
            if (tenth == lastPlainTenth && !last) return;
            lastPlainTenth = tenth;
            out.println(line(done, status, now));
        }
    }

    private String line(long done, String status, long now) {
        double seconds = (now - started) / 1e9;
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        String eta = done > 0 && done < total ? "  eta " + duration(seconds * (total - done) / done) : "";
        return String.format(Locale.ROOT, "%s [%s] %d/%d  %s  %s%s", label, bar, done, total, status,
                duration(seconds), eta);
    }

    /** Seconds as m:ss, or h:mm:ss from an hour on. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
