package rrcm.optim;

import java.util.Map;
import rrcm.tensor.InPlace;
import rrcm.tensor.Tensor;

/** theta_target <- mu theta_target + (1 - mu) theta_online over matching parameter names. */
public final class Ema {
    private Ema() {}

    public static void update(Map<String, Tensor> target, Map<String, Tensor> online, float mu) {
        java.util.List<Tensor> ys = new java.util.ArrayList<>(), xs = new java.util.ArrayList<>();
        for (Map.Entry<String, Tensor> e : target.entrySet()) {
            Tensor src = online.get(e.getKey());
            if (src == null) throw new IllegalArgumentException("EMA: online network lacks " + e.getKey());
            ys.add(e.getValue());
            xs.add(src);
        }
        InPlace.axpbyAll(ys, xs, mu, 1f - mu); // one launch on a GPU
    }

    /** Makes target equal to online (the start of pre-training). */
    public static void copy(Map<String, Tensor> target, Map<String, Tensor> online) {
        for (Map.Entry<String, Tensor> e : target.entrySet()) InPlace.copy(e.getValue(), online.get(e.getKey()));
    }
}
