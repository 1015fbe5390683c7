package rrcm.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Map;
import rrcm.model.TimeEmbedding;
import rrcm.model.VitConfig;

/**
 * The rRCM networks written with libtorch ops (through DJL), reading weights by their timm / PyTorch
 * names: the oracle of the model tests and the peer of the training benchmarks.
 */
public final class TorchVit {
    private TorchVit() {}

    /** The encoder's CLS feature (B, D) for images (B, C, H, W) already scaled by c_in(t). */
    public static NDArray encoder(NDManager m, VitConfig c, NDArray images, double t, Map<String, NDArray> w) {
        int b = (int) images.getShape().get(0);
        NDArray time = m.create(TimeEmbedding.sinusoidal(t, c.dim())).reshape(1, 1, c.dim()).broadcast(b, 1, c.dim());
        return allTokens(c, images, time, w).get(new NDIndex(":, 0"));
    }

    /** Every output token (B, 2 + L, D) after the final LayerNorm, with the given TIME tokens (B, 1, D). */
    public static NDArray allTokens(VitConfig c, NDArray images, NDArray time, Map<String, NDArray> w) {
        int b = (int) images.getShape().get(0);
        int p = c.patchSize(), g = c.imageSize() / p, d = c.dim(), h = c.heads(), dh = d / h, n = c.tokens();
        NDArray patches = images.reshape(b, c.channels(), g, p, g, p).transpose(0, 2, 4, 1, 3, 5)
                .reshape(b, c.patches(), c.patchPixels());
        NDArray x = patches.matMul(w.get("patch_embed.proj.weight").reshape(d, c.patchPixels()).transpose())
                .add(w.get("patch_embed.proj.bias"));
        NDArray cls = w.get("cls_token").broadcast(b, 1, d);
        x = NDArrays.concat(new NDList(cls, time, x), 1).add(w.get("pos_embed"));
        for (int i = 0; i < c.depth(); i++) {
            String pre = "blocks." + i + ".";
            NDArray a = layerNorm(x, w.get(pre + "norm1.weight"), w.get(pre + "norm1.bias"));
            NDArray qkv = a.matMul(w.get(pre + "attn.qkv.weight").transpose()).reshape(b, n, 3, h, dh)
                    .transpose(2, 0, 3, 1, 4);
            NDArray q = qkv.get(new NDIndex("0")), k = qkv.get(new NDIndex("1")), v = qkv.get(new NDIndex("2"));
            NDArray att = q.matMul(k.swapAxes(-1, -2)).mul((float) (1 / Math.sqrt(dh))).softmax(-1).matMul(v);
            att = att.transpose(0, 2, 1, 3).reshape(b, n, d);
            x = x.add(att.matMul(w.get(pre + "attn.proj.weight").transpose()).add(w.get(pre + "attn.proj.bias")));
            NDArray f = layerNorm(x, w.get(pre + "norm2.weight"), w.get(pre + "norm2.bias"));
            f = f.matMul(w.get(pre + "mlp.fc1.weight").transpose()).add(w.get(pre + "mlp.fc1.bias"))
                    .getNDArrayInternal().gelu();
            x = x.add(f.matMul(w.get(pre + "mlp.fc2.weight").transpose()).add(w.get(pre + "mlp.fc2.bias")));
        }
        return layerNorm(x, w.get("norm.weight"), w.get("norm.bias"));
    }

    /** The classifier head on a feature. */
    public static NDArray head(NDArray feature, Map<String, NDArray> w) {
        return feature.matMul(w.get("head.weight").transpose()).add(w.get("head.bias"));
    }

    /** The projector, its BatchNorms with batch statistics (libtorch's fused batch_norm). */
    public static NDArray projector(NDArray feature, Map<String, NDArray> w, Map<String, NDArray> buffers) {
        NDArray h = feature.matMul(w.get("projector.0.weight").transpose());
        h = batchNorm(h, w, buffers, "projector.1.").getNDArrayInternal().relu();
        h = h.matMul(w.get("projector.3.weight").transpose());
        h = batchNorm(h, w, buffers, "projector.4.").getNDArrayInternal().relu();
        return h.matMul(w.get("projector.6.weight").transpose());
    }

    private static NDArray batchNorm(NDArray x, Map<String, NDArray> w, Map<String, NDArray> buffers, String pre) {
        return x.getNDArrayInternal().batchNorm(x, buffers.get(pre + "running_mean"), buffers.get(pre + "running_var"),
                w.get(pre + "weight"), w.get(pre + "bias"), 1, 0.1f, 1e-5f, true).get(0);
    }

    public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().layerNorm(x, weight.getShape(), weight, bias, 1e-5f).get(0);
    }
}
