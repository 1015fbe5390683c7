package rrcm.experiments;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import rrcm.model.KarrasSchedule;

/**
 * A comparison the engine regenerates in one command: pre-trainings, the arms fine-tuned from them (or from
 * scratch) at each sigma, each model certified on the same images with the same noise.
 *
 * @param name the study's name
 * @param resultName its result directory under results/
 * @param config the training configuration every stage starts from (a resource in the jar)
 * @param overrides configuration keys set for every stage, the user's last
 * @param sigmas the noise levels, each a fine-tuning of every arm
 * @param pretrainings the pre-training stages, by name
 * @param arms the rows of the comparison
 * @param certification how each model is certified
 * @param dataDir where the data set lies (null: the configuration's, or its default place)
 * @param validation 0: train on the whole training set and certify the test images; otherwise hold this many
 *                   training images out (data.validation), train on the rest and certify those (for choosing
 *                   settings without looking at the test images)
 */
public record Study(String name, String resultName, String config, List<String> overrides, List<Double> sigmas,
                    List<Stage.Pretraining> pretrainings, List<Stage.Arm> arms, Certification certification, Path dataDir,
                    int validation) {
    /** The studies there are. */
    public static final List<String> NAMES = List.of("fashion-mnist", "fashion-mnist-ablations");

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

    public boolean validating() {
        return validation > 0;
    }

    /** A model and schedule small enough for CI, on the Fashion-MNIST subset inside the jar. */
    static final List<String> QUICK = List.of("data.kind=embedded", "model.dim=32", "model.depth=1", "model.heads=2",
            "pretrain.steps=6", "pretrain.batch_size=32", "pretrain.warmup_steps=2", "pretrain.projector_hidden=64",
            "pretrain.projector_out=32", "finetune.epochs=1", "finetune.warmup_epochs=0", "denoise.steps=6",
            "denoise.batch_size=32", "denoise.warmup_steps=2", "eval.max_images=200",
            "run.log_every=2", "run.checkpoint_every=4");

    private static final String PRETRAIN = "pretrain";
    private static final Stage.Pretraining METHOD = new Stage.Pretraining(PRETRAIN, "pre-train the rRCM encoder", List.of());
    private static final Stage.Pretraining DENOISER = new Stage.Pretraining("denoiser", "train the denoiser of denoise-then-classify",
            List.of(), true);

    /**
     * The named study.
     * <ul>
     *   <li>fashion-mnist: rRCM (one pre-training, fine-tuned at sigma 0.25 and 0.5) against Gaussian and
     *       Consistency from scratch, and Consistency with rRCM's compute at the first sigma (it costs as much
     *       as rRCM's pre-training and fine-tuning together, and one row answers whether rRCM wins only by
     *       training longer); and denoise-then-classify (DDS: Carlini et al. 2023), a denoiser and a classifier of
     *       clean images, trained once and certified at each sigma, the diffusion certifiers' accuracy and cost;</li>
     *   <li>fashion-mnist-ablations: what each part of rRCM contributes, at sigma 0.25, on validation images
     *       only: the method, its encoder fine-tuned as a linear probe, pre-training without the consistency
     *       term, with the time token fixed, and no pre-training at all (which is the Consistency baseline).</li>
     * </ul>
     *
     * @param quick the same stages, files and report with a tiny model, a few steps and a few images on the
     *              embedded subset (what CI runs end to end)
     * @param validation certify held-out training images instead of test images (the ablations always do)
     */
    public static Study named(String name, boolean quick, List<String> userOverrides, Path dataDir, boolean validation) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no study named '" + name + "'; there are " + String.join(", ", NAMES));
        }
        List<String> overrides = new ArrayList<>(quick ? QUICK : List.of());
        overrides.addAll(userOverrides);
        Certification c = quick ? new Certification(10, 100, 0.001, 8, 110, 0) : new Certification(100, 10_000, 0.001, 250, 1000, 0);
        // held out when choosing settings: 5,000 of the 60,000 training images (200 of the quick run's 2,000)
        int held = quick ? 200 : 5000;
        if (name.equals("fashion-mnist")) {
            Stage.Arm matched = new Stage.Arm("consistency-matched", "Consistency, rRCM's compute", "consistency", null, List.of(),
                    true, true, null);
            // the diffusion certifiers' pipeline: one denoiser and one clean classifier serve every sigma
            Stage.Arm dds = new Stage.Arm("dds", "Denoise-then-classify (DDS)", "clean", null, List.of(), false, false,
                    DENOISER.name());
            List<Stage.Arm> arms = List.of(Stage.Arm.of("rrcm", "rRCM", "rrcm", PRETRAIN),
                    Stage.Arm.of("consistency", "Consistency", "consistency", null), Stage.Arm.of("gaussian", "Gaussian", "gaussian", null),
                    matched, dds);
            return new Study(name, validation ? name + "-validation" : name, "configs/reproduce-fashion-mnist.yaml",
                    List.copyOf(overrides), List.of(0.25, 0.5), List.of(METHOD, DENOISER), arms, c, dataDir, validation ? held : 0);
        }
        // the fixed time is the one fine-tuning at sigma 0.25 conditions on, so the fine-tuned models differ from
        // the method's only in what pre-training could learn from the time token
        double t = KarrasSchedule.timeForSigma(0.25);
        String fixed = "model.fixed_time=" + t;
        List<Stage.Pretraining> pre = List.of(METHOD,
                new Stage.Pretraining("pretrain-no-consistency", "pre-train without the consistency term",
                        List.of("pretrain.consistency_weight=0")),
                new Stage.Pretraining("pretrain-fixed-time", "pre-train with the time token fixed", List.of(fixed)));
        List<Stage.Arm> arms = List.of(Stage.Arm.of("rrcm", "rRCM", "rrcm", PRETRAIN),
                Stage.Arm.of("rrcm-linear-probe", "rRCM, linear probe", "rrcm", PRETRAIN, "finetune.layer_decay=0"),
                Stage.Arm.of("rrcm-no-consistency", "rRCM without the consistency term", "rrcm", "pretrain-no-consistency"),
                Stage.Arm.of("rrcm-fixed-time", "rRCM with the time token fixed", "rrcm", "pretrain-fixed-time", fixed),
                Stage.Arm.of("no-pretraining", "rRCM without pre-training (Consistency)", "consistency", null));
        return new Study(name, name, "configs/reproduce-fashion-mnist.yaml", List.copyOf(overrides), List.of(0.25), pre, arms, c,
                dataDir, held);
    }
}
