package rrcm.experiments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import rrcm.certify.AccuracyPlot;
import rrcm.certify.Formats;
import rrcm.certify.Outcome;
import rrcm.io.AtomicFile;
import rrcm.io.Json;
import rrcm.io.JsonParser;

/**
 * A finished study's report: results.md (the table per sigma, the best over sigma per method as the papers
 * report it, what each stage cost), results.json (the same numbers) and certified-accuracy.png (one panel
 * per sigma). Everything is read back from the stages' own files (summary.json of each training run and of
 * each certification, certify.tsv for the curves), so the report can be rebuilt from a run directory.
 */
final class Report {
    static final String MARKDOWN = "results.md", JSON = "results.json", PLOT = "certified-accuracy.png";
    /** The radii of the table (those of the CIFAR-10 tables). */
    static final double[] RADII = {0, 0.25, 0.5, 0.75, 1.0};

    /** One method at one sigma: its training and its certification. */
    record Row(Stage.Arm arm, double sigma, double cleanAccuracy, int cleanImages, double[] certified, double acr,
               int images, double trainSeconds, double pretrainSeconds, double certifySecondsPerImage, List<Outcome> outcomes) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", arm.key());
            m.put("label", arm.label());
            m.put("sigma", sigma);
            m.put("clean_accuracy", cleanAccuracy);
            m.put("clean_images", cleanImages);
            m.put("radii", RADII);
            m.put("certified_accuracy", certified);
            m.put("acr", acr);
            m.put("certified_images", images);
            m.put("train_seconds", trainSeconds);
            m.put("pretrain_seconds", pretrainSeconds);
            m.put("certify_seconds_per_image", certifySecondsPerImage);
            return m;
        }
    }

    private Report() {}

    static void write(Study study, List<Stage> stages, Path runs, Path results, RunState state, String command, String machine,
                      int trainImages, int judgedImages) {
        List<Row> rows = new ArrayList<>();
        for (Stage s : stages) {
            if (!(s instanceof Stage.Certify c)) continue;
            Stage.Train t = c.model();
            Map<String, Object> run = readJson(runs.resolve(t.name()).resolve("summary.json"));
            Path certDir = Reproduction.certifyDir(runs, c, study.validating());
            Map<String, Object> cert = readJson(certDir.resolve("summary.json"));
            List<Outcome> outcomes = Outcome.read(certDir.resolve("certify.tsv"));
            double[] acc = new double[RADII.length];
            for (int i = 0; i < RADII.length; i++) acc[i] = Outcome.certifiedAccuracy(outcomes, RADII[i]);
            String before = t.from() != null ? t.from() : c.denoiser(); // the shared stage this row built on
            rows.add(new Row(t.arm(), c.sigma(), number(run, "clean_accuracy"), (int) number(run, "images"), acc,
                    Outcome.acr(outcomes), outcomes.size(), seconds(state, t.name()),
                    before != null ? seconds(state, before) : 0, number(cert, "seconds_per_image"), outcomes));
        }
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String commit = commit();
        try {
            Files.createDirectories(results);
            AtomicFile.writeString(results.resolve(MARKDOWN), markdown(study, rows, stages, state, command, machine, date, commit,
                    trainImages, judgedImages));
            AtomicFile.writeString(results.resolve(JSON), Json.writePretty(json(study, rows, stages, state, command, machine, date,
                    commit, trainImages, judgedImages)));
        } catch (IOException e) {
            throw new UncheckedIOException(results + ": cannot write the report (" + e.getMessage() + ")", e);
        }
        List<AccuracyPlot.Panel> panels = new ArrayList<>();
        for (double sigma : study.sigmas()) {
            List<AccuracyPlot.Curve> curves = new ArrayList<>();
            for (Row r : rows) if (r.sigma() == sigma) curves.add(new AccuracyPlot.Curve(r.arm().label(), r.outcomes()));
            panels.add(new AccuracyPlot.Panel("sigma " + Formats.shortest(sigma), curves));
        }
        AccuracyPlot.writePanels(results.resolve(PLOT), panels, "Certified accuracy, " + study.name()
                + (study.validating() ? " (validation images)" : " (test images)"), RADII);
    }

    /** The best of a method's rows over sigma at each radius, and its best ACR, as the papers' tables give them. */
    static Map<Stage.Arm, double[]> bestOverSigma(List<Row> rows) {
        Map<Stage.Arm, double[]> best = new LinkedHashMap<>();
        for (Row r : rows) {
            double[] b = best.computeIfAbsent(r.arm(), a -> new double[RADII.length + 1]);
            for (int i = 0; i < RADII.length; i++) b[i] = Math.max(b[i], r.certified()[i]);
            b[RADII.length] = Math.max(b[RADII.length], r.acr());
        }
        return best;
    }

    private static String markdown(Study study, List<Row> rows, List<Stage> stages, RunState state, String command, String machine,
                                   String date, String commit, int trainImages, int judgedImages) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(study.name().endsWith("-ablations") ? "What each part of rRCM contributes: "
                : "rRCM against its baselines: ").append(study.name()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "Trained on %,d training images%s; certified with %s: one image in every %d of the %,d %s images.%n%n",
                trainImages, study.validating() ? " (the rest held out)" : "", study.certification().describe(),
                study.certification().skip(judgedImages), judgedImages, study.validating() ? "held-out (validation)" : "test"));
        sb.append("- command: `").append(command).append("`\n");
        sb.append("- commit: ").append(commit).append('\n');
        sb.append("- machine: ").append(machine).append('\n');
        sb.append("- finished: ").append(date).append("\n\n");
        int clean = rows.isEmpty() ? 0 : rows.getFirst().cleanImages();
        sb.append("Certified accuracy (%) at each L2 radius, the average certified radius (ACR), the clean accuracy (%) of the ")
                .append(String.format(Locale.ROOT, "base classifier on %,d %s images, and the wall time. ", clean,
                        study.validating() ? "held-out" : "test"))
                .append("A row fine-tuned from a pre-trained encoder gives its training time as pre-training + fine-tuning; the ")
                .append("pre-training is shared by every row that starts from it.");
        if (study.arms().stream().anyMatch(Stage.Arm::trainedOnce)) {
            sb.append(" A row behind a denoiser gives denoiser + classifier (one of each, for every sigma); its clean accuracy ")
                    .append("is its classifier's on the clean images, and its certification passes every draw through both networks.");
        }
        sb.append('\n');
        for (double sigma : study.sigmas()) {
            sb.append("\n## sigma = ").append(Formats.shortest(sigma)).append("\n\n| method |");
            for (double r : RADII) sb.append(' ').append(Formats.shortest(r)).append(" |");
            sb.append(" ACR | clean | training | certification s/image |\n|---|");
            sb.append("---:|".repeat(RADII.length + 4)).append('\n');
            for (Row r : rows) {
                if (r.sigma() != sigma) continue;
                sb.append("| ").append(r.arm().label()).append(" |");
                for (double a : r.certified()) sb.append(String.format(Locale.ROOT, " %.1f |", 100 * a));
                sb.append(String.format(Locale.ROOT, " %.3f | %.1f | %s | %.2f |%n", r.acr(), 100 * r.cleanAccuracy(),
                        r.pretrainSeconds() > 0 ? Reproduction.clock(r.pretrainSeconds()) + " + " + Reproduction.clock(r.trainSeconds())
                                : Reproduction.clock(r.trainSeconds()), r.certifySecondsPerImage()));
            }
        }
        sb.append("\n## Best over sigma\n\nEach radius's best certified accuracy (%) over the noise levels, and the best ACR.\n\n| method |");
        for (double r : RADII) sb.append(' ').append(Formats.shortest(r)).append(" |");
        sb.append(" ACR |\n|---|").append("---:|".repeat(RADII.length + 1)).append('\n');
        for (Map.Entry<Stage.Arm, double[]> e : bestOverSigma(rows).entrySet()) {
            sb.append("| ").append(e.getKey().label()).append(" |");
            double[] b = e.getValue();
            for (int i = 0; i < RADII.length; i++) sb.append(String.format(Locale.ROOT, " %.1f |", 100 * b[i]));
            sb.append(String.format(Locale.ROOT, " %.3f |%n", b[RADII.length]));
        }
        sb.append("\n## Stages\n\n| stage | what | wall time |\n|---|---|---:|\n");
        double total = 0;
        for (Stage s : stages) {
            double sec = seconds(state, s.name());
            total += sec;
            sb.append("| ").append(s.name()).append(" | ").append(s.describe()).append(" | ").append(Reproduction.clock(sec)).append(" |\n");
        }
        sb.append("| all | | ").append(Reproduction.clock(total)).append(" |\n");
        sb.append("\n![certified accuracy](").append(PLOT).append(")\n");
        return sb.toString();
    }

    private static Map<String, Object> json(Study study, List<Row> rows, List<Stage> stages, RunState state, String command,
                                            String machine, String date, String commit, int trainImages, int judgedImages) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("study", study.name());
        m.put("split", study.validating() ? "validation" : "test");
        m.put("train_images", trainImages);
        m.put("judged_images", judgedImages);
        Study.Certification c = study.certification();
        Map<String, Object> cert = new LinkedHashMap<>();
        cert.put("n0", c.n0());
        cert.put("n", c.n());
        cert.put("alpha", c.alpha());
        cert.put("images", c.images());
        cert.put("skip", c.skip(judgedImages));
        cert.put("seed", c.seed());
        m.put("certification", cert);
        m.put("command", command);
        m.put("commit", commit);
        m.put("machine", machine);
        m.put("finished", date);
        List<Object> rs = new ArrayList<>();
        for (Row r : rows) rs.add(r.toJson());
        m.put("rows", rs);
        List<Object> best = new ArrayList<>();
        for (Map.Entry<Stage.Arm, double[]> e : bestOverSigma(rows).entrySet()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("method", e.getKey().key());
            b.put("certified_accuracy", java.util.Arrays.copyOf(e.getValue(), RADII.length));
            b.put("acr", e.getValue()[RADII.length]);
            best.add(b);
        }
        m.put("best_over_sigma", best);
        List<Object> st = new ArrayList<>();
        for (Stage s : stages) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("stage", s.name());
            e.put("what", s.describe());
            e.put("seconds", seconds(state, s.name()));
            st.add(e);
        }
        m.put("stages", st);
        return m;
    }

    /**
     * The commit the running engine was built from, as the build wrote it into the jar
     * (rrcm/engine-commit.properties; "-dirty" when the checkout had changes): a study's stages may run
     * for hours while the checkout moves on, so the checkout's HEAD would not say what ran.
     */
    static String commit() {
        try (var in = Report.class.getResourceAsStream("/rrcm/engine-commit.properties")) {
            if (in == null) return "unknown (built without commit information)";
            var p = new java.util.Properties();
            p.load(in);
            String id = p.getProperty("git.commit.id.abbrev", "");
            if (id.isEmpty()) return "unknown (built outside a git checkout)";
            return Boolean.parseBoolean(p.getProperty("git.dirty", "false")) ? id + "-dirty" : id;
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static double seconds(RunState state, String stage) {
        return state.entry(stage) == null ? 0 : state.entry(stage).seconds();
    }

    static Map<String, Object> readJson(Path file) {
        try {
            if (!(JsonParser.parse(Files.readString(file)) instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(file + ": not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) m;
            return map;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static double number(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) throw new IllegalArgumentException("'" + key + "' is missing or not a number");
        return n.doubleValue();
    }
}
