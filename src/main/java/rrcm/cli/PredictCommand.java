package rrcm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import rrcm.backend.Backends;
import rrcm.certify.SmoothingJob;

/** predict: the smoothed classifier's prediction (Cohen et al.'s PREDICT) on test images. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict test images with the smoothed classifier (PREDICT of Cohen et al.).",
            "The top class of N noisy draws, unless the two-sided binomial test of the top two counts cannot reject "
                + "a tie at level alpha (then abstain). Writes predict.tsv, params.json, summary.md and summary.json."},
        footer = {"", "Example:", "  predict --run-dir runs/quickstart -N 1000"})
final class PredictCommand implements Callable<Integer> {
    @Mixin
    SmoothingOptions options;

    @Override
    public Integer call() {
        SmoothingJob job = SmoothingJob.prepare(Backends.defaultBackend(), options.settings(SmoothingJob.Kind.PREDICT, 0, false, null));
        job.run(System.out);
        return 0;
    }
}
