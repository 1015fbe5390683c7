package rrcm.experiments;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A comparison the engine regenerates in one command: rRCM (one pre-training, fine-tuned at every sigma)
 * against the baselines trained from scratch, each certified on the same images with the same noise.
 *
 * @param name the study's name (its result directory under results/)
 * @param config the training configuration every stage starts from (a resource in the jar, or a file)
 * @param overrides configuration keys set for every stage, the user's last
 * @param sigmas the noise levels, each a fine-tuning of rRCM and of every baseline
 * @param certification how each model is certified
 * @param dataDir where the data set lies (null: the configuration's, or its default place)
 * @param validation 0: train on the whole training set and certify the test images; otherwise hold this many
 *                   training images out (data.validation), train on the rest and certify those (for choosing
 *                   settings without looking at the test images)
 */
public record Study(String name, String config, List<String> overrides, List<Double> sigmas, Certification certification,
                    Path dataDir, int validation) {
    public boolean validating() {
        return validation > 0;
    }

    /** Where the report goes, under results/. */
    public String resultName() {
        return validating() ? name + "-validation" : name;
    }

    /** The studies there are. */
    public static final List<String> NAMES = List.of("fashion-mnist");


    /**
     * Cohen et al.'s CERTIFY as the issue and the papers run it: n0 selection draws, N estimation draws,
     * failure probability alpha, every skip-th image of the split up to images of them, one noise seed.
     */
    public record Certification(int n0, long n, double alpha, int images, int batch, long seed) {
        /** Every skip-th image, so that the images spread over the whole split (Cohen's protocol). */
        public int skip(int splitSize) {
            return Math.max(1, splitSize / images);
        }

        public String describe() {
            return String.format(Locale.ROOT, "CERTIFY with n0 = %d, N = %,d, alpha = %s on %d images, noise seed %d", n0, n,
                    rrcm.certify.Formats.shortest(alpha), images, seed);
        }
    }

    /** A model and schedule small enough for CI, on the Fashion-MNIST subset inside the jar. */
    static final List<String> QUICK = List.of("data.kind=embedded", "model.dim=32", "model.depth=1", "model.heads=2",
            "pretrain.steps=6", "pretrain.batch_size=32", "pretrain.warmup_steps=2", "pretrain.projector_hidden=64",
            "pretrain.projector_out=32", "finetune.epochs=1", "finetune.warmup_epochs=0", "eval.max_images=200",
            "run.log_every=2", "run.checkpoint_every=4");

    /**
     * The named study. quick: the same stages, files and report with a tiny model, a few steps and a few
     * images on the embedded subset (what CI runs end to end).
     */
    public static Study named(String name, boolean quick, List<String> userOverrides, Path dataDir, boolean validation) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no study named '" + name + "'; there is " + String.join(", ", NAMES));
        }
        List<String> overrides = new ArrayList<>(quick ? QUICK : List.of());
        overrides.addAll(userOverrides);
        Certification c = quick ? new Certification(10, 100, 0.001, 8, 110, 0) : new Certification(100, 10_000, 0.001, 250, 1000, 0);
        // held out when choosing settings: 5,000 of the 60,000 training images (200 of the quick run's 2,000)
        int held = validation ? (quick ? 200 : 5000) : 0;
        return new Study(name, "configs/reproduce-" + name + ".yaml", List.copyOf(overrides), List.of(0.25, 0.5), c, dataDir,
                held);
    }
}
