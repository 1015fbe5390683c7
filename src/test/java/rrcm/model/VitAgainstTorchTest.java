package rrcm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import rrcm.backend.Backends;
import rrcm.nn.Init;
import rrcm.tensor.Autograd;
import rrcm.tensor.Tensor;
import rrcm.testing.Close;
import rrcm.testing.Data;
import rrcm.testing.Torch;
import rrcm.testing.TorchVit;

/**
 * The classifier (ViT with time token + head) against the same network composed from libtorch ops with
 * the same weights: logits and the gradient of every parameter.
 */
class VitAgainstTorchTest {
    static final VitConfig CONFIG = new VitConfig(12, 3, 4, 16, 2, 2, 4);
    static final int B = 3, CLASSES = 5;
    static final double T = 0.492707;

    /** libtorch's rendering of the same forward pass, reading weights by their timm names. */
    private static NDArray torchForward(NDManager m, NDArray images, Map<String, NDArray> w) {
        return TorchVit.head(TorchVit.encoder(m, CONFIG, images, T, w), w);
    }

    /**
     * Checkpoints load into PyTorch by name: the state written as safetensors, read back by DJL's own
     * decoder into libtorch tensors, and run through the libtorch network by those names.
     */
    @Test
    void aSavedCheckpointRunsInLibtorchByName(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        Classifier model = new Classifier(Backends.cpu(), new VisionTransformer(Backends.cpu(), new Init(15), CONFIG),
                new Init(16), CLASSES);
        rrcm.tensor.InPlace.set(model.head.weight, Data.normal(17, CLASSES * CONFIG.dim()));
        java.util.SequencedMap<String, rrcm.io.HostArray> state = new java.util.LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> state.put(k, rrcm.io.HostArray.of(t.toFloatArray(), t.shape())));
        java.nio.file.Path file = tmp.resolve("model.safetensors");
        rrcm.io.Safetensors.write(file, state, rrcm.io.Safetensors.PYTORCH_METADATA);
        float[] images = Data.normal(18, B * 3 * 12 * 12);
        float[] ours;
        try (Autograd.NoGrad ng = Autograd.noGrad()) {
            ours = model.forward(Tensor.of(images, B, 3, 12, 12), T).toFloatArray();
        }
        try (NDManager m = Torch.newManager(); java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            NDList loaded = NDList.decode(m, in);
            Map<String, NDArray> w = new LinkedHashMap<>();
            for (NDArray a : loaded) w.put(a.getName(), a);
            NDArray logits = torchForward(m, Torch.floats(m, images, new int[] {B, 3, 12, 12}), w);
            new Close(1e-4, 1e-5, "as above").check("logits from the checkpoint", logits.toFloatArray(), ours);
        }
    }


    /**
     * Without gradients the encoder frees each block's temporaries when the block ends: the logits are
     * the same bits as with gradients on, and the caller's scope is left holding a handful of tensors
     * rather than every activation of every block.
     */
    @Test
    void inferenceReleasesEachBlocksTemporariesAndComputesTheSameLogits() {
        Classifier model = new Classifier(Backends.cpu(), new VisionTransformer(Backends.cpu(), new Init(21), CONFIG),
                new Init(22), CLASSES);
        Tensor images = Tensor.of(Data.normal(23, B * 3 * 12 * 12), B, 3, 12, 12);
        float[] withGrad, without;
        int heldWithGrad, heldWithout;
        try (rrcm.tensor.MemoryScope s = rrcm.tensor.MemoryScope.open()) {
            withGrad = model.forward(images, T).toFloatArray();
            heldWithGrad = s.size();
        }
        try (Autograd.NoGrad ng = Autograd.noGrad(); rrcm.tensor.MemoryScope s = rrcm.tensor.MemoryScope.open()) {
            without = model.forward(images, T).toFloatArray();
            heldWithout = s.size();
        }
        assertArrayEquals(withGrad, without);
        org.junit.jupiter.api.Assertions.assertTrue(heldWithout * CONFIG.depth() < heldWithGrad,
                "no-grad forward still holds " + heldWithout + " tensors (with gradients: " + heldWithGrad + ")");
    }

    @Test
    void logitsAndEveryParameterGradientMatchLibtorch() {
        Classifier model = new Classifier(Backends.cpu(), new VisionTransformer(Backends.cpu(), new Init(5), CONFIG),
                new Init(6), CLASSES);
        // a head of std 2e-5 would hide every upstream gradient in rounding; give it real weights
        rrcm.tensor.InPlace.set(model.head.weight, Data.normal(7, CLASSES * CONFIG.dim()));
        float[] images = Data.normal(8, B * 3 * 12 * 12);
        float[] upstream = Data.normal(9, B * CLASSES);

        Tensor logits = model.forward(Tensor.of(images, B, 3, 12, 12), T);
        logits.backward(Tensor.of(upstream, B, CLASSES));

        Close values = new Close(1e-4, 1e-5, "two blocks of float32 GEMMs, softmax and LayerNorm in another "
                + "summation order than libtorch: relative differences of a few 1e-6 per op, compounding");
        try (NDManager m = Torch.newManager(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            Map<String, NDArray> w = Torch.leaves(m, model.namedParameters());
            NDArray torchLogits = torchForward(m, Torch.floats(m, images, new int[] {B, 3, 12, 12}), w);
            gc.backward(torchLogits.mul(m.create(upstream, torchLogits.getShape())).sum());
            values.check("logits", torchLogits.toFloatArray(), logits.toFloatArray());
            Close grads = new Close(2e-3, 2e-5, "gradients flow back through the same ops, and sums over tokens "
                    + "and batch add more reordering; cancellations make small entries relatively noisier");
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
                assertArrayEquals(e.getValue().shape(), Data.shapeOf(w.get(e.getKey())), e.getKey());
                grads.check("gradient of " + e.getKey(), w.get(e.getKey()).getGradient().toFloatArray(),
                        e.getValue().grad().toFloatArray());
            }
        }
    }
}
