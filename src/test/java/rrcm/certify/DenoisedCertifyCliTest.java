package rrcm.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rrcm.certify.CertifyCliTest.args;
import static rrcm.certify.CertifyCliTest.assertFails;
import static rrcm.certify.CertifyCliTest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rrcm.io.JsonParser;

/**
 * The diffusion certifiers' pipeline as a user runs it: a denoiser trained through the CLI
 * (run.stages=denoise), a clean classifier (finetune.method=clean), and certify / predict --denoiser.
 */
class DenoisedCertifyCliTest {
    static final List<String> TINY = List.of("model.dim=32", "model.depth=1", "model.heads=2", "run.workers=2",
            "eval.max_images=100");

    @TempDir
    static Path shared;
    static Path denoiser, classifier;

    @BeforeAll
    static void trainADenoiserAndACleanClassifier() {
        denoiser = shared.resolve("denoiser");
        CertifyCliTest.Run d = run(args(List.of("train", "--run-dir", denoiser.toString(), "run.stages=denoise",
                "denoise.steps=80", "denoise.batch_size=32", "run.log_every=40"), TINY.toArray(new String[0])));
        assertEquals(0, d.code(), d.err());
        classifier = shared.resolve("clean");
        CertifyCliTest.Run c = run(args(List.of("train", "--run-dir", classifier.toString(), "run.stages=finetune",
                "finetune.method=clean", "finetune.epochs=1", "finetune.batch_size=100"), TINY.toArray(new String[0])));
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("on clean images"), c.out());
    }

    /**
     * 80 steps already remove most of the noise from held-out images: at sigma 0.25 the denoised error is
     * well under the noisy one, where keeping the skip part alone (an untrained denoiser) gets about 0.93
     * of it; at sigma 0.5 under 0.4 of it, where the skip part alone gets about 0.5.
     */
    @Test
    void aShortTrainingRunRemovesMostOfTheNoiseFromHeldOutImages() throws IOException {
        Map<?, ?> summary = (Map<?, ?>) JsonParser.parse(Files.readString(denoiser.resolve("summary.json")));
        assertEquals("test", summary.get("split"));
        List<?> errors = (List<?>) summary.get("errors");
        assertEquals(2, errors.size());
        double[] limits = {0.75, 0.4};
        for (int i = 0; i < 2; i++) {
            Map<?, ?> e = (Map<?, ?>) errors.get(i);
            double sigma = ((Number) e.get("sigma")).doubleValue();
            double noisy = ((Number) e.get("noisy_mse")).doubleValue(), denoised = ((Number) e.get("denoised_mse")).doubleValue();
            assertEquals(sigma * sigma, noisy, 0.1 * sigma * sigma, "the noisy error is sigma^2 per pixel");
            assertTrue(denoised < limits[i] * noisy, "sigma " + sigma + ": denoised " + denoised + ", noisy " + noisy);
        }
    }

    @Test
    void certifyThroughTheDenoiserWritesItsResultBesideTheClassifier() throws IOException {
        CertifyCliTest.Run r = run(List.of("certify", "--run-dir", classifier.toString(), "--denoiser", denoiser.toString(),
                "--sigma", "0.25", "--n0", "10", "-N", "100", "--batch", "64", "--max", "4"));
        assertEquals(0, r.code(), r.err());
        Path out = classifier.resolve("certify-sigma0.25-denoised");
        assertEquals(5, Files.readAllLines(out.resolve("certify.tsv")).size());
        SmoothingParams p = SmoothingParams.read(out);
        assertTrue(p.denoiser().endsWith("denoise/model.safetensors".replace('/', java.io.File.separatorChar)), p.denoiser());
        assertEquals(64, p.denoiserSha256().length());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("first denoised in one step by"));
        assertTrue(Files.readString(out.resolve("summary.json")).contains("samples_per_second"));

        // the same draws through the classifier alone count otherwise: the denoiser is really in the path
        CertifyCliTest.Run alone = run(List.of("certify", "--run-dir", classifier.toString(), "--sigma", "0.25",
                "--n0", "10", "-N", "100", "--batch", "64", "--max", "4"));
        assertEquals(0, alone.code(), alone.err());
        assertNotEquals(Files.readString(classifier.resolve("certify-sigma0.25/certify.tsv")).replaceAll("\t[0-9.]+\n", "\n"),
                Files.readString(out.resolve("certify.tsv")).replaceAll("\t[0-9.]+\n", "\n"));

        // resuming with another denoiser is refused: the rows belong to the first one
        Path other = shared.resolve("other-denoiser");
        CertifyCliTest.Run d = run(args(List.of("train", "--run-dir", other.toString(), "run.stages=denoise", "denoise.steps=2",
                "denoise.batch_size=32"), TINY.toArray(new String[0])));
        assertEquals(0, d.code(), d.err());
        assertFails(run(List.of("certify", "--run-dir", classifier.toString(), "--denoiser", other.toString(), "--sigma", "0.25",
                "--n0", "10", "-N", "100", "--batch", "64", "--max", "4", "--resume")), "other settings");
    }

    @Test
    void predictThroughTheDenoiser() throws IOException {
        CertifyCliTest.Run r = run(List.of("predict", "--run-dir", classifier.toString(), "--denoiser", denoiser.toString(),
                "--sigma", "0.5", "-N", "100", "--batch", "100", "--max", "3", "--out", shared.resolve("predicted").toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals(4, Files.readAllLines(shared.resolve("predicted/predict.tsv")).size());
        assertFalse(SmoothingParams.read(shared.resolve("predicted")).denoiser().isEmpty());
    }

    @Test
    void aDenoiserOfAnotherImageShapeIsNamedBeforeAnySampling() throws IOException {
        // the tiny denoiser's configuration with a checkpoint for 14x14 images
        Path small = shared.resolve("denoiser-14");
        Files.createDirectories(small.resolve("denoise"));
        Files.copy(denoiser.resolve("config.yaml"), small.resolve("config.yaml"));
        rrcm.model.Denoiser d14 = new rrcm.model.Denoiser(rrcm.backend.Backends.cpu(), new rrcm.model.VisionTransformer(
                rrcm.backend.Backends.cpu(), new rrcm.nn.Init(0), new rrcm.model.VitConfig(14, 1, 7, 32, 1, 2, 4)));
        java.util.SequencedMap<String, rrcm.io.HostArray> state = new java.util.LinkedHashMap<>();
        d14.stateDict().forEach((k, t) -> state.put(k, rrcm.io.HostArray.of(t.toFloatArray(), t.shape())));
        rrcm.io.Safetensors.write(small.resolve("denoise/model.safetensors"), state, rrcm.io.Safetensors.PYTORCH_METADATA);
        Path out = shared.resolve("never");
        assertFails(run(List.of("certify", "--run-dir", classifier.toString(), "--denoiser", small.toString(), "--out",
                out.toString())), "1x14x14", "1x28x28", "denoiser-14", "clean");
        assertFails(run(List.of("certify", "--run-dir", classifier.toString(), "--denoiser", shared.resolve("none").toString(),
                "--out", out.toString())), "no such denoiser run directory");
        // a classifier's run directory is not a denoiser's
        assertFails(run(List.of("certify", "--run-dir", classifier.toString(), "--denoiser", classifier.toString(), "--out",
                out.toString())), "no trained denoiser");
        assertFalse(Files.exists(out));
    }
}
