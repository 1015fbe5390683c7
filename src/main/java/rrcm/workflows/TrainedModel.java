package rrcm.workflows;

import java.nio.file.Files;
import java.nio.file.Path;
import rrcm.backend.Backend;
import rrcm.io.Safetensors;
import rrcm.io.SafetensorsFile;
import rrcm.model.Classifier;
import rrcm.model.VisionTransformer;
import rrcm.model.VitConfig;
import rrcm.nn.Init;

/**
 * A fine-tuned classifier read back from a run directory: its configuration (for the architecture and
 * the sigma it was trained at) and finetune/model.safetensors (for the weights). Image size, channels
 * and classes come from the checkpoint's own shapes, so the data need not be present.
 */
public record TrainedModel(Classifier classifier, TrainConfig config, double sigma, int channels, int imageSize,
                           int classes, Path checkpoint) {

    public static TrainedModel load(Backend be, Path runDir) {
        Path file = trainedFile(runDir, FineTuning.STAGE, "fine-tuned model", "train one first");
        TrainConfig cfg = TrainConfig.from(TrainRun.savedConfig(runDir));
        SafetensorsFile weights = Safetensors.read(file);
        VitConfig vit = vitOf(weights, cfg);
        int[] head = weights.tensor("head.weight").shape(); // (classes, D)
        if (head.length != 2) {
            throw new IllegalArgumentException(file + ": its tensors do not have the shapes of this engine's classifier");
        }
        Classifier model = new Classifier(be, new VisionTransformer(be, new Init(0), vit), new Init(1), head[0]);
        StateFiles.load(weights, model, "");
        model.train(false);
        return new TrainedModel(model, cfg, cfg.finetune().sigma(), vit.channels(), vit.imageSize(), head[0], file);
    }

    /** A stage's model.safetensors in a run directory, or a sentence saying what is missing and what to do. */
    static Path trainedFile(Path runDir, String stage, String what, String advice) {
        if (!Files.isRegularFile(runDir.resolve("config.yaml"))) {
            throw new IllegalArgumentException(runDir + " is not a run directory (it has no config.yaml)");
        }
        Path file = StateFiles.modelFile(runDir.resolve(stage));
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(runDir + " has no " + what + " (" + file + "); " + advice);
        return file;
    }

    /** The encoder's shape: channels, patch and image size from the checkpoint's tensors, the rest from the config. */
    static VitConfig vitOf(SafetensorsFile weights, TrainConfig cfg) {
        int[] patch = weights.tensor("patch_embed.proj.weight").shape(); // (D, C, p, p)
        int[] pos = weights.tensor("pos_embed").shape(); // (1, 2 + L, D)
        if (patch.length != 4 || pos.length != 3) {
            throw new IllegalArgumentException(weights.file() + ": its tensors do not have the shapes of this engine's ViT");
        }
        int grid = (int) Math.round(Math.sqrt(pos[1] - 2));
        return cfg.model().vit(grid * patch[2], patch[1]);
    }

    /** The conditioning time the model was fine-tuned with (grid point nearest 2 sigma; sigma_min if clean). */
    public double time() {
        return config.finetune().time();
    }
}
