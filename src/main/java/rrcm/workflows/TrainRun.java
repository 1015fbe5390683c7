package rrcm.workflows;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import rrcm.backend.Backend;
import rrcm.data.Datasets;
import rrcm.data.HeldOut;
import rrcm.data.ImageDataset;
import rrcm.data.Split;
import rrcm.io.ConfigLoader;
import rrcm.io.ConfigNode;
import rrcm.model.VisionTransformer;

/**
 * A whole training run: the stages its configuration names, then the accuracy on the test images, or on
 * the validation images held out from the training set when data.validation names how many.
 */
public final class TrainRun {
    private TrainRun() {}

    /** What a finished run reports; null accuracy when the run stopped early or did not fine-tune. */
    public record Result(boolean finished, Evaluation.Accuracy accuracy) {}

    /**
     * Runs a configuration in a run directory: a new one (which must not hold a run yet), or, with resume,
     * the run the directory holds, under its saved configuration.
     *
     * @param node the resolved configuration of a new run (ignored when resuming)
     */
    public static Result inDirectory(Backend be, ConfigNode node, Path dir, boolean resume, PrintStream out, long stopAt) {
        ConfigNode config = resume ? savedConfig(dir) : node;
        TrainConfig cfg = TrainConfig.from(config);
        try (RunDirectory run = resume ? RunDirectory.resume(dir) : RunDirectory.create(dir, config.toYaml())) {
            out.println((resume ? "resuming run " : "run directory ") + run.root());
            return run(new RunContext(be, cfg, run, out, stopAt), resume);
        }
    }

    /** The configuration a run directory was created with. */
    public static ConfigNode savedConfig(Path dir) {
        if (!Files.isRegularFile(dir.resolve("config.yaml"))) {
            throw new IllegalArgumentException(dir + " holds no run to resume (no config.yaml); name it with --run-dir");
        }
        return ConfigLoader.load(dir.resolve("config.yaml"), List.of());
    }

    /**
     * Runs the stages of ctx's configuration; a fine-tuning-only run starts from finetune.encoder when the
     * configuration names one (also when resuming: a run stopped before its first checkpoint starts over
     * from the same encoder, and a later checkpoint replaces it).
     */
    public static Result run(RunContext ctx, boolean resume) {
        TrainConfig cfg = ctx.config();
        Path encoderFile = cfg.finetune().encoder();
        if (encoderFile != null && !Files.isRegularFile(encoderFile)) {
            throw new IllegalArgumentException(encoderFile + ": no such pre-training checkpoint (finetune.encoder)");
        }
        TrainConfig.Data d = cfg.data();
        HeldOut.Parts parts = HeldOut.split(Datasets.open(d.kind(), d.dir(), Split.TRAIN, d.imageSize()), d.validation());
        ImageDataset train = parts.fit();
        if (cfg.run().denoises()) return denoise(ctx, parts, resume);
        VisionTransformer encoder = null;
        if (cfg.run().pretrains()) {
            Pretraining.Outcome pre = Pretraining.run(ctx, train, resume);
            if (!pre.finished()) return new Result(false, null);
            encoder = pre.online().encoder;
        }
        if (!cfg.run().finetunes()) return new Result(true, null);
        FineTuning.Outcome fine = FineTuning.run(ctx, train, encoder, encoderFile, resume);
        if (!fine.finished()) return new Result(false, null);

        // with a validation split the run is judged on it, and the test images stay unseen
        boolean validating = parts.validation() != null;
        ImageDataset judged = validating ? parts.validation() : Datasets.open(d.kind(), d.dir(), Split.TEST, d.imageSize());
        double sigma = cfg.finetune().sigma();
        Evaluation.Accuracy acc = Evaluation.run(ctx, fine.model(), judged, sigma, cfg.finetune().time());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", "eval");
        m.put("split", validating ? "validation" : "test");
        m.put("images", acc.images());
        m.put("sigma", sigma);
        m.put("clean_accuracy", acc.clean());
        m.put("noisy_accuracy", acc.noisy());
        ctx.dir().log(m);
        Map<String, Object> summary = new LinkedHashMap<>(m);
        summary.remove("stage");
        summary.put("method", cfg.finetune().method());
        summary.put("data", train.name());
        summary.put("model", ctx.dir().root().resolve(FineTuning.STAGE).resolve("model.safetensors").toString());
        if (validating) {
            summary.put("validation_images", parts.validation().size());
            summary.put("validation_seed", HeldOut.SEED);
        }
        ctx.dir().writeSummary(summary);
        ctx.out().printf(Locale.ROOT, "%s accuracy on %d images of %s: clean %.1f%%, under noise sigma = %.2f %.1f%%%n",
                validating ? "validation" : "test", acc.images(), judged.name(), 100 * acc.clean(), sigma, 100 * acc.noisy());
        return new Result(true, acc);
    }

    /** The denoiser's run: training, then its error at each certified noise level on the judged images. */
    private static Result denoise(RunContext ctx, HeldOut.Parts parts, boolean resume) {
        TrainConfig cfg = ctx.config();
        TrainConfig.Data d = cfg.data();
        Denoising.Outcome out = Denoising.run(ctx, parts.fit(), resume);
        if (!out.finished()) return new Result(false, null);
        boolean validating = parts.validation() != null;
        ImageDataset judged = validating ? parts.validation() : Datasets.open(d.kind(), d.dir(), Split.TEST, d.imageSize());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("split", validating ? "validation" : "test");
        summary.put("data", parts.fit().name());
        summary.put("model", ctx.dir().root().resolve(Denoising.STAGE).resolve("model.safetensors").toString());
        List<Map<String, Object>> errors = new java.util.ArrayList<>();
        for (double sigma : Denoising.EVAL_SIGMAS) {
            Denoising.Error e = Denoising.evaluate(ctx, out.model(), judged, sigma, cfg.eval().maxImages());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", "eval");
            m.put("split", summary.get("split"));
            m.put("images", e.images());
            m.put("sigma", sigma);
            m.put("noisy_mse", e.noisy());
            m.put("denoised_mse", e.denoised());
            ctx.dir().log(m);
            Map<String, Object> row = new LinkedHashMap<>(m);
            row.remove("stage");
            row.remove("split");
            errors.add(row);
            ctx.out().printf(Locale.ROOT, "%s denoising error on %d images of %s at sigma = %.2f: noisy %.5f, denoised %.5f "
                    + "(mean squared error per pixel in [0, 1])%n", validating ? "validation" : "test", e.images(),
                    judged.name(), sigma, e.noisy(), e.denoised());
        }
        summary.put("errors", errors);
        ctx.dir().writeSummary(summary);
        return new Result(true, null);
    }
}
