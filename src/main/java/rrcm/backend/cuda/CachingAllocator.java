package rrcm.backend.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import rrcm.backend.MemoryStats;
import rrcm.device.Device;
import rrcm.device.DeviceBuffer;
import rrcm.device.DeviceException;

/**
 * Device memory kept for reuse: a released block goes to a free list of its exact byte size, and the
 * next request of that size takes it back without a driver allocation. A training step allocates the
 * same sizes every time, so after the first step it makes none (docs/design.md, Memory). Exact sizes (no
 * rounding up) also keep the emulator's guard zones tight around every storage. When the device runs
 * out of memory the free lists are given back and the allocation is tried once more.
 */
final class CachingAllocator {
    private final Device device;
    private final Map<Long, ArrayDeque<DeviceBuffer>> free = new HashMap<>();
    private long liveBytes;
    private long pooledBytes;
    private long freshAllocations;

    CachingAllocator(Device device) {
        this.device = device;
    }

    synchronized DeviceBuffer take(long bytes, String label) {
        ArrayDeque<DeviceBuffer> list = free.get(bytes);
        DeviceBuffer b = list == null ? null : list.pollLast();
        if (b != null) {
            pooledBytes -= bytes;
        } else {
            try {
                b = device.allocate(bytes, label);
            } catch (DeviceException e) {
                if (pooledBytes == 0) throw e;
                trim();
                b = device.allocate(bytes, label);
            }
            freshAllocations++;
        }
        liveBytes += bytes;
        return b;
    }

    synchronized void give(DeviceBuffer b) {
        liveBytes -= b.bytes();
        pooledBytes += b.bytes();
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).addLast(b);
    }

    /** Frees every pooled block to the device. */
    synchronized void trim() {
        for (ArrayDeque<DeviceBuffer> list : free.values()) {
            for (DeviceBuffer b : list) device.free(b);
        }
        free.clear();
        pooledBytes = 0;
    }

    synchronized MemoryStats stats() {
        return new MemoryStats(liveBytes, pooledBytes, freshAllocations);
    }
}
