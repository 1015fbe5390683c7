package rrcm.backend.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Released arrays kept by exact length for reuse, so that a steady-state training step allocates no
 * new arrays. Bounded: beyond {@code capacityBytes} released arrays are left to the garbage collector.
 */
final class CpuPool {
    private final long capacityBytes;
    private final Map<Integer, ArrayDeque<float[]>> floats = new HashMap<>();
    private final Map<Integer, ArrayDeque<int[]>> ints = new HashMap<>();
    private long pooledBytes;
    private long freshAllocations;

    CpuPool(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    synchronized float[] takeFloats(int n) {
        ArrayDeque<float[]> q = floats.get(n);
        if (q != null && !q.isEmpty()) {
            pooledBytes -= 4L * n;
            return q.pop();
        }
        freshAllocations++;
        return new float[n];
    }

    synchronized int[] takeInts(int n) {
        ArrayDeque<int[]> q = ints.get(n);
        if (q != null && !q.isEmpty()) {
            pooledBytes -= 4L * n;
            return q.pop();
        }
        freshAllocations++;
        return new int[n];
    }

    synchronized void give(Object array) {
        int n = array instanceof float[] f ? f.length : ((int[]) array).length;
        if (pooledBytes + 4L * n > capacityBytes) return;
        pooledBytes += 4L * n;
        if (array instanceof float[] f) floats.computeIfAbsent(n, k -> new ArrayDeque<>()).push(f);
        else ints.computeIfAbsent(n, k -> new ArrayDeque<>()).push((int[]) array);
    }

    synchronized long pooledBytes() {
        return pooledBytes;
    }

    synchronized long freshAllocations() {
        return freshAllocations;
    }
}
