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

    /** A method of the comparison: how its models are trained. */
    enum Arm {
        RRCM("rRCM", "rrcm"),
        CONSISTENCY("Consistency", "consistency"),
        GAUSSIAN("Gaussian", "gaussian"),
        /** Consistency trained for as many image passes as rRCM's pre-training and fine-tuning together. */
        MATCHED("Consistency, rRCM's compute", "consistency");

        public final String label;
        public final String method;

        Arm(String label, String method) {
            this.label = label;
            this.method = method;
        }

        /** The stage-name form: rrcm, consistency, gaussian, consistency-matched. */
        public String key() {
            return this == MATCHED ? "consistency-matched" : method;
        }
    }

    /**
     * A training run: the pre-training (arm null) or a fine-tuning of arm at sigma.
     *
     * @param overrides the configuration keys this stage sets on top of the study's
     * @param from the pre-training stage whose encoder it starts from, or null
     * @param epochs fine-tuning epochs (0 for the pre-training)
     */
    record Train(String name, Arm arm, double sigma, List<String> overrides, String from, int epochs) implements Stage {
        public boolean pretraining() {
            return arm == null;
        }

        @Override
        public String describe() {
            if (pretraining()) return "pre-train the rRCM encoder";
            return String.format(Locale.ROOT, "fine-tune %s at sigma %s, %d epoch%s%s", arm.label, Formats.shortest(sigma), epochs,
                    epochs == 1 ? "" : "s",
                    from != null ? ", from " + from : ", from scratch");
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
