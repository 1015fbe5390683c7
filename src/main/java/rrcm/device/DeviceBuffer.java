package rrcm.device;

/** A block of device memory from {@link Device#allocate}. */
public interface DeviceBuffer {
    Device device();

    long bytes();

    /** What it holds, for error messages. */
    String label();

    /** True after {@link Device#free}. */
    boolean freed();

    /** Fails unless [offset, offset + bytes) lies inside the buffer, which is not freed. */
    static void checkRange(DeviceBuffer b, long offset, long bytes, String op) {
        if (b.freed()) throw new DeviceException(op + ": buffer '" + b.label() + "' was already freed");
        if (offset < 0 || bytes < 0 || offset + bytes > b.bytes()) {
            throw new DeviceException(op + ": bytes [" + offset + ", " + (offset + bytes) + ") are outside buffer '"
                    + b.label() + "' of " + b.bytes() + " bytes");
        }
    }
}
