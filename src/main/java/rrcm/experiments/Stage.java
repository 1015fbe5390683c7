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
     */
    record Arm(String key, String label, String method, String from, List<String> overrides, boolean matched,
               boolean firstSigmaOnly) {
        static Arm of(String key, String label, String method, String from, String... overrides) {
            return new Arm(key, label, method, from, List.of(overrides), false, false);
        }
    }

    /** A pre-training the arms start from: its name and the configuration keys it sets. */
    record Pretraining(String name, String what, List<String> overrides) {}

    /**
     * A training run: a pre-training (arm null) or a fine-tuning of arm at sigma.
     *
     * @param overrides the configuration keys this stage sets on top of the study's
     * @param from the pre-training stage whose encoder it starts from, or null
     * @param epochs fine-tuning epochs (0 for a pre-training)
     * @param what a pre-training's description
     */
    record Train(String name, Arm arm, double sigma, List<String> overrides, String from, int epochs, String what)
            implements Stage {
        public boolean pretraining() {
            return arm == null;
        }

        @Override
        public String describe() {
            if (pretraining()) return what;
            return String.format(Locale.ROOT, "fine-tune %s at sigma %s, %d epoch%s%s", arm.label(), Formats.shortest(sigma), epochs,
                    epochs == 1 ? "" : "s", from != null ? ", from " + from : ", from scratch");
        }
    }

    /** CERTIFY on the model of a fine-tuning stage, at its sigma. */
    record Certify(String name, Train model) implements Stage {
        @Override
        public String describe() {
            return "certify " + model.name();
        }
    }
}
