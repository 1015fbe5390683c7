package rrcm.certify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a PREDICT run found: accuracy of the smoothed classifier, abstain rate, and the cost. */
public record PredictSummary(SmoothingParams params, int images, int correct, int abstained, double seconds, long draws) {
    public static PredictSummary of(SmoothingParams params, List<PredictRow> rows) {
        int correct = 0, abstained = 0;
        double seconds = 0;
        long draws = 0;
        for (PredictRow r : rows) {
            if (r.correct()) correct++;
            if (r.predict() == Certificate.ABSTAIN) abstained++;
            seconds += r.seconds();
            draws += r.n();
        }
        return new PredictSummary(params, rows.size(), correct, abstained, seconds, draws);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", images);
        m.put("accuracy", images == 0 ? 0.0 : (double) correct / images);
        m.put("correct", correct);
        m.put("abstained", abstained);
        m.put("abstain_rate", images == 0 ? 0.0 : (double) abstained / images);
        m.put("seconds", seconds);
        m.put("seconds_per_image", images == 0 ? 0.0 : seconds / images);
        m.put("images_per_second", seconds == 0 ? 0.0 : images / seconds);
        m.put("samples_per_second", seconds == 0 ? 0.0 : draws / seconds);
        m.put("draws", draws);
        m.put("params", params.toJson());
        return m;
    }

    public String markdown() {
        return "# Smoothed-classifier accuracy (PREDICT)\n\n" + Reports.describe(params) + "\n\n"
                + "| images | accuracy (%) | abstained (%) | seconds per image | images/s | samples/s |\n|---|---|---|---|---|---|\n"
                + String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", images, Formats.percent(correct, images),
                        Formats.percent(abstained, images), Reports.perImage(seconds, images), Reports.rate(images, seconds),
                        Reports.rate(draws, seconds));
    }

    public String table() {
        return String.format(Locale.ROOT, "smoothed accuracy on %d images (sigma %s, N %d, alpha %s): %s%%, abstained %s%%%n"
                        + "  %s s per image   %s images/s   %s samples/s%n", images, Formats.shortest(params.sigma()), params.n(),
                Formats.shortest(params.alpha()), Formats.percent(correct, images), Formats.percent(abstained, images),
                Reports.perImage(seconds, images), Reports.rate(images, seconds), Reports.rate(draws, seconds));
    }
}
