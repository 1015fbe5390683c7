package rrcm.backend;

/** A backend's memory: bytes in live storages, bytes cached for reuse, and allocations that missed the cache. */
public record MemoryStats(long liveBytes, long pooledBytes, long freshAllocations) {}
