package rrcm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** train: pre-training and/or fine-tuning as the configuration names, into a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Pre-train an rRCM encoder and fine-tune it into a smoothed classifier's base, as the config says "
                + "(run.stages: both, pretrain, finetune; or denoise: the denoiser of the denoise-then-classify baseline).",
            "With no arguments: the quickstart on the Fashion-MNIST subset inside the jar."},
        footer = {"", "Examples:",
            "  train                                         the quickstart (configs/quickstart.yaml, built in)",
            "  train -c configs/fashion-mnist.yaml           a configuration file",
            "  train pretrain.steps=500 finetune.sigma=0.5   keys overridden on the command line",
            "  train run.stages=denoise run.name=denoiser    a denoiser, to certify through with certify --denoiser",
            "  train --run-dir runs/a --resume               continue a stopped run where it stopped"})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        return options.run(null);
    }
}
