package rrcm.experiments;

import java.util.List;
import java.util.Locale;
import rrcm.certify.Formats;

/** One step of a study: a training run in a directory of its own, or the certification of one such run's model. */
public sealed interface Stage permits Stage.Train, Stage.Certify {
    /** The stage's name, also its directory under the study's run directory. */
    String name();

    /** What the stage does, in a few words. */
    String describe();

    /**
     * A row of the comparison: how its models are fine-tuned.
     *
     * @param key the stage-name form (rrcm, consistency-matched, ...)
     * @param label the name in tables and legends
     * @param method finetune.method
     * @param from the pre-training stage it starts from, or null for a randomly initialised encoder
     * @param overrides configuration keys of its own (an ablation's)
     * @param matched fine-tuned for as many extra epochs as the pre-training costs (Plan.extraEpochs)
     * @param firstSigmaOnly trained at the study's first sigma only
     * @param denoiser the denoiser stage every noisy copy goes through before this arm's classifier, or null;
     *                 such an arm's classifier does not depend on sigma, so it is trained once and certified at
     *                 every sigma
     */
    record Arm(String key, String label, String method, String from, List<String> overrides, boolean matched,
               boolean firstSigmaOnly, String denoiser) {
        static Arm of(String key, String label, String method, String from, String... overrides) {
            return new Arm(key, label, method, from, List.of(overrides), false, false, null);
        }

        public boolean trainedOnce() {
            return denoiser != null;
        }
    }

    /**
     * A training run other stages build on: a pre-training of an encoder the arms start from, or (denoiser)
     * the training of a denoiser an arm certifies through; its name and the configuration keys it sets.
     */
    record Pretraining(String name, String what, List<String> overrides, boolean denoiser) {
        Pretraining(String name, String what, List<String> overrides) {
            this(name, what, overrides, false);
        }
    }

    /**
     * A training run: a pre-training or a denoiser's training (arm null), or a fine-tuning of arm at sigma.
     *
     * @param overrides the configuration keys this stage sets on top of the study's
     * @param from the pre-training stage whose encoder it starts from, or null
     * @param epochs fine-tuning epochs (0 for a pre-training)
     * @param what a pre-training's description
     * @param denoiser whether it trains a denoiser (run.stages: denoise)
     */
    record Train(String name, Arm arm, double sigma, List<String> overrides, String from, int epochs, String what,
                 boolean denoiser) implements Stage {
        public boolean pretraining() {
            return arm == null;
        }

        @Override
        public String describe() {
            if (pretraining()) return what;
            String what = arm.trainedOnce() ? "train the classifier of " + arm.label() + " on clean images"
                    : "fine-tune " + arm.label() + " at sigma " + Formats.shortest(sigma);
            return String.format(Locale.ROOT, "%s, %d epoch%s%s", what, epochs, epochs == 1 ? "" : "s",
                    from != null ? ", from " + from : ", from scratch");
        }
    }

    /** CERTIFY at sigma on the model of a fine-tuning stage, through a denoiser stage's denoiser when one is named. */
    record Certify(String name, Train model, double sigma, String denoiser) implements Stage {
        @Override
        public String describe() {
            return "certify " + model.name() + (denoiser == null ? "" : " through " + denoiser + " at sigma " + Formats.shortest(sigma));
        }
    }
}
