package rrcm.data;

import java.util.IdentityHashMap;

/**
 * Reusable float buffers of one thread, keyed by the object that uses them, so that a pipeline
 * allocates nothing per image once warm. Not thread-safe: each worker thread holds its own.
 */
public final class Scratch {
    private final IdentityHashMap<Object, float[]> buffers = new IdentityHashMap<>();

    /** A buffer of at least {@code size} floats that only {@code owner} uses; contents are left over. */
    public float[] floats(Object owner, int size) {
        float[] buffer = buffers.get(owner);
        if (buffer == null || buffer.length < size) {
            buffer = new float[size];
            buffers.put(owner, buffer);
        }
        return buffer;
    }
}
