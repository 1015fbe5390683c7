package rrcm.certify;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import rrcm.backend.Backend;
import rrcm.data.DataException;
import rrcm.data.Datasets;
import rrcm.data.HeldOut;
import rrcm.data.ImageDataset;
import rrcm.data.Split;
import rrcm.workflows.Progress;
import rrcm.model.DenoiseThenClassify;
import rrcm.model.NoisyImageClassifier;
import rrcm.workflows.TrainedDenoiser;
import rrcm.workflows.TrainedModel;

/**
 * A certify or predict run over test images of a trained model: {@link #prepare} reads and checks
 * everything (the model, the data, the options, an earlier result to resume) and writes nothing;
 * {@link #run} then writes params.json and one TSV line per image, and the summary at the end.
 */
public final class SmoothingJob {
    public enum Kind {
        CERTIFY("certify"), PREDICT("predict");

        final String word;

        Kind(String word) {
            this.word = word;
        }

        String tsv() {
            return word + ".tsv";
        }

        List<String> columns() {
            return this == CERTIFY ? CertifyRow.COLUMNS : PredictRow.COLUMNS;
        }
    }

    /**
     * The user's choices. Null sigma: the model's own; null skip: {@link ImageSelection#defaultSkip}; null
     * radii: {@link CertifySummary#defaultRadii}; null out: a directory in the run directory; null
     * dataDir: the run configuration's; null denoiser: the run's classifier alone, else the run directory of
     * a denoiser that every noisy copy goes through first (the classifier then being a clean one).
     */
    public record Settings(Kind kind, Path runDir, Double sigma, int n0, long n, double alpha, int batch, long seed,
                           Integer skip, int max, Shard shard, Path out, boolean resume, boolean sequential,
                           double[] radii, Path dataDir, boolean validation, Path denoiser) {
        public Settings {
            if (sigma != null && !(sigma > 0 && Double.isFinite(sigma))) {
                throw new IllegalArgumentException("--sigma must be positive, got " + sigma);
            }
            if (kind == Kind.CERTIFY && n0 < 1) throw new IllegalArgumentException("--n0 must be at least 1, got " + n0);
            if (n < 1) throw new IllegalArgumentException("-N must be at least 1, got " + n);
            if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("--alpha must lie strictly between 0 and 1, got " + alpha);
            if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
            if (skip != null && skip < 1) throw new IllegalArgumentException("--skip must be at least 1, got " + skip);
            if (max < 0) throw new IllegalArgumentException("--max must be positive (or 0 for no limit), got " + max);
            if (radii != null) {
                if (radii.length == 0) throw new IllegalArgumentException("--radii needs at least one radius");
                for (int i = 0; i < radii.length; i++) {
                    if (!(radii[i] >= 0 && Double.isFinite(radii[i])) || (i > 0 && radii[i] <= radii[i - 1])) {
                        throw new IllegalArgumentException("--radii must be non-negative and increasing, got " + java.util.Arrays.toString(radii));
                    }
                }
            }
            if (sequential && kind != Kind.CERTIFY) throw new IllegalArgumentException("--sequential is for certify only");
        }
    }

    private final Backend backend;
    private final Settings settings;
    private final TrainedModel model;
    private final NoisyImageClassifier base;
    private final ImageDataset data;
    private final SmoothingParams params;
    private final double[] radii;
    private final Path out;
    private final TsvTable existing;
    private final List<Integer> pending;

    private SmoothingJob(Backend backend, Settings settings, TrainedModel model, NoisyImageClassifier base, ImageDataset data,
                         SmoothingParams params, double[] radii, Path out, TsvTable existing, List<Integer> pending) {
        this.backend = backend;
        this.settings = settings;
        this.model = model;
        this.base = base;
        this.data = data;
        this.params = params;
        this.radii = radii;
        this.out = out;
        this.existing = existing;
        this.pending = pending;
    }

    /** Reads and checks everything the run needs; writes nothing. */
    public static SmoothingJob prepare(Backend be, Settings s) {
        if (!Files.isDirectory(s.runDir())) throw new IllegalArgumentException(s.runDir() + ": no such run directory");
        TrainedModel model = TrainedModel.load(be, s.runDir());
        double sigma = s.sigma() != null ? s.sigma() : model.sigma();
        NoisyImageClassifier base = model.classifier();
        TrainedDenoiser denoiser = null;
        if (s.denoiser() != null) {
            if (!Files.isDirectory(s.denoiser())) throw new IllegalArgumentException(s.denoiser() + ": no such denoiser run directory");
            denoiser = TrainedDenoiser.load(be, s.denoiser());
            if (denoiser.channels() != model.channels() || denoiser.imageSize() != model.imageSize()) {
                throw new IllegalArgumentException("the denoiser " + denoiser.checkpoint() + " takes " + denoiser.channels() + "x"
                        + denoiser.imageSize() + "x" + denoiser.imageSize() + " images, the classifier " + model.checkpoint()
                        + " " + model.channels() + "x" + model.imageSize() + "x" + model.imageSize());
            }
            base = new DenoiseThenClassify(denoiser.denoiser(), model.classifier(), model.time(), 2 * sigma);
        }
        var dataCfg = model.config().data();
        Path dataDir = s.dataDir() != null ? s.dataDir() : dataCfg.dir();
        ImageDataset data;
        if (s.validation()) {
            if (dataCfg.validation() == 0) {
                throw new IllegalArgumentException(s.runDir() + " held no validation images out of its training set "
                        + "(data.validation is 0): certify its test images, or train with data.validation=N");
            }
            data = HeldOut.split(Datasets.open(dataCfg.kind(), dataDir, Split.TRAIN, dataCfg.imageSize()),
                    dataCfg.validation()).validation();
        } else {
            data = Datasets.open(dataCfg.kind(), dataDir, Split.TEST, dataCfg.imageSize());
        }
        if (data.channels() != model.channels() || data.height() != model.imageSize() || data.width() != model.imageSize()) {
            throw new DataException(data.name() + ": images are " + data.channels() + "x" + data.height() + "x" + data.width()
                    + ", the model " + model.checkpoint() + " takes " + model.channels() + "x" + model.imageSize() + "x" + model.imageSize());
        }
        if (data.classes() != model.classes()) {
            throw new DataException(data.name() + ": " + data.classes() + " classes, the model " + model.checkpoint()
                    + " predicts " + model.classes());
        }
        int skip = s.skip() != null ? s.skip() : ImageSelection.defaultSkip(data.size());
        List<Integer> selected = ImageSelection.selected(data.size(), skip, s.max());
        List<Integer> part = ImageSelection.part(selected, s.shard());
        double[] radii = s.radii() != null ? s.radii().clone() : CertifySummary.defaultRadii(dataCfg.kind());
        List<Double> sequentialRadii = s.sequential() ? java.util.Arrays.stream(radii).boxed().toList() : List.of();
        SmoothingParams params = new SmoothingParams(s.kind().word, model.checkpoint().toString(), sha256(model.checkpoint()),
                dataCfg.kind(), dataDir == null ? null : dataDir.toString(), data.size(), sigma,
                rrcm.model.KarrasSchedule.timeForSigma(sigma), s.kind() == Kind.CERTIFY ? s.n0() : 0, s.n(), s.alpha(),
                s.seed(), skip, s.max(), selected.size(), s.shard(), sequentialRadii,
                s.validation() ? SmoothingParams.VALIDATION : SmoothingParams.TEST,
                denoiser == null ? "" : denoiser.checkpoint().toString(), denoiser == null ? "" : sha256(denoiser.checkpoint()));

        Path out = s.out() != null ? s.out()
                : defaultOut(s.runDir(), s.kind(), sigma, s.sequential(), s.validation(), s.denoiser() != null, s.shard());
        Path tsv = out.resolve(s.kind().tsv());
        TsvTable existing = null;
        List<Integer> pending = part;
        if (Files.exists(tsv)) {
            if (!s.resume()) {
                throw new IllegalArgumentException(tsv + " already exists; continue it with --resume or choose another --out");
            }
            existing = TsvTable.read(tsv).expect(s.kind().columns(), s.kind().word);
            SmoothingParams before = SmoothingParams.read(out);
            if (!before.identity().equals(params.identity()) || !before.shard().equals(params.shard())) {
                throw new IllegalArgumentException(tsv + " was made with other settings (" + out.resolve(SmoothingParams.FILE)
                        + "); resume with the same ones or choose another --out");
            }
            Set<Integer> done = new HashSet<>();
            Set<Integer> mine = new HashSet<>(part);
            RowCheck check = new RowCheck(params);
            for (TsvTable.Row r : existing.rows()) {
                check.check(r);
                int idx = s.kind() == Kind.CERTIFY ? CertifyRow.parse(r).idx() : PredictRow.parse(r).idx();
                r.require(mine.contains(idx), "image " + idx + " is not one of this run's images");
                r.require(done.add(idx), "image " + idx + " appears twice");
            }
            pending = part.stream().filter(i -> !done.contains(i)).toList();
        }
        return new SmoothingJob(be, s, model, base, data, params, radii, out, existing, pending);
    }

    /** runs/x/certify-sigma0.25[-sequential][-validation][-denoised][/shard-0-of-4], or predict-sigma0.25. */
    public static Path defaultOut(Path runDir, Kind kind, double sigma, boolean sequential, boolean validation,
                                  boolean denoised, Shard shard) {
        Path dir = runDir.resolve(kind.word + "-sigma" + Formats.shortest(sigma) + (sequential ? "-sequential" : "")
                + (validation ? "-validation" : "") + (denoised ? "-denoised" : ""));
        return shard.whole() ? dir : dir.resolve("shard-" + shard.index() + "-of-" + shard.count());
    }

    /** Certifies (or predicts) every pending image, then writes the summary and prints its table. */
    public void run(PrintStream log) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot create the result directory (" + e.getMessage() + ")", e);
        }
        params.write(out);
        Path tsv = out.resolve(settings.kind().tsv());
        log.printf(Locale.ROOT, "%s %d images into %s%s%n", settings.kind().word, pending.size(), tsv,
                existing == null ? "" : " (resumed: " + existing.rows().size() + " done before)");
        SmoothedClassifier f = new SmoothedClassifier(backend, base, model.channels(), model.imageSize(),
                model.classes(), params.sigma(), settings.batch(), params.seed());
        SequentialRule rule = params.sequential() ? new SequentialRule(params.n(), params.alpha(), params.sigma(), radii) : null;
        float[] u = new float[data.channels() * data.height() * data.width()];
        Progress progress = Progress.onStderr(settings.kind().word, pending.size());
        Tally tally = new Tally();
        try (TsvAppender file = TsvAppender.open(tsv, settings.kind().columns(), existing)) {
            progress.update(0, "");
            for (int idx : pending) {
                data.image(idx, u, 0);
                int label = data.label(idx);
                long start = System.nanoTime();
                if (settings.kind() == Kind.CERTIFY) {
                    Certificate c = certify(f, rule, idx, u);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    file.append(CertifyRow.of(idx, label, c, seconds, params.n0()).line());
                    tally.add(c.predict() == label, c.predict() == label ? c.radius() : 0, params.n0() + c.n());
                } else {
                    Prediction p = Prediction.decide(f.counts(idx, u, SmoothedClassifier.Phase.PREDICTION, 0, params.n()),
                            params.alpha());
                    double seconds = (System.nanoTime() - start) / 1e9;
                    file.append(PredictRow.of(idx, label, p, seconds, params.n()).line());
                    tally.add(p.predict() == label, 0, params.n());
                }
                progress.update(tally.images, tally.status(settings.kind()));
            }
        }
        log.print(summarize(out, radii));
        log.println("wrote " + out.resolve(Reports.SUMMARY_MD) + (settings.kind() == Kind.CERTIFY
                ? ", " + Reports.SUMMARY_JSON + ", " + Reports.PLOT : ", " + Reports.SUMMARY_JSON));
    }

    private Certificate certify(SmoothedClassifier f, SequentialRule rule, int idx, float[] u) {
        long[] selection = f.counts(idx, u, SmoothedClassifier.Phase.SELECTION, 0, params.n0());
        int cA = Counts.argmax(selection);
        SequentialRule.Draws draws = (from, to) -> f.counts(idx, u, SmoothedClassifier.Phase.ESTIMATION, from, to)[cA];
        if (rule != null) return rule.certify(cA, draws);
        return Certificate.decide(cA, draws.successes(0, params.n()), params.n(), params.alpha(), params.sigma());
    }

    /**
     * Reads a result directory (params.json and its TSV) and writes its summary.md, summary.json and,
     * for certification, the plot; returns the printed table.
     */
    public static String summarize(Path dir, double[] radiiOrNull) {
        SmoothingParams p = SmoothingParams.read(dir);
        if (p.command().equals(SmoothingParams.CERTIFY)) {
            List<CertifyRow> rows = readCertify(dir.resolve(Kind.CERTIFY.tsv()));
            double[] radii = radiiOrNull != null ? radiiOrNull : defaultRadii(p);
            CertifySummary s = CertifySummary.of(p, rows, radii);
            Reports.write(dir, s, Outcome.of(rows));
            return s.table();
        }
        PredictSummary s = PredictSummary.of(p, readPredict(dir.resolve(Kind.PREDICT.tsv())));
        Reports.write(dir, s);
        return s.table();
    }

    /** The radii a run's table reports unless told otherwise: those a sequential run stopped on, else the data set's. */
    public static double[] defaultRadii(SmoothingParams p) {
        return p.sequential() ? p.sequentialRadii().stream().mapToDouble(Double::doubleValue).toArray()
                : CertifySummary.defaultRadii(p.dataKind());
    }

    static List<CertifyRow> readCertify(Path tsv) {
        List<CertifyRow> rows = new ArrayList<>();
        for (TsvTable.Row r : TsvTable.read(tsv).expect(CertifyRow.COLUMNS, "certify").rows()) rows.add(CertifyRow.parse(r));
        return rows;
    }

    static List<PredictRow> readPredict(Path tsv) {
        List<PredictRow> rows = new ArrayList<>();
        for (TsvTable.Row r : TsvTable.read(tsv).expect(PredictRow.COLUMNS, "predict").rows()) rows.add(PredictRow.parse(r));
        return rows;
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /** Running figures of this session for the progress line. */
    private static final class Tally {
        private final long started = System.nanoTime();
        int images, correct;
        double radiusSum;
        long draws;

        void add(boolean right, double radius, long n) {
            images++;
            if (right) correct++;
            radiusSum += radius;
            draws += n;
        }

        String status(Kind kind) {
            double elapsed = (System.nanoTime() - started) / 1e9;
            String rate = String.format(Locale.ROOT, "%s samples/s", Reports.rate(draws, elapsed));
            if (kind == Kind.PREDICT) {
                return String.format(Locale.ROOT, "accuracy %s%%  %s", Formats.percent(correct, images), rate);
            }
            return String.format(Locale.ROOT, "certified at 0: %s%%  ACR %.3f  %s", Formats.percent(correct, images),
                    images == 0 ? 0 : radiusSum / images, rate);
        }
    }
}
