package rrcm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** finetune: the fine-tuning stage alone, from a pre-training checkpoint. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tune a pre-trained rRCM encoder (pretrain/model.safetensors of an earlier run) into a smoothed classifier's base.",
        footer = {"", "Example:", "  finetune --from runs/quickstart/pretrain/model.safetensors --run-dir runs/ft finetune.sigma=0.5"})
final class FinetuneCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, paramLabel = "CHECKPOINT", description = "Pre-training checkpoint (model.safetensors)")
    Path from;

    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(from)) throw new IllegalArgumentException(from + ": no such checkpoint file");
        return options.run(from);
    }
}
