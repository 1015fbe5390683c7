package rrcm.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import rrcm.testing.Data;

/**
 * Finite differences against autograd for a pre-norm transformer block, with respect to every
 * parameter and the input: LN -> attention -> residual -> LN -> MLP with GELU -> residual.
 */
class TransformerBlockGradCheckTest {
    static final int B = 2, T = 5, D = 8, H = 2;

    private final Map<String, Tensor> params = new LinkedHashMap<>();

    private Tensor param(String name, long seed, float scale, int... shape) {
        float[] v = Data.normal(seed, Data.numel(shape));
        for (int i = 0; i < v.length; i++) v[i] *= scale;
        Tensor t = Tensor.of(v, shape).requiresGrad(true);
        params.put(name, t);
        return t;
    }

    private Tensor linear(Tensor x, String name) {
        Tensor y = x.matmul(params.get(name + ".weight"), false, true);
        Tensor b = params.get(name + ".bias");
        return b == null ? y : y.add(b);
    }

    private Tensor block(Tensor x) {
        Tensor h = x.layerNorm(params.get("norm1.weight"), params.get("norm1.bias"), 1e-5f);
        Tensor qkv = linear(h, "attn.qkv").reshape(B, T, 3, H, D / H).permute(2, 0, 3, 1, 4);
        Tensor q = qkv.narrow(0, 0, 1).reshape(B, H, T, D / H);
        Tensor k = qkv.narrow(0, 1, 1).reshape(B, H, T, D / H);
        Tensor v = qkv.narrow(0, 2, 1).reshape(B, H, T, D / H);
        Tensor a = FusedAttention.sdpa(q, k, v, Float.NaN).permute(0, 2, 1, 3).reshape(B, T, D);
        x = x.add(linear(a, "attn.proj"));
        Tensor m = x.layerNorm(params.get("norm2.weight"), params.get("norm2.bias"), 1e-5f);
        return x.add(linear(linear(m, "mlp.fc1").gelu(), "mlp.fc2"));
    }

    @Test
    void everyGradientMatchesCentralDifferences() {
        param("norm1.weight", 1, 0.3f, D);
        param("norm1.bias", 2, 0.3f, D);
        param("attn.qkv.weight", 3, 0.5f, 3 * D, D);
        param("attn.proj.weight", 4, 0.4f, D, D);
        param("attn.proj.bias", 5, 0.3f, D);
        param("norm2.weight", 6, 0.3f, D);
        param("norm2.bias", 7, 0.3f, D);
        param("mlp.fc1.weight", 8, 0.4f, 4 * D, D);
        param("mlp.fc1.bias", 9, 0.3f, 4 * D);
        param("mlp.fc2.weight", 10, 0.3f, D, 4 * D);
        param("mlp.fc2.bias", 11, 0.3f, D);
        // LayerNorm weights around 1, as trained ones are
        for (String n : List.of("norm1.weight", "norm2.weight")) {
            float[] w = params.get(n).toFloatArray();
            for (int i = 0; i < w.length; i++) w[i] += 1f;
            params.put(n, Tensor.of(w, D).requiresGrad(true));
        }
        Tensor x = param("input", 12, 1f, B, T, D);
        Tensor r = Tensor.of(Data.normal(13, B * T * D), B, T, D);

        block(x).mul(r).sum().backward();

        // Central differences in float32: a step of 1e-2 keeps truncation (~h^2) and rounding of the
        // loss (~1e-6 relative, divided by 2h) both near 1e-4 of the gradient scale.
        float h = 1e-2f;
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue();
            float[] values = p.toFloatArray();
            float[] grad = p.grad().toFloatArray();
            for (int i = 0; i < values.length; i++) {
                double up = lossWith(e.getKey(), values, i, h, r), down = lossWith(e.getKey(), values, i, -h, r);
                double numeric = (up - down) / (2 * h);
                if (Math.abs(numeric - grad[i]) > 2e-3 + 1e-2 * Math.abs(numeric)) {
                    failures.add(e.getKey() + "[" + i + "]: autograd " + grad[i] + ", finite differences " + numeric);
                }
            }
            params.put(e.getKey(), p);
        }
        assertTrue(failures.isEmpty(), failures.size() + " mismatches, e.g. " + failures.subList(0, Math.min(5, failures.size())));
    }

    private double lossWith(String name, float[] values, int i, float delta, Tensor r) {
        Tensor original = params.get(name);
        float[] v = values.clone();
        v[i] += delta;
        Tensor moved = Tensor.of(v, original.shape());
        try (Autograd.NoGrad ignored = Autograd.noGrad(); MemoryScope s = MemoryScope.open()) {
            params.put(name, moved);
            Tensor input = name.equals("input") ? moved : params.get("input");
            double loss = block(input).mul(r).sum().item();
            params.put(name, original);
            return loss;
        }
    }
}
