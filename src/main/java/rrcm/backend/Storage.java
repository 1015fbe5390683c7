package rrcm.backend;

/**
 * A flat buffer of {@code numel} elements of one dtype, owned by one backend. Storage has no shape:
 * shapes travel with each primitive call. After {@link Backend#release} a storage must not be used;
 * every backend checks this and names the storage's origin in the error.
 */
public interface Storage {
    Backend backend();

    DType dtype();

    int numel();

    /** True once the storage went back to its backend's pool. */
    boolean released();
}
