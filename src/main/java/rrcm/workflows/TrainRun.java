package rrcm.workflows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import rrcm.data.Datasets;
import rrcm.data.HeldOut;
import rrcm.data.ImageDataset;
import rrcm.data.Split;
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
     * @param encoderFile for a fine-tuning-only run, the pre-training checkpoint to start from (null: from scratch)
     */
    public static Result run(RunContext ctx, boolean resume, Path encoderFile) {
        TrainConfig cfg = ctx.config();
        TrainConfig.Data d = cfg.data();
        HeldOut.Parts parts = HeldOut.split(Datasets.open(d.kind(), d.dir(), Split.TRAIN, d.imageSize()), d.validation());
        ImageDataset train = parts.fit();
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
        Evaluation.Accuracy acc = Evaluation.run(ctx, fine.model(), judged, sigma);
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
}
