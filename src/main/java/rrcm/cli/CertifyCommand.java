package rrcm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rrcm.backend.Backends;
import rrcm.certify.SmoothingJob;

/** certify: randomized-smoothing certification (Cohen et al.'s CERTIFY) of test images. */
@Command(name = "certify", mixinStandardHelpOptions = true,
        description = {"Certify test images with randomized smoothing (CERTIFY of Cohen et al.).",
            "n0 noisy draws select a class; N fresh draws bound its probability pA from below (Clopper-Pearson, "
                + "level 1 - alpha). The certified l2 radius is sigma * PhiInverse(pA); below pA = 1/2 the image is "
                + "abstained on. Writes certify.tsv (a line per image, flushed at once), params.json, summary.md, "
                + "summary.json and certified-accuracy.png into the result directory."},
        footer = {"", "Examples:",
            "  certify --run-dir runs/quickstart         every k-th test image (500 in all)",
            "  certify --run-dir runs/c10 --max 100 -N 10000",
            "                                            a quick look",
            "  certify --run-dir runs/c10 --shard 0/4    one of four processes, then",
            "  merge runs/c10/certify-sigma0.25/shard-*  joins them",
            "  certify --run-dir runs/c10 --resume       continues an interrupted run",
            "  certify --run-dir runs/c10 --sequential   stops early once decided"})
final class CertifyCommand implements Callable<Integer> {
    @Mixin
    SmoothingOptions options;

    @Option(names = "--n0", paramLabel = "N0", defaultValue = "100", description = "Selection samples per image (default: ${DEFAULT-VALUE})")
    int n0;

    @Option(names = "--sequential",
            description = "Look at the draws after N/64, N/16, N/4 and N of them, and stop once more draws could not move "
                    + "the image to another entry of the certified-accuracy table; same 1 - alpha guarantee (alpha split "
                    + "over the looks)")
    boolean sequential;

    @Option(names = "--radii", paramLabel = "R", split = ",",
            description = "Radii of the certified-accuracy table (default: 0,0.25,0.5,0.75,1 ; on ImageNet 0 to 3 by 0.5)")
    double[] radii;

    @Override
    public Integer call() {
        SmoothingJob job = SmoothingJob.prepare(Backends.defaultBackend(), options.settings(SmoothingJob.Kind.CERTIFY, n0, sequential, radii));
        job.run(System.out);
        return 0;
    }
}
