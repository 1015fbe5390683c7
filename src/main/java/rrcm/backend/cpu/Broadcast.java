package rrcm.backend.cpu;

import rrcm.backend.ShapePlan;

/**
 * A broadcast plan (see {@link ShapePlan#broadcast}) walked as rows of its innermost merged axis: in a
 * row a and b advance with stride 1 or 0, and the outer axes' strides give each row's start.
 */
record Broadcast(ShapePlan.Broadcast plan) {

    static Broadcast of(int[] aShape, int[] bShape, int[] outShape) {
        return new Broadcast(ShapePlan.broadcast("broadcast", aShape, bShape, outShape));
    }

    int inner() {
        return plan.inner();
    }

    int innerStrideA() {
        return plan.strideA()[plan.rank() - 1] == 0 ? 0 : 1;
    }

    int innerStrideB() {
        return plan.strideB()[plan.rank() - 1] == 0 ? 0 : 1;
    }

    int rows() {
        return (int) (plan.numel() / plan.inner());
    }

    int offsetA(int row) {
        return offset(row, plan.strideA());
    }

    int offsetB(int row) {
        return offset(row, plan.strideB());
    }

    private int offset(int row, int[] strides) {
        int off = 0;
        int[] sizes = plan.sizes();
        for (int d = sizes.length - 2; d >= 0; d--) {
            off += (row % sizes[d]) * strides[d];
            row /= sizes[d];
        }
        return off;
    }
}
