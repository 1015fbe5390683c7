package rrcm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import rrcm.backend.Backends;
import rrcm.nn.Init;
import rrcm.tensor.Autograd;
import rrcm.tensor.InPlace;
import rrcm.tensor.Tensor;
import rrcm.testing.Close;
import rrcm.testing.Data;
import rrcm.testing.OpCheck;
import rrcm.testing.OpCheck.In;
import rrcm.testing.Torch;
import rrcm.testing.TorchVit;

/** The EDM denoiser: its coefficients, the patch round trip, and the network against libtorch. */
class DenoiserTest {
    static final VitConfig CONFIG = new VitConfig(12, 3, 4, 16, 2, 2, 4);
    static final int B = 3;

    @Test
    void preconditioningMatchesHandComputedValues() {
        // t = 0.5 = sigma_data: t^2 + sd^2 = 0.5
        assertEquals(0.5, Edm.cSkip(0.5), 1e-15);
        assertEquals(0.25 / Math.sqrt(0.5), Edm.cOut(0.5), 1e-15); // 0.353553...
        assertEquals(1.4142135623730951, Edm.cIn(0.5), 1e-15);
        assertEquals(8.0, Edm.lossWeight(0.5), 1e-12);
        // t = 2: t^2 + sd^2 = 4.25
        assertEquals(0.25 / 4.25, Edm.cSkip(2), 1e-15);
        assertEquals(1 / Math.sqrt(4.25), Edm.cOut(2), 1e-15);
        assertEquals(4.25, Edm.lossWeight(2), 1e-12);
        assertEquals(0.0, Edm.cNoise(1), 0);
        assertEquals(Math.log(0.002) / 4, Edm.cNoise(0.002), 1e-15);
        assertEquals(Math.exp(-1.2), Edm.trainingTime(0), 1e-15);
        assertEquals(Math.exp(-1.2 + 1.2 * 2), Edm.trainingTime(2), 1e-13);
        for (double t : new double[] {0.002, 0.1, 0.4927, 3, 80}) {
            // the weight makes the network's target unit-variance: lambda c_out^2 = 1
            assertEquals(1.0, Edm.lossWeight(t) * Edm.cOut(t) * Edm.cOut(t), 1e-12, "t = " + t);
            // the skip and the network's share add up to the data's variance: c_skip^2 (t^2 + sd^2) + c_out^2 = sd^2
            assertEquals(0.25, Edm.cSkip(t) * Edm.cSkip(t) * (t * t + 0.25) + Edm.cOut(t) * Edm.cOut(t), 1e-12, "t = " + t);
        }
    }

    @Test
    void unpatchifyInvertsPatchifyBothWays() {
        float[] x = Data.normal(1, B * 3 * 12 * 12);
        Tensor images = Tensor.of(x, B, 3, 12, 12);
        Tensor patches = VisionTransformer.patchify(images, CONFIG);
        assertArrayEquals(new int[] {B, 9, 48}, patches.shape());
        assertArrayEquals(x, VisionTransformer.unpatchify(patches, CONFIG).toFloatArray());
        float[] p = Data.normal(2, B * 9 * 48);
        assertArrayEquals(p, VisionTransformer.patchify(VisionTransformer.unpatchify(Tensor.of(p, B, 9, 48), CONFIG), CONFIG)
                .toFloatArray());
        // patch 1 (row 0, column 1) holds channel 0's pixels (0..3, 4..7) first
        float[] first = patches.narrow(1, 1, 1).toFloatArray();
        assertEquals(x[4], first[0]);
        assertEquals(x[12 + 4], first[4]);
        assertThrows(IllegalArgumentException.class, () -> VisionTransformer.unpatchify(Tensor.of(p, B, 48, 9), CONFIG));
    }

    @Test
    void unpatchifyBackwardIsNumericallyRight() {
        // against libtorch's reshape and transpose, forward and backward, then a central difference on one entry
        OpCheck.compare("unpatchify", new Close(0, 0, "pure data movement"), new Close(0, 0, "pure data movement"),
                t -> VisionTransformer.unpatchify(t.get(0), CONFIG),
                a -> a.get(0).reshape(B, 3, 3, 3, 4, 4).transpose(0, 3, 1, 4, 2, 5).reshape(B, 3, 12, 12), In.of(3, B, 9, 48));
        float[] p = Data.normal(4, B * 9 * 48);
        float[] w = Data.normal(5, B * 3 * 12 * 12);
        Tensor leaf = Tensor.of(p, B, 9, 48).requiresGrad(true);
        VisionTransformer.unpatchify(leaf, CONFIG).mul(Tensor.of(w, B, 3, 12, 12)).sum().backward();
        float[] grad = leaf.grad().toFloatArray();
        for (int i : new int[] {0, 47, 100, B * 9 * 48 - 1}) {
            double h = 1e-2;
            float[] plus = p.clone(), minus = p.clone();
            plus[i] += (float) h;
            minus[i] -= (float) h;
            double f1, f0;
            try (Autograd.NoGrad ng = Autograd.noGrad()) {
                f1 = VisionTransformer.unpatchify(Tensor.of(plus, B, 9, 48), CONFIG).mul(Tensor.of(w, B, 3, 12, 12)).sum().item();
                f0 = VisionTransformer.unpatchify(Tensor.of(minus, B, 9, 48), CONFIG).mul(Tensor.of(w, B, 3, 12, 12)).sum().item();
            }
            assertEquals((f1 - f0) / (2 * h), grad[i], 2e-3, "entry " + i);
        }
    }

    @Test
    void anUntrainedDenoiserKeepsTheSkipPart() {
        Denoiser d = new Denoiser(Backends.cpu(), new VisionTransformer(Backends.cpu(), new Init(3), CONFIG));
        float[] x = Data.normal(6, B * 3 * 12 * 12);
        double[] t = {0.1, 0.5, 2};
        float[] out;
        try (Autograd.NoGrad ng = Autograd.noGrad()) {
            out = d.denoise(Tensor.of(x, B, 3, 12, 12), t).toFloatArray();
        }
        int per = 3 * 12 * 12;
        for (int i = 0; i < x.length; i++) assertEquals(Edm.cSkip(t[i / per]) * x[i], out[i], 1e-6, "value " + i);
    }

    @Test
    void denoisedImagesLossAndEveryParameterGradientMatchLibtorch() {
        Denoiser model = new Denoiser(Backends.cpu(), new VisionTransformer(Backends.cpu(), new Init(7), CONFIG));
        // a zero head would hide every upstream gradient; give it real weights
        InPlace.set(model.pixelHead.weight, Data.normal(8, 48 * 16));
        InPlace.set(model.pixelHead.bias, Data.normal(9, 48));
        float[] clean = Data.normal(10, B * 3 * 12 * 12), noise = Data.normal(11, B * 3 * 12 * 12);
        double[] t = {0.05, 0.6, 3.0};
        float[] noisy = new float[clean.length];
        int per = 3 * 12 * 12;
        for (int i = 0; i < clean.length; i++) noisy[i] = clean[i] + (float) t[i / per] * noise[i];

        Tensor denoised = model.denoise(Tensor.of(noisy, B, 3, 12, 12), t);
        Tensor loss = Denoiser.loss(denoised, Tensor.of(clean, B, 3, 12, 12), t);
        loss.backward();

        try (NDManager m = Torch.newManager(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            Map<String, NDArray> w = Torch.leaves(m, model.namedParameters());
            float[] cIn = new float[B], cSkip = new float[B], cOut = new float[B], weight = new float[B], time = new float[B * 16];
            for (int i = 0; i < B; i++) {
                cIn[i] = (float) Edm.cIn(t[i]);
                cSkip[i] = (float) Edm.cSkip(t[i]);
                cOut[i] = (float) Edm.cOut(t[i]);
                weight[i] = (float) Edm.lossWeight(t[i]);
                System.arraycopy(TimeEmbedding.sinusoidal(t[i], 16), 0, time, i * 16, 16);
            }
            NDArray x = Torch.floats(m, noisy, new int[] {B, 3, 12, 12});
            NDArray in = x.mul(m.create(cIn).reshape(B, 1, 1, 1));
            NDArray tokens = TorchVit.allTokens(CONFIG, in, m.create(time).reshape(B, 1, 16), w).get(new NDIndex(":, 2:"));
            NDArray pixels = tokens.matMul(w.get("pixel_head.weight").transpose()).add(w.get("pixel_head.bias"));
            NDArray f = pixels.reshape(B, 3, 3, 3, 4, 4).transpose(0, 3, 1, 4, 2, 5).reshape(B, 3, 12, 12);
            NDArray d = x.mul(m.create(cSkip).reshape(B, 1, 1, 1)).add(f.mul(m.create(cOut).reshape(B, 1, 1, 1)));
            NDArray diff = d.sub(Torch.floats(m, clean, new int[] {B, 3, 12, 12}));
            NDArray torchLoss = diff.mul(diff).mul(m.create(weight).reshape(B, 1, 1, 1)).mean();
            gc.backward(torchLoss);
            Close values = new Close(1e-4, 1e-5, "two blocks of float32 GEMMs, softmax and LayerNorm summed in another order");
            values.check("denoised images", d.toFloatArray(), denoised.toFloatArray());
            values.check("loss", torchLoss.toFloatArray(), loss.toFloatArray());
            Close grads = new Close(2e-3, 2e-5, "gradients flow back through the same ops; sums over pixels, tokens and "
                    + "batch add more reordering");
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
                grads.check("gradient of " + e.getKey(), w.get(e.getKey()).getGradient().toFloatArray(),
                        e.getValue().grad().toFloatArray());
            }
        }
    }

    @Test
    void denoisingABatchAtOneTimeIsDenoisingEachImageAtIt() {
        Denoiser model = new Denoiser(Backends.cpu(), new VisionTransformer(Backends.cpu(), new Init(12), CONFIG));
        InPlace.set(model.pixelHead.weight, Data.normal(13, 48 * 16));
        float[] x = Data.normal(14, B * 3 * 12 * 12);
        double t = 0.4927;
        try (Autograd.NoGrad ng = Autograd.noGrad()) {
            float[] direct = model.denoise(Tensor.of(x, B, 3, 12, 12), new double[] {t, t, t}).toFloatArray();
            float[] one = model.denoise(Tensor.of(x, B, 3, 12, 12), t).toFloatArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(direct, one);
        }
    }
}
