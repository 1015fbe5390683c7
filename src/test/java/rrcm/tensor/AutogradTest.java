package rrcm.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rrcm.tensor.LayoutTest.assertMessage;

import org.junit.jupiter.api.Test;
import rrcm.backend.cpu.CpuBackend;

/** The tape itself: accumulation, graph shapes, noGrad, detach, and the errors a user can cause. */
class AutogradTest {
    @Test
    void gradientsAccumulateAcrossBackwards() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        x.mul(2f).sum().backward();
        x.mul(2f).sum().backward();
        assertArrayEquals(new float[] {4, 4, 4}, x.grad().toFloatArray());
        x.zeroGrad();
        assertArrayEquals(new float[] {0, 0, 0}, x.grad().toFloatArray());
    }

    @Test
    void sharedInputsCollectEveryPath() {
        // y = x * x + x: dy/dx = 2x + 1, and x reaches the sum three times
        Tensor x = Tensor.of(new float[] {-1, 0.5f, 2}).requiresGrad(true);
        x.mul(x).add(x).sum().backward();
        assertArrayEquals(new float[] {-1, 2, 5}, x.grad().toFloatArray());
    }

    @Test
    void leafGradientsAreOwnBuffersEvenWhenAnOpPassesItsGradientThrough() {
        Tensor a = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4}).requiresGrad(true);
        a.add(b).sum().backward(); // add hands the same gradient to both
        a.grad().add(Tensor.of(new float[] {10, 10})); // not in place: nothing may change
        a.mul(3f).sum().backward();
        assertArrayEquals(new float[] {4, 4}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {1, 1}, b.grad().toFloatArray());
    }

    @Test
    void noGradRecordsNothing() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor y;
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            y = x.mul(3f).sum();
        }
        assertFalse(y.requiresGrad());
        assertTrue(Autograd.enabled());
        assertMessage(y::backward, "does not require a gradient");
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor y = x.mul(x.detach()).sum();
        y.backward();
        assertArrayEquals(new float[] {1, 2}, x.grad().toFloatArray());
    }

    @Test
    void backwardOfANonScalarNeedsAGradient() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        assertMessage(() -> x.mul(2f).backward(), "(2,)");
        Tensor y = x.mul(2f);
        y.backward(Tensor.of(new float[] {1, -1}));
        assertArrayEquals(new float[] {2, -2}, x.grad().toFloatArray());
        assertMessage(() -> x.mul(2f).backward(Tensor.of(new float[] {1, 2, 3})), "gradient of shape (3,)");
    }

    @Test
    void backwardTwiceThroughAFreedGraphNamesTheOp() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().startsWith("sum:") && e.getMessage().contains("already freed"), e.getMessage());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor y = x.mul(x).sum();
        y.backward(Tensor.scalar(1f), true);
        y.backward(Tensor.scalar(1f), true);
        assertArrayEquals(new float[] {4, 8}, x.grad().toFloatArray());
    }

    @Test
    void wrongDtypesAndBackendsAreNamed() {
        Tensor f = Tensor.zeros(2);
        Tensor i = Tensor.ofInts(new int[] {1, 2});
        assertMessage(() -> f.add(i), "add: expected float32");
        assertMessage(() -> i.requiresGrad(true), "int32");
        assertMessage(() -> i.exp(), "exp: expected float32");
        try (CpuBackend other = new CpuBackend(1)) {
            Tensor g = Tensor.zeros(other, 2);
            assertMessage(() -> f.mul(g), "different backends");
        }
    }

    @Test
    void nonLeavesKeepNoGradient() {
        Tensor x = Tensor.of(new float[] {1}).requiresGrad(true);
        Tensor y = x.mul(2f);
        y.sum().backward();
        assertNull(y.grad());
        assertFalse(y.isLeaf());
    }
}
