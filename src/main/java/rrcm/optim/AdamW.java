package rrcm.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import rrcm.tensor.InPlace;
import rrcm.tensor.Tensor;

/**
 * AdamW (decoupled weight decay) as torch.optim.AdamW, one fused update per parameter tensor. Each
 * parameter carries its own learning-rate scale and weight decay (layer-wise decay, no decay on
 * 1-D parameters). Moments are persistent tensors on the parameters' backend.
 */
public final class AdamW {
    /** A parameter with its name (for checkpoints), learning-rate scale and weight decay. */
    public record Param(String name, Tensor tensor, float lrScale, float weightDecay) {}

    private final List<Param> params;
    private final float beta1, beta2, eps;
    private final Map<String, Tensor> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private int step;

    public AdamW(List<Param> params, float beta1, float beta2, float eps) {
        this.params = List.copyOf(params);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        for (Param p : params) {
            int n = p.tensor().numel();
            m.put(p.name(), Tensor.persistent(p.tensor().backend(), new float[n], p.tensor().shape()));
            v.put(p.name(), Tensor.persistent(p.tensor().backend(), new float[n], p.tensor().shape()));
        }
    }

    /** All parameters of a module with one learning rate scale and weight decay. */
    public static List<Param> uniform(Map<String, Tensor> named, float weightDecay) {
        List<Param> out = new ArrayList<>();
        named.forEach((name, t) -> out.add(new Param(name, t, 1f, weightDecay)));
        return out;
    }

    /** Applies one step at learning rate lr to every parameter that has a gradient. */
    public void step(float lr) {
        step++;
        // every parameter that has a gradient, in one backend call (one launch on a GPU)
        java.util.List<Tensor> ps = new java.util.ArrayList<>(), gs = new java.util.ArrayList<>();
        java.util.List<Tensor> ms = new java.util.ArrayList<>(), vs = new java.util.ArrayList<>();
        float[] scales = new float[params.size()], decays = new float[params.size()];
        for (Param p : params) {
            Tensor g = p.tensor().grad();
            if (g == null) continue;
            scales[ps.size()] = p.lrScale();
            decays[ps.size()] = p.weightDecay();
            ps.add(p.tensor());
            gs.add(g);
            ms.add(m.get(p.name()));
            vs.add(v.get(p.name()));
        }
        int n = ps.size();
        InPlace.adamwAll(ps, gs, ms, vs, lr, java.util.Arrays.copyOf(scales, n), java.util.Arrays.copyOf(decays, n), beta1,
                beta2, eps, step);
    }

    public void zeroGrad() {
        for (Param p : params) p.tensor().zeroGrad();
    }

    public List<Param> params() {
        return params;
    }

    public int stepCount() {
        return step;
    }

    /** Moments by "exp_avg.NAME" and "exp_avg_sq.NAME", PyTorch's state names. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, t) -> out.put("exp_avg." + k, t));
        v.forEach((k, t) -> out.put("exp_avg_sq." + k, t));
        return out;
    }

    public void restore(int stepCount, Map<String, float[]> state) {
        for (Map.Entry<String, Tensor> e : state().entrySet()) {
            float[] values = state.get(e.getKey());
            if (values == null) throw new IllegalArgumentException("optimizer state lacks " + e.getKey());
            InPlace.set(e.getValue(), values);
        }
        this.step = stepCount;
    }
}
