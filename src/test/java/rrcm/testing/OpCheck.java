package rrcm.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import rrcm.tensor.Tensor;

/**
 * Runs one op forward and backward in this engine and in libtorch on the same inputs and the same
 * upstream gradient, and compares outputs and the gradient of every differentiable input.
 */
public final class OpCheck {
    private OpCheck() {}

    /** One input: float values (with or without a gradient) or int32 indices. */
    public record In(float[] floats, int[] ints, int[] shape, boolean grad) {
        public static In of(long seed, int... shape) {
            return new In(Data.normal(seed, Data.numel(shape)), null, shape, true);
        }

        public static In values(float[] data, int... shape) {
            return new In(data, null, shape, true);
        }

        public static In constant(float[] data, int... shape) {
            return new In(data, null, shape, false);
        }

        public static In indices(int[] data, int... shape) {
            return new In(null, data, shape, false);
        }

        Tensor tensor() {
            Tensor t = floats != null ? Tensor.of(floats, shape) : Tensor.ofInts(ints, shape);
            return grad ? t.requiresGrad(true) : t;
        }

        Object[] torch() {
            return new Object[] {floats != null ? floats : ints, shape};
        }
    }

    public static void compare(String name, Close forward, Close backward, Function<List<Tensor>, Tensor> ours,
                               Function<List<NDArray>, NDArray> torch, In... inputs) {
        List<Tensor> ts = new ArrayList<>();
        boolean[] needs = new boolean[inputs.length];
        boolean anyGrad = false;
        List<Object[]> torchInputs = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            ts.add(inputs[i].tensor());
            needs[i] = inputs[i].grad;
            anyGrad |= needs[i];
            torchInputs.add(inputs[i].torch());
        }
        Tensor out = ours.apply(ts);
        float[] gradOut = anyGrad ? Data.normal(name.hashCode(), out.numel()) : null;
        Torch.Result ref = Torch.run(torchInputs, needs, torch, gradOut);
        assertArrayEquals(ref.shape(), out.shape(), name + ": output shape " + Arrays.toString(out.shape())
                + ", libtorch " + Arrays.toString(ref.shape()));
        float[] values = out.dtype() == rrcm.backend.DType.F32 ? out.toFloatArray() : toFloats(out.toIntArray());
        forward.check(name + " forward", ref.output(), values);
        if (!anyGrad) return;
        out.backward(Tensor.of(gradOut, out.shape()));
        for (int i = 0; i < inputs.length; i++) {
            if (!needs[i]) continue;
            backward.check(name + " gradient of input " + i, ref.grads().get(i), ts.get(i).grad().toFloatArray());
        }
    }

    private static float[] toFloats(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return f;
    }
}
