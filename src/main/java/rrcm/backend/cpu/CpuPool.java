package rrcm.backend.cpu;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Released arrays kept by exact length for reuse, so that a steady-state training step allocates no
 * new arrays. Bounded: when a release would exceed the capacity, the lengths used least recently are
 * dropped first (a new stage with other shapes soon replaces the old stage's arrays), and a failed
 * allocation empties the pool and tries once more before giving up.
 */
final class CpuPool {
    private final long capacityBytes;
    // access order: the lengths taken or given most recently come last
    private final Map<Integer, ArrayDeque<Object>> floats = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Integer, ArrayDeque<Object>> ints = new LinkedHashMap<>(16, 0.75f, true);
    private long pooledBytes;
    private long freshAllocations;

    CpuPool(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /** A quarter of the heap: what the live tensors of a step leave over, with room to spare. */
    static long defaultCapacity() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    float[] takeFloats(int n) {
        Object a = take(floats, n);
        if (a != null) return (float[]) a;
        try {
            return new float[n];
        } catch (OutOfMemoryError e) {
            clear();
            return new float[n];
        }
    }

    int[] takeInts(int n) {
        Object a = take(ints, n);
        if (a != null) return (int[]) a;
        try {
            return new int[n];
        } catch (OutOfMemoryError e) {
            clear();
            return new int[n];
        }
    }

    private synchronized Object take(Map<Integer, ArrayDeque<Object>> pool, int n) {
        ArrayDeque<Object> q = pool.get(n);
        if (q != null && !q.isEmpty()) {
            pooledBytes -= 4L * n;
            return q.pop();
        }
        freshAllocations++;
        return null;
    }

    synchronized void give(Object array) {
        boolean isFloat = array instanceof float[];
        int n = isFloat ? ((float[]) array).length : ((int[]) array).length;
        long bytes = 4L * n;
        if (bytes > capacityBytes) return;
        evict(pooledBytes + bytes - capacityBytes);
        pooledBytes += bytes;
        (isFloat ? floats : ints).computeIfAbsent(n, k -> new ArrayDeque<>()).push(array);
    }

    /** Drops at least {@code bytes} bytes, least recently used lengths first. */
    private void evict(long bytes) {
        for (Map<Integer, ArrayDeque<Object>> pool : java.util.List.of(floats, ints)) {
            Iterator<Map.Entry<Integer, ArrayDeque<Object>>> it = pool.entrySet().iterator();
            while (bytes > 0 && it.hasNext()) {
                Map.Entry<Integer, ArrayDeque<Object>> e = it.next();
                while (bytes > 0 && !e.getValue().isEmpty()) {
                    e.getValue().pop();
                    pooledBytes -= 4L * e.getKey();
                    bytes -= 4L * e.getKey();
                }
                if (e.getValue().isEmpty()) it.remove();
            }
        }
    }

    synchronized void clear() {
        floats.clear();
        ints.clear();
        pooledBytes = 0;
    }

    synchronized long pooledBytes() {
        return pooledBytes;
    }

    synchronized long freshAllocations() {
        return freshAllocations;
    }
}
