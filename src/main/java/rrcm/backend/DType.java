package rrcm.backend;

/** Element types of storage. float32 for values, int32 for labels and indices; bf16 comes later. */
public enum DType {
    F32(4, "float32"),
    I32(4, "int32");

    private final int bytes;
    private final String label;

    DType(int bytes, String label) {
        this.bytes = bytes;
        this.label = label;
    }

    public int bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return label;
    }
}
