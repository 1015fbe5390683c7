package rrcm.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * libtorch through DJL's PyTorch engine (offline, CPU): the oracle the engine's ops are checked against.
 * Every call works in a sub-manager that is closed before returning, so nothing leaks between tests.
 */
public final class Torch {
    private static final NDManager BASE = NDManager.newBaseManager("PyTorch");

    private Torch() {}

    public static NDManager newManager() {
        return BASE.newSubManager();
    }

    public static NDArray floats(NDManager m, float[] data, int[] shape) {
        return m.create(data, shape(shape));
    }

    /** A libtorch leaf with gradients for each named parameter, under the same name: a module's weights, for an oracle. */
    public static java.util.Map<String, NDArray> leaves(NDManager m, java.util.Map<String, rrcm.tensor.Tensor> named) {
        java.util.Map<String, NDArray> w = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, rrcm.tensor.Tensor> e : named.entrySet()) {
            NDArray a = floats(m, e.getValue().toFloatArray(), e.getValue().shape());
            a.setRequiresGradient(true);
            w.put(e.getKey(), a);
        }
        return w;
    }

    public static NDArray ints(NDManager m, int[] data, int[] shape) {
        // torch indexes with int64
        return m.create(data, shape(shape)).toType(DataType.INT64, false);
    }

    public static Shape shape(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) l[i] = s[i];
        return new Shape(l);
    }

    /** Result of running a function and its backward in libtorch. */
    public record Result(float[] output, int[] shape, List<float[]> grads) {}

    /**
     * Runs f on the inputs; when gradOut is not null, also backward with that upstream gradient, and
     * returns the gradient of every input that is marked in needsGrad (null for the others).
     */
    public static Result run(List<Object[]> inputs, boolean[] needsGrad, Function<List<NDArray>, NDArray> f,
                             float[] gradOut) {
        try (NDManager m = newManager()) {
            List<NDArray> xs = new ArrayList<>();
            for (Object[] in : inputs) {
                xs.add(in[0] instanceof float[] fd ? floats(m, fd, (int[]) in[1]) : ints(m, (int[]) in[0], (int[]) in[1]));
            }
            if (gradOut == null) {
                NDArray y = f.apply(xs);
                return new Result(y.toType(DataType.FLOAT32, false).toFloatArray(), dims(y), List.of());
            }
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                for (int i = 0; i < xs.size(); i++) if (needsGrad[i]) xs.get(i).setRequiresGradient(true);
                NDArray y = f.apply(xs);
                NDArray g = m.create(gradOut, y.getShape());
                gc.backward(y.mul(g).sum());
                List<float[]> grads = new ArrayList<>();
                for (int i = 0; i < xs.size(); i++) grads.add(needsGrad[i] ? xs.get(i).getGradient().toFloatArray() : null);
                return new Result(y.toFloatArray(), dims(y), grads);
            }
        }
    }

    private static int[] dims(NDArray y) {
        long[] s = y.getShape().getShape();
        int[] d = new int[s.length];
        for (int i = 0; i < s.length; i++) d[i] = (int) s[i];
        return d;
    }
}
