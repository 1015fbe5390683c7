package rrcm.certify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a certification run found: certified accuracy at the report radii, the average certified radius,
 * the abstain rate, and the cost (seconds per image, images/s, noisy samples/s from the time column, so
 * that merged shards and resumed runs count every image once). For the sequential mode, the estimation
 * draws used against the fixed-N budget.
 */
public record CertifySummary(SmoothingParams params, int images, int abstained, double[] radii, int[] certified,
                             double acr, double seconds, long draws, long estimationDraws) {
    /** Report radii of the CIFAR-10 tables (docs/method.md 4), the default for data other than ImageNet. */
    public static final double[] CIFAR_RADII = {0, 0.25, 0.5, 0.75, 1.0};
    /** Report radii of ImageNet: 0 to 3 in steps of 0.5. */
    public static final double[] IMAGENET_RADII = {0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0};
    /** What a sequential run's radii are, said in its summaries. */
    static final String SEQUENTIAL_RADII = "the sequential rule: each radius is that of the look where sampling stopped, "
            + "at that look's share of alpha, so radii and the ACR are smaller than fixed-N CERTIFY's on the same draws and "
            + "are not comparable with fixed-N numbers; the certified-accuracy table is, with probability at least 1 - alpha, "
            + "the one sampling to N would give";

    public static double[] defaultRadii(String dataKind) {
        return (dataKind.equals("imagenet-folder") ? IMAGENET_RADII : CIFAR_RADII).clone();
    }

    public static CertifySummary of(SmoothingParams params, List<CertifyRow> rows, double[] radii) {
        List<Outcome> outcomes = Outcome.of(rows);
        int[] certified = new int[radii.length];
        for (int i = 0; i < radii.length; i++) certified[i] = Outcome.certified(outcomes, radii[i]);
        int abstained = 0;
        double seconds = 0;
        long draws = 0, estimation = 0;
        for (CertifyRow r : rows) {
            if (r.predict() == Certificate.ABSTAIN) abstained++;
            seconds += r.seconds();
            draws += r.draws();
            estimation += r.n();
        }
        return new CertifySummary(params, rows.size(), abstained, radii.clone(), certified, Outcome.acr(outcomes), seconds,
                draws, estimation);
    }

    public double certifiedAccuracy(int i) {
        return images == 0 ? 0 : (double) certified[i] / images;
    }

    /** The fixed-N budget of estimation draws, N per image. */
    public long estimationBudget() {
        return params.n() * images;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", images);
        m.put("radii", radii);
        List<Double> acc = new ArrayList<>();
        for (int i = 0; i < radii.length; i++) acc.add(certifiedAccuracy(i));
        m.put("certified_accuracy", acc);
        m.put("certified", certified);
        m.put("acr", acr);
        m.put("abstained", abstained);
        m.put("abstain_rate", images == 0 ? 0.0 : (double) abstained / images);
        m.put("seconds", seconds);
        m.put("seconds_per_image", images == 0 ? 0.0 : seconds / images);
        m.put("images_per_second", seconds == 0 ? 0.0 : images / seconds);
        m.put("samples_per_second", seconds == 0 ? 0.0 : draws / seconds);
        m.put("draws", draws);
        m.put("estimation_draws", estimationDraws);
        m.put("estimation_budget", estimationBudget());
        m.put("radii_from", params.sequential() ? SEQUENTIAL_RADII : "fixed N");
        m.put("params", params.toJson());
        return m;
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder("# Certified accuracy\n\n");
        sb.append(Reports.describe(params)).append("\n\n");
        sb.append("| radius |");
        for (double r : radii) sb.append(' ').append(Formats.shortest(r)).append(" |");
        sb.append("\n|---|").append("---|".repeat(radii.length)).append("\n| certified accuracy (%) |");
        for (int c : certified) sb.append(' ').append(Formats.percent(c, images)).append(" |");
        sb.append("\n\n| images | ACR | abstained | seconds per image | images/s | samples/s |\n|---|---|---|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| %d | %.3f | %s %% | %s | %s | %s |%n", images, acr,
                Formats.percent(abstained, images), Reports.perImage(seconds, images), Reports.rate(images, seconds),
                Reports.rate(draws, seconds)));
        if (params.sequential()) sb.append('\n').append(savedLine()).append('\n');
        return sb.toString();
    }

    /** The table printed at the end of a run. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "certified accuracy on %d images (sigma %s, N %d, alpha %s)%n", images,
                Formats.shortest(params.sigma()), params.n(), Formats.shortest(params.alpha())));
        sb.append(String.format(Locale.ROOT, "  %-10s", "radius"));
        for (double r : radii) sb.append(String.format(Locale.ROOT, "%8s", Formats.shortest(r)));
        sb.append(String.format(Locale.ROOT, "%n  %-10s", "accuracy %"));
        for (int c : certified) sb.append(String.format(Locale.ROOT, "%8s", Formats.percent(c, images)));
        sb.append(String.format(Locale.ROOT, "%n  ACR %.3f   abstained %s%%   %s s per image   %s images/s   %s samples/s%n",
                acr, Formats.percent(abstained, images), Reports.perImage(seconds, images), Reports.rate(images, seconds),
                Reports.rate(draws, seconds)));
        if (params.sequential()) sb.append("  ").append(savedLine()).append('\n');
        return sb.toString();
    }

    private String savedLine() {
        long budget = estimationBudget();
        return String.format(Locale.ROOT, "Sequential: %,d of %,d estimation draws (%s %% saved). Radii and ACR come from %s.",
                estimationDraws, budget, Formats.percent(budget - estimationDraws, budget), SEQUENTIAL_RADII);
    }
}
