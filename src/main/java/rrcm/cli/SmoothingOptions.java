package rrcm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import rrcm.certify.Shard;
import rrcm.certify.SmoothingJob;

/** The options certify and predict share: the model, the noise and its draws, which images, where results go. */
final class SmoothingOptions {
    @Option(names = "--run-dir", paramLabel = "DIR", defaultValue = "runs/quickstart",
            description = "Run directory of a fine-tuned model (default: ${DEFAULT-VALUE})")
    Path runDir;

    @Option(names = "--denoiser", paramLabel = "DIR",
            description = "Run directory of a denoiser (run.stages: denoise): each noisy copy is denoised in one step at "
                    + "t = 2 sigma and then classified by the run's classifier, best a clean one (finetune.method: clean); "
                    + "the diffusion certifiers' pipeline (default: the classifier alone)")
    Path denoiser;

    @Option(names = "--sigma", paramLabel = "S", description = "Noise level sigma (pixels in [0, 1]); default: the one the model was fine-tuned at")
    Double sigma;

    @Option(names = {"-N", "--N"}, paramLabel = "N", defaultValue = "100000", description = "Noisy samples per image (default: ${DEFAULT-VALUE})")
    long n;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.001", description = "Failure probability alpha (default: ${DEFAULT-VALUE})")
    double alpha;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1000", description = "Noisy samples per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of the noise (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--skip", paramLabel = "K",
            description = "Take every K-th test image (default: test images / 500, Cohen's protocol: 20 on CIFAR-10, 100 on ImageNet)")
    Integer skip;

    @Option(names = "--max", paramLabel = "M", defaultValue = "0", description = "At most M images (default: no limit)")
    int max;

    @Option(names = "--shard", paramLabel = "i/n|auto",
            description = "Only the i-th of n disjoint parts of the images (join them with merge); auto: the part a Slurm job "
                    + "array or a Kubernetes Indexed Job gives this process")
    String shard;

    @Option(names = "--shards", paramLabel = "N",
            description = "With --shard auto: the number of parts (a Kubernetes Indexed Job's completions; Slurm's own count otherwise)")
    Integer shards;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Result directory (default: <run-dir>/<command>-sigma<S>, with shard-i-of-n inside for a shard)")
    Path out;

    @Option(names = "--resume", description = "Continue the result in the output directory, skipping the images it holds")
    boolean resume;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Test data directory (default: the run configuration's)")
    Path dataDir;

    @Option(names = "--split", paramLabel = "PART", defaultValue = "test",
            description = "The images to certify: test, or validation (the images the run held out of its training "
                    + "set with data.validation, for choosing settings without the test images; default: ${DEFAULT-VALUE})")
    String split;

    SmoothingJob.Settings settings(SmoothingJob.Kind kind, int n0, boolean sequential, double[] radii) {
        if (shards != null && !"auto".equals(shard)) throw new IllegalArgumentException("--shards goes with --shard auto");
        Shard s;
        if (shard == null) {
            s = Shard.ALL;
        } else if (shard.equals("auto")) {
            Shard.Found found = Shard.auto(System.getenv(), shards);
            System.out.println("shard " + found.shard() + " from the " + found.source());
            s = found.shard();
        } else {
            s = Shard.parse(shard);
        }
        return new SmoothingJob.Settings(kind, runDir, sigma, n0, n, alpha, batch, seed, skip, max, s, out, resume, sequential,
                radii, dataDir, validation(), denoiser);
    }

    private boolean validation() {
        return isValidation(split);
    }

    /** --split's word: test (false) or validation (true); anything else is refused. */
    static boolean isValidation(String split) {
        return switch (split) {
            case "test" -> false;
            case "validation" -> true;
            default -> throw new IllegalArgumentException("--split must be test or validation, got '" + split + "'");
        };
    }
}
