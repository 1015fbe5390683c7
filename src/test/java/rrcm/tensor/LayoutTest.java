package rrcm.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import org.junit.jupiter.api.Test;
import rrcm.testing.Close;
import rrcm.testing.Data;
import rrcm.testing.OpCheck;
import rrcm.testing.OpCheck.In;

/** Views, copies and index ops, forward and backward, against libtorch. */
class LayoutTest {
    static final Close EXACT = new Close(0, 0, "pure data movement: values are copied, never computed");
    static final Close ADDS = new Close(1e-6, 1e-6, "gradients of repeated indices add up in another order");

    @Test
    void reshapeIsAView() {
        Tensor x = Tensor.of(Data.normal(1, 24), 2, 3, 4);
        Tensor y = x.reshape(4, -1);
        assertArrayEquals(new int[] {4, 6}, y.shape());
        assertSame(x.buffer(), y.buffer());
        OpCheck.compare("reshape", EXACT, EXACT, t -> t.get(0).reshape(6, -1).mul(t.get(0).reshape(6, 4)),
                a -> a.get(0).reshape(6, 4).mul(a.get(0).reshape(6, 4)), In.of(2, 2, 3, 4));
        OpCheck.compare("flatten", EXACT, EXACT, t -> t.get(0).flatten(1, 2), a -> a.get(0).reshape(2, 12),
                In.of(3, 2, 3, 4));
        OpCheck.compare("unsqueeze/squeeze", EXACT, EXACT, t -> t.get(0).unsqueeze(1).squeeze(1).unsqueeze(-1),
                a -> a.get(0).expandDims(-1), In.of(4, 2, 3));
    }

    @Test
    void permuteAndTranspose() {
        OpCheck.compare("permute", EXACT, EXACT, t -> t.get(0).permute(0, 2, 1, 3), a -> a.get(0).transpose(0, 2, 1, 3),
                In.of(5, 2, 3, 4, 5));
        OpCheck.compare("permute 2", EXACT, EXACT, t -> t.get(0).permute(3, 1, 0, 2), a -> a.get(0).transpose(3, 1, 0, 2),
                In.of(6, 2, 3, 4, 5));
        OpCheck.compare("transpose", EXACT, EXACT, t -> t.get(0).transpose(-1, -2), a -> a.get(0).swapAxes(-1, -2),
                In.of(7, 3, 66, 17));
        OpCheck.compare("heads split", EXACT, EXACT, t -> t.get(0).reshape(2, 66, 3, 4, 8).permute(2, 0, 3, 1, 4),
                a -> a.get(0).reshape(2, 66, 3, 4, 8).transpose(2, 0, 3, 1, 4), In.of(8, 2, 66, 96));
    }

    @Test
    void expandSumsItsGradient() {
        OpCheck.compare("expand", EXACT, ADDS, t -> t.get(0).expand(2, 3, 4), a -> a.get(0).broadcast(2, 3, 4),
                In.of(9, 3, 1));
    }

    @Test
    void narrow() {
        OpCheck.compare("narrow", EXACT, EXACT, t -> t.get(0).narrow(1, 1, 3), a -> a.get(0).get(new NDIndex(":, 1:4")),
                In.of(10, 2, 5, 3));
        OpCheck.compare("narrow last", EXACT, EXACT, t -> t.get(0).narrow(-1, 0, 1), a -> a.get(0).get(new NDIndex(":, 0:1")),
                In.of(11, 4, 7));
    }

    @Test
    void concatAndStack() {
        OpCheck.compare("concat 0", EXACT, EXACT, t -> Tensor.concat(t, 0),
                a -> NDArrays.concat(new NDList(a.toArray(new ai.djl.ndarray.NDArray[0])), 0),
                In.of(12, 2, 3), In.of(13, 1, 3), In.of(14, 4, 3));
        OpCheck.compare("concat 1", EXACT, EXACT, t -> Tensor.concat(t, 1),
                a -> NDArrays.concat(new NDList(a.toArray(new ai.djl.ndarray.NDArray[0])), 1),
                In.of(15, 2, 3, 2), In.of(16, 2, 1, 2), In.of(17, 2, 5, 2));
        OpCheck.compare("stack", EXACT, EXACT, t -> Tensor.stack(t, 1),
                a -> NDArrays.stack(new NDList(a.toArray(new ai.djl.ndarray.NDArray[0])), 1),
                In.of(18, 2, 3), In.of(19, 2, 3));
    }

    @Test
    void argmax() {
        OpCheck.compare("argmax", EXACT, EXACT, t -> t.get(0).argmax(1), a -> a.get(0).argMax(1),
                In.constant(Data.normal(23, 105), 5, 7, 3));
        OpCheck.compare("argmax last", EXACT, EXACT, t -> t.get(0).argmax(-1), a -> a.get(0).argMax(-1),
                In.constant(Data.normal(24, 3300), 33, 100));
    }

    @Test
    void argmaxTakesTheFirstOfTies() {
        assertArrayEquals(new int[] {1, 0}, Tensor.of(new float[] {0, 2, 2, 5, 5, 1}, 2, 3).argmax(1).toIntArray());
    }

    @Test
    void conversions() {
        Tensor labels = Tensor.ofInts(new int[] {3, -1, 7});
        assertArrayEquals(new float[] {3, -1, 7}, labels.toFloat().toFloatArray());
        assertArrayEquals(new int[] {2, -1, 0}, Tensor.of(new float[] {2.7f, -1.5f, 0.2f}).toInt().toIntArray());
    }

    @Test
    void badShapesAreNamed() {
        Tensor x = Tensor.zeros(2, 3);
        assertMessage(() -> x.reshape(4, 2), "reshape");
        assertMessage(() -> x.permute(0, 0), "permute");
        assertMessage(() -> x.narrow(1, 2, 2), "narrow");
        assertMessage(() -> Tensor.concat(List.of(x, Tensor.zeros(3, 3)), 1), "concat");
        assertMessage(() -> x.expand(3, 3), "expand");
        assertMessage(() -> x.add(Tensor.zeros(3, 2)), "add");
        assertMessage(() -> x.sum(2, false), "axis 2");
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
        RuntimeException ex = assertThrows(RuntimeException.class, e);
        assertTrue(ex.getMessage() != null && ex.getMessage().contains(part), "message '" + ex.getMessage()
                + "' should name " + part);
    }
}
