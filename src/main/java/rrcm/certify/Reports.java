package rrcm.certify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import rrcm.io.AtomicFile;
import rrcm.io.Json;

/** Writing a result directory's reports (summary.md, summary.json, the plot) and the phrases they share. */
final class Reports {
    static final String SUMMARY_MD = "summary.md", SUMMARY_JSON = "summary.json", PLOT = "certified-accuracy.png";

    private Reports() {}

    /** summary.md, summary.json and certified-accuracy.png of a certification result. */
    static void write(Path dir, CertifySummary s, List<Outcome> outcomes) {
        writeText(dir.resolve(SUMMARY_MD), s.markdown());
        writeText(dir.resolve(SUMMARY_JSON), Json.writePretty(s.toJson()));
        AccuracyPlot.write(dir.resolve(PLOT), List.of(new AccuracyPlot.Curve(curveLabel(s.params()), outcomes)),
                "Certified accuracy, sigma " + Formats.shortest(s.params().sigma()), s.radii());
    }

    /** summary.md and summary.json of a PREDICT result. */
    static void write(Path dir, PredictSummary s) {
        writeText(dir.resolve(SUMMARY_MD), s.markdown());
        writeText(dir.resolve(SUMMARY_JSON), Json.writePretty(s.toJson()));
    }

    static void writeText(Path file, String text) {
        try {
            AtomicFile.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be written (" + e.getMessage() + ")", e);
        }
    }

    /** A legend label: the run directory's name and sigma, e.g. "quickstart sigma 0.25". */
    static String curveLabel(SmoothingParams p) {
        // the checkpoint is <run>/finetune/model.safetensors
        Path stage = Path.of(p.checkpoint()).toAbsolutePath().normalize().getParent();
        Path run = stage == null ? null : stage.getParent();
        String name = run == null || run.getFileName() == null ? "" : run.getFileName() + " ";
        return name + "sigma " + Formats.shortest(p.sigma()) + (p.denoiser().isEmpty() ? "" : " (denoised)")
                + (p.sequential() ? " (sequential)" : "");
    }

    /** One paragraph: what was certified, how, and with what. */
    static String describe(SmoothingParams p) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Model `%s` (SHA-256 %s…), sigma %s (conditioning time t = %.6f). ",
                p.checkpoint(), p.checkpointSha256().substring(0, Math.min(12, p.checkpointSha256().length())),
                Formats.shortest(p.sigma()), p.time()));
        if (!p.denoiser().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "Each noisy copy is first denoised in one step by `%s` (SHA-256 %s…). ",
                    p.denoiser(), p.denoiserSha256().substring(0, Math.min(12, p.denoiserSha256().length()))));
        }
        sb.append(String.format(Locale.ROOT, "Data: %s%s, %d %s images; every %simage, %d selected%s%s. ", p.dataKind(),
                p.dataDir() == null ? "" : " (" + p.dataDir() + ")", p.dataSize(),
                p.split().equals(SmoothingParams.VALIDATION) ? "validation (held out of the training set)" : "test",
                ordinal(p.skip()), p.images(),
                p.max() == 0 ? "" : " (at most " + p.max() + ")", p.shard().whole() ? "" : ", shard " + p.shard()));
        if (p.command().equals(SmoothingParams.CERTIFY)) {
            sb.append(String.format(Locale.ROOT, "CERTIFY with n0 = %d, N = %,d, alpha = %s, noise seed %d.", p.n0(), p.n(),
                    Formats.shortest(p.alpha()), p.seed()));
            if (p.sequential()) {
                SequentialRule rule = new SequentialRule(p.n(), p.alpha(), p.sigma(),
                        p.sequentialRadii().stream().mapToDouble(Double::doubleValue).toArray());
                double[] a = rule.alphas();
                sb.append(" Sequential: looks after ").append(joined(rule.looks())).append(" estimation draws");
                if (a.length > 1) {
                    sb.append(String.format(Locale.ROOT, ", each bound at alpha %.3g before the last look and %.3g at it",
                            a[0], a[a.length - 1]));
                }
                sb.append('.');
            }
        } else {
            sb.append(String.format(Locale.ROOT, "PREDICT with N = %,d, alpha = %s, noise seed %d.", p.n(),
                    Formats.shortest(p.alpha()), p.seed()));
        }
        return sb.toString();
    }

    private static String joined(long[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,d", v[i]));
        return sb.toString();
    }

    private static String ordinal(int k) {
        if (k == 1) return "";  // "every image"
        String suffix = k % 100 >= 11 && k % 100 <= 13 ? "th" : switch (k % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return k + suffix + " ";
    }

    static String perImage(double seconds, int images) {
        return images == 0 ? "-" : String.format(Locale.ROOT, "%.3g", seconds / images);
    }

    static String rate(long count, double seconds) {
        if (seconds <= 0) return "-";
        double r = count / seconds;
        return r >= 100 ? String.format(Locale.ROOT, "%,.0f", r) : String.format(Locale.ROOT, "%.3g", r);
    }
}
