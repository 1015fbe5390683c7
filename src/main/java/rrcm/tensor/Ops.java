package rrcm.tensor;

import rrcm.backend.DType;

/** Checks shared by the op families: dtypes and backends, with messages that name the op. */
final class Ops {
    private Ops() {}

    static void floats(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && t.dtype() != DType.F32) {
                throw new IllegalArgumentException(op + ": expected float32 tensors, got " + t.dtype()
                        + " of shape " + Shape.str(t.shape()) + " (convert with toFloat())");
            }
        }
    }

    static void sameBackend(String op, Tensor... ts) {
        Tensor first = null;
        for (Tensor t : ts) {
            if (t == null) continue;
            if (first == null) first = t;
            else if (t.backend() != first.backend()) {
                throw new IllegalArgumentException(op + ": tensors live on different backends ("
                        + first.backend().name() + " and " + t.backend().name() + "); move one with to(backend)");
            }
        }
    }

    static void floatsOnOneBackend(String op, Tensor... ts) {
        floats(op, ts);
        sameBackend(op, ts);
    }
}
