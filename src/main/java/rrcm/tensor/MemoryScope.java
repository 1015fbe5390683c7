package rrcm.tensor;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import rrcm.backend.Storage;

/**
 * Frees the temporaries of a block of work. While a scope is open on a thread, every tensor created
 * on that thread belongs to it, and closing the scope gives their storage back to the backend (the
 * CPU pool or the device's caching allocator). Tensors created outside any scope (parameters,
 * gradients of parameters, optimizer state) live until they are unreachable.
 *
 * <pre>{@code
 * try (MemoryScope step = MemoryScope.open()) {
 *     Tensor loss = model.loss(batch);
 *     loss.backward();
 *     optimizer.step();
 *     log(loss.item());
 * } // every activation and intermediate gradient is released here
 * }</pre>
 *
 * Scopes nest and must be closed in the reverse order of opening. {@link #keep} hands a tensor to
 * the enclosing scope (or to no scope) so that it survives this one.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>();

    private final MemoryScope parent;
    private final Thread thread;
    private final Set<Buffer> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private MemoryScope(MemoryScope parent) {
        this.parent = parent;
        this.thread = Thread.currentThread();
    }

    public static MemoryScope open() {
        MemoryScope s = new MemoryScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    static MemoryScope current() {
        return CURRENT.get();
    }

    /** Moves the tensor's storage (shared with its views) to the enclosing scope, or out of all scopes. */
    public Tensor keep(Tensor t) {
        Buffer b = t.buffer();
        if (b.owner == this) {
            owned.remove(b);
            b.owner = parent;
            if (parent != null) parent.owned.add(b);
        }
        return t;
    }

    void adopt(Buffer b) {
        owned.add(b);
        b.owner = this;
    }

    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a memory scope must be closed on the thread that opened it");
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("memory scopes must be closed innermost first");
        }
        closed = true;
        CURRENT.set(parent);
        for (Buffer b : owned) {
            Storage s = b.storage;
            s.backend().release(s);
        }
        owned.clear();
    }
}
