package rrcm.backend.cuda;

import rrcm.backend.DType;
import rrcm.device.KernelArgs;

/**
 * Argument checks that need data on the device: the first int32 outside a range. One small kernel and
 * one integer read back, so that a bad index or label fails before an op writes anything.
 */
final class CudaChecks {
    private CudaChecks() {}

    /** The smallest position p < n with values[p] outside [0, bound), or -1. */
    static int firstOutside(CudaOps ops, CudaStorage values, int n, int bound) {
        CudaStorage err = ops.allocate(DType.I32, 1);
        try {
            ops.fill(err, Integer.MAX_VALUE);
            ops.launch1d("index_check", n, KernelArgs.of().ptr(values.buffer()).i64(n).i32(bound).ptr(err.buffer()));
            int[] at = new int[1];
            ops.download(err, at);
            return at[0] == Integer.MAX_VALUE ? -1 : at[0];
        } finally {
            ops.release(err);
        }
    }

    /** One int32 element, read back. */
    static int read(CudaOps ops, CudaStorage values, int at) {
        int[] v = new int[1];
        ops.device().copyToHost(values.buffer(), 4L * at, v, 0, 1);
        return v[0];
    }
}
