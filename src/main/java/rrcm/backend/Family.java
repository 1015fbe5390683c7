package rrcm.backend;

/**
 * What every op family of a backend shares: the backend it belongs to, and the one place where the
 * storages of a call are checked. A family's public methods (in {@link RandomOps}, {@link NormOps} and the
 * others) are final: they check everything a call can get wrong (whose storage it is, whether it is still
 * live, its dtype, its exact number of elements, the sizes and options) and only then hand the storages,
 * already of the backend's own type {@code S}, to the backend's implementation, the protected {@code do}
 * methods. So every backend accepts and refuses exactly the same calls, with the same messages, and an
 * implementation reads as the computation alone.
 *
 * <p>Names line up across the layers: the family {@code norm} is {@link NormOps} here,
 * {@code backend/cpu/CpuNorm}, {@code backend/cuda/CudaNorm}, {@code kernels/norm.cu} and the tests'
 * {@code NormContract}.
 *
 * @param <S> the storage type of the backend
 */
public abstract class Family<S extends Storage> {
    private final Backend backend;
    private final Class<S> type;

    protected Family(Backend backend, Class<S> type) {
        this.backend = backend;
        this.type = type;
    }

    /** The backend whose storages this family takes. */
    public final Backend backend() {
        return backend;
    }

    /** The storage as the backend's own type, after checking that it is the backend's and still live. */
    protected final S own(String op, String what, Storage s) {
        if (s == null) throw new NullPointerException(op + ": the " + what + " is null");
        if (s.backend() != backend || !type.isInstance(s)) {
            throw new IllegalArgumentException(op + ": the " + what + " belongs to backend '" + s.backend().name()
                    + "', not to this " + backend.name() + " backend (move the tensor with .to(backend) first)");
        }
        if (s.released()) {
            throw new IllegalStateException(op + ": the " + what
                    + " was already released (a tensor used after its memory scope closed)");
        }
        return type.cast(s);
    }

    /** A live float32 storage of exactly {@code numel} elements. */
    protected final S f32(String op, String what, Storage s, long numel) {
        return typed(op, what, s, DType.F32, numel);
    }

    /** A live float32 storage of any size. */
    protected final S f32(String op, String what, Storage s) {
        return typed(op, what, s, DType.F32, -1);
    }

    /** A live int32 storage of exactly {@code numel} elements. */
    protected final S i32(String op, String what, Storage s, long numel) {
        return typed(op, what, s, DType.I32, numel);
    }

    /** {@link #f32}, or null for an optional argument left out. */
    protected final S f32OrNull(String op, String what, Storage s, long numel) {
        return s == null ? null : f32(op, what, s, numel);
    }

    private S typed(String op, String what, Storage s, DType dtype, long numel) {
        S own = own(op, what, s);
        if (own.dtype() != dtype) {
            throw new IllegalArgumentException(op + ": the " + what + " must be " + dtype + ", not " + own.dtype());
        }
        if (numel >= 0 && own.numel() != numel) {
            throw new IllegalArgumentException(op + ": the " + what + " has " + own.numel() + " elements where " + numel
                    + " are needed");
        }
        return own;
    }

    /** A new array of the backend's storages. */
    @SuppressWarnings("unchecked")
    protected final S[] newArray(int n) {
        return (S[]) java.lang.reflect.Array.newInstance(type, n);
    }

    /** The product of sizes that must each be at least zero. */
    protected static long count(String op, String what, int... sizes) {
        long n = 1;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException(op + ": negative " + what + " " + java.util.Arrays.toString(sizes));
            n *= s;
        }
        return n;
    }

    /** Fails unless the condition holds, with op's name in front of the message. */
    protected static void require(boolean condition, String op, String message) {
        if (!condition) throw new IllegalArgumentException(op + ": " + message);
    }
}
