package rrcm.tensor;

import rrcm.backend.Storage;

/** A storage and the scope that owns it; shared by a tensor and its views. */
final class Buffer {
    final Storage storage;
    MemoryScope owner;

    Buffer(Storage storage) {
        this.storage = storage;
    }
}
