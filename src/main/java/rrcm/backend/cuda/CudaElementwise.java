package rrcm.backend.cuda;

import rrcm.backend.BinaryOp;
import rrcm.backend.ElementwiseOps;
import rrcm.backend.ScalarOp;
import rrcm.backend.ShapePlan;
import rrcm.backend.UnaryOp;
import rrcm.device.KernelArgs;

/**
 * The elementwise family on the device (kernels/elementwise.cu): one grid-stride launch per call, the op
 * chosen by its code ({@link OpCodes}); a broadcast travels as its plan's words, and runs four elements
 * per thread when the innermost merged axis allows.
 */
final class CudaElementwise extends ElementwiseOps<CudaStorage> {
    private final CudaRuntime rt;

    CudaElementwise(CudaBackend backend, CudaRuntime rt) {
        super(backend, CudaStorage.class);
        this.rt = rt;
    }

    @Override
    protected void doUnary(UnaryOp op, CudaStorage x, CudaStorage out) {
        int n = x.numel();
        rt.launch1d("ew_unary", n, KernelArgs.of().i32(OpCodes.unary(op)).ptr(x.buffer()).ptr(out.buffer()).i32(n));
    }

    @Override
    protected void doUnaryBackward(UnaryOp op, CudaStorage t, CudaStorage gy, CudaStorage gx) {
        int n = gy.numel();
        rt.launch1d("ew_unary_backward", n, KernelArgs.of().i32(OpCodes.unary(op)).ptr(t.buffer()).ptr(gy.buffer())
                .ptr(gx.buffer()).i32(n));
    }

    @Override
    protected void doScalar(ScalarOp op, CudaStorage x, float s, CudaStorage out) {
        int n = x.numel();
        rt.launch1d("ew_scalar", n, KernelArgs.of().i32(OpCodes.scalar(op)).ptr(x.buffer()).f32(s).ptr(out.buffer()).i32(n));
    }

    @Override
    protected void doBinary(BinaryOp op, CudaStorage a, CudaStorage b, CudaStorage out, ShapePlan.Broadcast plan) {
        boolean vec = plan.inner() % 4 == 0;
        rt.launch1d("ew_binary", vec ? plan.numel() / 4 : plan.numel(), KernelArgs.of().i32(OpCodes.binary(op))
                .ptr(a.buffer()).ptr(b.buffer()).ptr(out.buffer()).struct(ShapePlans.words(plan)).i32(vec ? 1 : 0));
    }

    @Override
    protected void doExpand(CudaStorage src, CudaStorage dst, ShapePlan.Broadcast plan) {
        boolean vec = plan.inner() % 4 == 0;
        rt.launch1d("ew_expand", vec ? plan.numel() / 4 : plan.numel(),
                KernelArgs.of().ptr(src.buffer()).ptr(dst.buffer()).struct(ShapePlans.words(plan)).i32(vec ? 1 : 0));
    }
}
