package rrcm.experiments;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import rrcm.backend.Backend;
import rrcm.backend.cpu.CpuTuning;
import rrcm.certify.Shard;
import rrcm.certify.SmoothingJob;
import rrcm.data.Datasets;
import rrcm.data.Split;
import rrcm.io.ConfigLoader;
import rrcm.io.ConfigNode;
import rrcm.io.JsonLines;
import rrcm.workflows.FineTuning;
import rrcm.workflows.FinetuneSpec;
import rrcm.workflows.Pretraining;
import rrcm.workflows.Progress;
import rrcm.workflows.TrainConfig;
import rrcm.workflows.TrainRun;

/**
 * Runs a study's stages into a run directory of its own and writes the report. Resumable: each training
 * stage is a run directory (continued from its last checkpoint), each certification a result file
 * (continued image by image), and reproduce.json records which stages finished and how long each took,
 * so running the same command again skips what is done and continues what stopped. Before the first
 * stage it times a few pre-training and fine-tuning steps and a certification batch on this machine
 * (kept in reproduce.json) and prints every stage's estimate, then each stage's as it starts.
 */
public final class Reproduction {
    /** Steps timed for the estimates; only the last third count (the first ones run before the JIT has compiled them). */
    private static final int CALIBRATION_STEPS = 24;

    private final Backend backend;
    private final Study study;
    private final Path runs;
    private final PrintStream out;
    private final List<String> common;
    private final List<Stage> stages;
    private final TrainConfig base;
    private final int trainImages, judgedImages;
    private final RunState state;

    private Reproduction(Backend backend, Study study, Path runs, PrintStream out) {
        this.backend = backend;
        this.study = study;
        this.runs = runs;
        this.out = out;
        for (String o : study.overrides()) {
            String key = o.contains("=") ? o.substring(0, o.indexOf('=')).trim() : o;
            if (Plan.PLANNED_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + " is set by the reproduction for each stage; it cannot be overridden"
                        + (key.equals("data.dir") ? " (name the data with --data-dir)" : ""));
            }
        }
        List<String> c = new ArrayList<>(study.overrides());
        if (study.dataDir() != null) c.add("data.dir=" + study.dataDir().toAbsolutePath().normalize());
        if (study.validating()) c.add("data.validation=" + study.validation());
        this.common = List.copyOf(c);
        this.base = TrainConfig.from(ConfigLoader.loadResource(study.config(), common));
        TrainConfig.Data d = base.data();
        int train = Datasets.open(d.kind(), d.dir(), Split.TRAIN, d.imageSize()).size();
        if (study.validation() >= train) {
            throw new IllegalArgumentException("the training set has " + train + " images; " + study.validation()
                    + " cannot be held out of it");
        }
        this.trainImages = train - study.validation();
        this.judgedImages = study.validating() ? study.validation() : Datasets.open(d.kind(), d.dir(), Split.TEST, d.imageSize()).size();
        this.stages = Plan.of(study, base, trainImages);
        this.state = RunState.open(runs.resolve(RunState.FILE), study.name(), identity());
    }

    /**
     * Runs (or continues) the study and writes its report into results; with planOnly, prints the plan
     * and its estimates and runs nothing else.
     *
     * @param command the command line that regenerates the report, as the report should quote it
     */
    public static void run(Backend be, Study study, Path runs, Path results, String command, PrintStream out, boolean planOnly) {
        Reproduction r = new Reproduction(be, study, runs, out);
        r.calibrate();
        r.printPlan(results);
        if (planOnly) return;
        for (int i = 0; i < r.stages.size(); i++) {
            if (!r.runStage(i)) {
                out.println("stopped before the end; run the same command again to continue");
                return;
            }
        }
        String machine = CpuTuning.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores; backend "
                + be.name() + ": " + be.describe() + "; Java " + Runtime.version();
        Report.write(study, r.stages, runs, results, r.state, command, machine, r.trainImages, r.judgedImages);
        out.println("wrote " + results.resolve(Report.MARKDOWN) + ", " + Report.JSON + ", " + Report.PLOT);
    }

    /** The configuration of a training stage: the study's file, its overrides, then the stage's own keys. */
    ConfigNode config(Stage.Train t) {
        List<String> o = new ArrayList<>(common);
        o.addAll(t.overrides());
        if (t.from() != null) {
            o.add("finetune.encoder=" + runs.resolve(t.from()).resolve(Pretraining.STAGE).resolve("model.safetensors")
                    .toAbsolutePath().normalize());
        }
        return ConfigLoader.loadResource(study.config(), o);
    }

    // what the run directory's stages were made with: a different plan must not continue them
    private String identity() {
        StringBuilder sb = new StringBuilder(study.certification().describe()).append('\n');
        for (Stage s : stages) {
            sb.append("== ").append(s.name()).append('\n');
            if (s instanceof Stage.Train t) sb.append(config(t).toYaml());
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- calibration and estimates

    private void calibrate() {
        if (state.calibration() != null) return;
        out.printf(Locale.ROOT, "timing %d pre-training steps, %d fine-tuning steps and three certified images on this machine%n",
                CALIBRATION_STEPS, CALIBRATION_STEPS);
        Path dir = runs.resolve("calibration");
        deleteTree(dir);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        List<String> o = new ArrayList<>(common);
        o.addAll(List.of("run.log_every=1", "run.checkpoint_every=100000"));
        List<String> pre = new ArrayList<>(o);
        pre.add("run.stages=pretrain");
        TrainRun.inDirectory(backend, ConfigLoader.loadResource(study.config(), pre), dir.resolve("pretrain"), false, quiet,
                CALIBRATION_STEPS);
        List<String> fine = new ArrayList<>(o);
        fine.addAll(List.of("run.stages=finetune", "finetune.method=consistency"));
        TrainRun.inDirectory(backend, ConfigLoader.loadResource(study.config(), fine), dir.resolve("finetune"), false, quiet,
                CALIBRATION_STEPS);
        // three images, the last one timed: the first ones run while the JIT compiles the inference path
        Study.Certification c = study.certification();
        long n = Math.min(c.n(), 5L * c.batch());
        SmoothingJob.Settings s = new SmoothingJob.Settings(SmoothingJob.Kind.CERTIFY, dir.resolve("finetune"), null, c.n0(), n,
                c.alpha(), c.batch(), c.seed(), 1, 3, Shard.ALL, dir.resolve("certify"), false, false, null, null,
                study.validating(), null);
        SmoothingJob.prepare(backend, s).run(quiet);
        double secondsPerSample = lastImageSeconds(dir.resolve("certify").resolve("certify.tsv")) / (c.n0() + n);
        state.calibrate(new RunState.Calibration(secondsPerStep(dir.resolve("pretrain"), Pretraining.STAGE),
                secondsPerStep(dir.resolve("finetune"), FineTuning.STAGE), secondsPerSample));
        deleteTree(dir);
    }

    // the median of the last third of the logged steps
    private static double secondsPerStep(Path run, String stage) {
        List<Double> ms = new ArrayList<>();
        for (Map<String, Object> line : JsonLines.read(run.resolve("metrics.jsonl"))) {
            if (stage.equals(line.get("stage")) && line.get("ms_per_step") instanceof Number v) ms.add(v.doubleValue());
        }
        if (ms.isEmpty()) throw new IllegalStateException(run + ": the timing run logged no steps");
        List<Double> later = new ArrayList<>(ms.subList(ms.size() * 2 / 3, ms.size()));
        later.sort(Comparator.naturalOrder());
        return later.get(later.size() / 2) / 1e3;
    }

    // the time column of a certification file's last row
    private static double lastImageSeconds(Path tsv) {
        try {
            List<String> lines = Files.readAllLines(tsv);
            int column = List.of(lines.getFirst().split("\t")).indexOf("time");
            return Double.parseDouble(lines.getLast().split("\t")[column]);
        } catch (IOException e) {
            throw new UncheckedIOException(tsv + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** Seconds this stage should take on this machine, from the calibration. */
    double estimate(Stage s) {
        RunState.Calibration cal = state.calibration();
        Study.Certification c = study.certification();
        if (s instanceof Stage.Certify k) {
            // through a denoiser, every draw passes two networks of the classifier's size
            return (double) c.images() * (c.n0() + c.n()) * cal.secondsPerSample() * (k.denoiser() != null ? 2 : 1);
        }
        Stage.Train t = (Stage.Train) s;
        FinetuneSpec f = base.finetune();
        if (t.denoiser()) {
            // a denoiser step passes denoise.batch_size images through the network and back, as a fine-tuning step
            // passes batch_size times copies
            return base.denoise().steps() * cal.finetuneStep() * base.denoise().batchSize() / ((double) f.batchSize() * f.copies());
        }
        if (t.pretraining()) {
            // the calibration timed the method's step: 3 B passes with a backward pass and 3 B without (a third
            // each); without the consistency term the step skips one of each
            boolean consistency = TrainConfig.from(config(t)).pretrain().consistencyWeight() > 0;
            return base.pretrain().steps() * cal.pretrainStep() * (consistency ? 1 : (2 + 2 / 3.0) / 4);
        }
        // a Gaussian or clean step passes one copy per image where the others pass finetune.copies
        String method = t.arm().method();
        double copies = method.equals("gaussian") || method.equals("clean") ? 1.0 / f.copies() : 1.0;
        long steps = (long) t.epochs() * (trainImages / base.finetune().batchSize());
        int evaluated = base.eval().maxImages() > 0 ? Math.min(base.eval().maxImages(), judgedImages) : judgedImages;
        return steps * cal.finetuneStep() * copies + 2.0 * evaluated * cal.secondsPerSample();
    }

    private void printPlan(Path results) {
        RunState.Calibration cal = state.calibration();
        out.printf(Locale.ROOT, "reproduce %s: %d stages in %s, report into %s%n", study.name(), stages.size(), runs, results);
        out.printf(Locale.ROOT, "data: %,d training images, %s%n", trainImages, study.validating()
                ? String.format(Locale.ROOT, "certified on %,d held out of the training set (validation)", study.validation())
                : String.format(Locale.ROOT, "certified on the test images (%,d)", judgedImages));
        out.printf(Locale.ROOT, "this machine: %.3f s per pre-training step, %.3f s per fine-tuning step, %,.0f certification samples/s%n",
                cal.pretrainStep(), cal.finetuneStep(), 1 / cal.secondsPerSample());
        double total = 0, left = 0;
        int names = stages.stream().mapToInt(s -> s.name().length()).max().orElse(1);
        int whats = stages.stream().mapToInt(s -> s.describe().length()).max().orElse(1);
        String line = "  %2d  %-" + names + "s  %-" + whats + "s %9s  %s%n";
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            double e = estimate(s);
            total += e;
            RunState.Entry done = state.entry(s.name());
            String status = done == null ? "" : done.finished() ? "done in " + clock(done.seconds())
                    : "stopped after " + clock(done.seconds());
            if (done == null || !done.finished()) left += e;
            out.printf(Locale.ROOT, line, i + 1, s.name(), s.describe(), clock(e), status);
        }
        out.printf(Locale.ROOT, "estimated: %s in all, %s left%n", clock(total), clock(left));
    }

    // ---- stages

    private boolean runStage(int i) {
        Stage s = stages.get(i);
        RunState.Entry entry = state.entry(s.name());
        if (entry != null && entry.finished()) return true;
        double e = estimate(s);
        out.printf(Locale.ROOT, "%n== stage %d/%d %s: %s; estimate %s (until about %s UTC)%s%n", i + 1, stages.size(), s.name(),
                s.describe(), clock(e), LocalTime.now(ZoneOffset.UTC).plusSeconds((long) e).truncatedTo(ChronoUnit.MINUTES),
                entry != null ? ", continuing" : "");
        long started = System.nanoTime();
        Thread hook = new Thread(() -> state.addSeconds(s.name(), (System.nanoTime() - started) / 1e9, false));
        Runtime.getRuntime().addShutdownHook(hook);
        boolean finished;
        try {
            finished = switch (s) {
                case Stage.Train t -> train(t);
                case Stage.Certify c -> certify(c);
            };
        } finally {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        state.addSeconds(s.name(), seconds, finished);
        out.printf(Locale.ROOT, "== %s %s in %s (estimate %s)%n", s.name(), finished ? "finished" : "stopped", clock(seconds), clock(e));
        return finished;
    }

    private boolean train(Stage.Train t) {
        Path dir = runs.resolve(t.name());
        ConfigNode node = config(t);
        boolean resume = Files.isRegularFile(dir.resolve("config.yaml"));
        if (resume && !canonical(TrainRun.savedConfig(dir)).equals(canonical(node))) {
            throw new IllegalArgumentException(dir + " holds a run with another configuration than this stage's; "
                    + "choose another --runs directory or remove it");
        }
        return TrainRun.inDirectory(backend, node, dir, resume, out, 0).finished();
    }

    // a configuration as its run directory saves it: the keys in the order the trainer reads them
    private static String canonical(ConfigNode node) {
        TrainConfig.from(node);
        return node.toYaml();
    }

    private boolean certify(Stage.Certify c) {
        Study.Certification k = study.certification();
        SmoothingJob.Settings s = new SmoothingJob.Settings(SmoothingJob.Kind.CERTIFY, runs.resolve(c.model().name()), c.sigma(),
                k.n0(), k.n(), k.alpha(), k.batch(), k.seed(), k.skip(judgedImages), k.images(), Shard.ALL, null, true, false,
                null, null, study.validating(), c.denoiser() == null ? null : runs.resolve(c.denoiser()));
        SmoothingJob.prepare(backend, s).run(out);
        return true;
    }

    /** The result directory of a certification stage (SmoothingJob's default place in the model's run). */
    static Path certifyDir(Path runs, Stage.Certify c, boolean validation) {
        return SmoothingJob.defaultOut(runs.resolve(c.model().name()), SmoothingJob.Kind.CERTIFY, c.sigma(), false,
                validation, c.denoiser() != null, Shard.ALL);
    }

    static String clock(double seconds) {
        return Progress.duration(seconds);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot be removed (" + e.getMessage() + ")", e);
        }
    }
}
