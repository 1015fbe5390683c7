package rrcm.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU backend's one thread pool. The calling thread works too, so a pool of {@code threads - 1}
 * workers keeps {@code threads} cores busy. Tasks are claimed from a shared counter (work sharing), so
 * uneven tasks balance; results never depend on which thread ran a task, because every task writes
 * its own part of the output and partial results are combined in task order.
 */
public final class Parallel implements AutoCloseable {
    /** Work items smaller than this run on the calling thread: waking a worker costs microseconds. */
    public static final long MIN_PARALLEL_WORK = 1 << 15;

    @FunctionalInterface
    public interface Task {
        void run(int index);
    }

    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private final int threads;
    private final ForkJoinPool pool;

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads - 1, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("rrcm-cpu-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    public int threads() {
        return threads;
    }

    /** Runs task(0) .. task(count - 1), in parallel when count > 1 and not already inside the pool. */
    public void forEach(int count, Task task) {
        if (count <= 0) return;
        if (count == 1 || pool == null || Thread.currentThread() instanceof ForkJoinWorkerThread) {
            for (int i = 0; i < count; i++) task.run(i);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) task.run(i);
        };
        int helpers = Math.min(threads - 1, count - 1);
        ForkJoinTask<?>[] joins = new ForkJoinTask<?>[helpers];
        for (int h = 0; h < helpers; h++) joins[h] = pool.submit(worker);
        Throwable failure = null;
        try {
            worker.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (ForkJoinTask<?> join : joins) {
            try {
                join.join();
            } catch (RuntimeException | Error e) {
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
    }

    /**
     * Splits [0, n) into chunks and runs them in parallel. {@code workPerItem} estimates the cost of one
     * item (say, the floats it touches) so that small problems stay on the calling thread.
     */
    public void forRange(int n, long workPerItem, Range range) {
        if (n <= 0) return;
        long total = n * Math.max(1, workPerItem);
        if (pool == null || total < MIN_PARALLEL_WORK || n == 1) {
            range.run(0, n);
            return;
        }
        int chunks = (int) Math.min(n, Math.min(threads * 4L, total / (MIN_PARALLEL_WORK / 2)));
        chunks = Math.max(chunks, Math.min(n, threads));
        int parts = chunks;
        forEach(parts, c -> range.run((int) ((long) n * c / parts), (int) ((long) n * (c + 1) / parts)));
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
