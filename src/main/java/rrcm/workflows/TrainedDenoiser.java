package rrcm.workflows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import rrcm.backend.Backend;
import rrcm.io.ConfigLoader;
import rrcm.io.Safetensors;
import rrcm.io.SafetensorsFile;
import rrcm.model.Denoiser;
import rrcm.model.VisionTransformer;
import rrcm.model.VitConfig;
import rrcm.nn.Init;

/** A trained denoiser read back from its run directory (denoise/model.safetensors and config.yaml). */
public record TrainedDenoiser(Denoiser denoiser, int channels, int imageSize, Path checkpoint) {
    public static TrainedDenoiser load(Backend be, Path runDir) {
        Path config = runDir.resolve("config.yaml");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException(runDir + " is not a run directory (it has no config.yaml)");
        }
        Path file = StateFiles.modelFile(runDir.resolve(Denoising.STAGE));
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(runDir + " has no trained denoiser (" + file + "); train one with run.stages=denoise");
        }
        TrainConfig cfg = TrainConfig.from(ConfigLoader.load(config, List.of()));
        SafetensorsFile weights = Safetensors.read(file);
        VitConfig vit = TrainedModel.vitOf(weights, cfg);
        Denoiser model = new Denoiser(be, new VisionTransformer(be, new Init(0), vit));
        StateFiles.load(weights, model, "");
        model.train(false);
        return new TrainedDenoiser(model, vit.channels(), vit.imageSize(), file);
    }
}
