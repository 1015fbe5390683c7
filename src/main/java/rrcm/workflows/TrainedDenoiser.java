package rrcm.workflows;

import java.nio.file.Path;
import rrcm.backend.Backend;
import rrcm.io.Safetensors;
import rrcm.io.SafetensorsFile;
import rrcm.model.Denoiser;
import rrcm.model.VisionTransformer;
import rrcm.model.VitConfig;
import rrcm.nn.Init;

/** A trained denoiser read back from its run directory (denoise/model.safetensors and config.yaml). */
public record TrainedDenoiser(Denoiser denoiser, int channels, int imageSize, Path checkpoint) {
    public static TrainedDenoiser load(Backend be, Path runDir) {
        Path file = TrainedModel.trainedFile(runDir, Denoising.STAGE, "trained denoiser", "train one with run.stages=denoise");
        TrainConfig cfg = TrainConfig.from(TrainRun.savedConfig(runDir));
        SafetensorsFile weights = Safetensors.read(file);
        VitConfig vit = TrainedModel.vitOf(weights, cfg);
        Denoiser model = new Denoiser(be, new VisionTransformer(be, new Init(0), vit));
        StateFiles.load(weights, model, "");
        model.train(false);
        return new TrainedDenoiser(model, vit.channels(), vit.imageSize(), file);
    }
}
