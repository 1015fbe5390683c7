package rrcm.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Batches of augmented images, assembled ahead of the consumer by worker threads.
 *
 * <p>Usage: construct, optionally {@link #startAt} a position and {@link #endBefore} an epoch, then
 * call {@link #next()} until it returns null; close it (try-with-resources). The batches run in
 * order (epoch 0 batch 0, epoch 0 batch 1, ...) straight across epoch boundaries; {@link Batch#epoch()}
 * and {@link Batch#index()} say where each one belongs. With no end set, the sequence never ends
 * and training simply stops calling {@code next()}; for one pass of evaluation use
 * {@code endBefore(1)}.
 *
 * <p>Determinism: the order of epoch e is a shuffle seeded by (seed, e) (or the identity without
 * shuffle), and view v of data set image i in epoch e is augmented with a generator seeded by
 * (seed, e, i, v); the mixing is documented in {@code Seeds}. A batch is therefore the same
 * whatever the number of threads, their timing, or where the run started: resuming at
 * (epoch, index) gives exactly the batches an uninterrupted run would have given from there.
 *
 * <p>Memory: at most {@code prefetch} batches exist ahead of the consumer, being filled or waiting;
 * all workers fill the oldest unfinished one together, a few samples at a time, so a small prefetch
 * still puts every worker to use. An exception in a worker is thrown from {@code next()} in the
 * consumer's thread, with the worker's message, when the consumer reaches that batch.
 */
public final class Loader implements AutoCloseable {
    public static final int DEFAULT_PREFETCH = 2;

    private final ImageDataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final List<Transform> views;
    private final ImageShape input;
    private final List<ImageShape> shapes;
    private final int workers;
    private final int prefetch;
    private final int batchesPerEpoch;
    private final int chunk; // samples per unit of work a worker claims

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Everything below is guarded by lock, except that `closed` is also read without it between samples.
    private final ArrayDeque<Job> jobs = new ArrayDeque<>(); // in sequence order, at most `prefetch`
    private long nextToCreate;
    private long nextToDeliver;
    private long end = Long.MAX_VALUE;
    private int permutationEpoch = -1;
    private int[] permutation;
    private boolean started;
    private volatile boolean closed;
    private RuntimeException failure;
    private final List<Thread> threads = new ArrayList<>();

    /** Default workers (min(4, cores)) and prefetch (2). */
    public Loader(ImageDataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast, List<? extends Transform> views) {
        this(dataset, batchSize, shuffle, seed, dropLast, views, defaultWorkers(), DEFAULT_PREFETCH);
    }

    /**
     * @param dropLast drop the last, partial batch of every epoch (training) or deliver it smaller (evaluation)
     * @param views one pipeline per view; every batch carries one array per view
     * @param workers worker threads, at least 1
     * @param prefetch batches in flight ahead of the consumer, at least 1
     */
    public Loader(ImageDataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast,
                  List<? extends Transform> views, int workers, int prefetch) {
        this.dataset = Objects.requireNonNull(dataset);
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (workers <= 0) throw new IllegalArgumentException("worker threads must be at least 1, got " + workers);
        if (prefetch <= 0) throw new IllegalArgumentException("prefetch depth must be at least 1, got " + prefetch);
        if (views.isEmpty()) throw new IllegalArgumentException("a loader needs at least one view");
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.views = List.copyOf(views);
        this.workers = workers;
        this.prefetch = prefetch;
        int n = dataset.size();
        if (n <= 0) throw new DataException(dataset.name() + ": the data set has no images");
        this.batchesPerEpoch = dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
        if (batchesPerEpoch == 0) {
            throw new DataException(dataset.name() + ": " + n + " images are fewer than one batch of " + batchSize + " when the last partial batch is dropped");
        }
        this.input = dataset.shape();
        var out = new ArrayList<ImageShape>();
        for (int v = 0; v < this.views.size(); v++) {
            try {
                out.add(this.views.get(v).outputShape(input));
            } catch (IllegalArgumentException e) {
                throw new DataException(dataset.name() + ": view " + v + " (" + this.views.get(v) + ") cannot take its images: " + e.getMessage(), e);
            }
        }
        this.shapes = List.copyOf(out);
        this.chunk = Math.clamp((batchSize + 4L * workers - 1) / (4L * workers), 1, 32);
    }

    public static int defaultWorkers() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    public ImageDataset dataset() {
        return dataset;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The per-image shape of view {@code v}: its batch array is (B, C, H, W) with B = batch.size(). */
    public ImageShape shape(int v) {
        return shapes.get(v);
    }

    public int views() {
        return views.size();
    }

    /** Begin at batch {@code index} of {@code epoch} instead of (0, 0); only before the first {@link #next()}. */
    public void startAt(int epoch, int index) {
        if (epoch < 0 || index < 0 || index >= batchesPerEpoch) {
            throw new IllegalArgumentException("no batch " + index + " in epoch " + epoch + " (" + batchesPerEpoch + " batches per epoch)");
        }
        lock.lock();
        try {
            requireNotStarted();
            nextToCreate = (long) epoch * batchesPerEpoch + index;
            nextToDeliver = nextToCreate;
        } finally {
            lock.unlock();
        }
    }

    /** Stop after the last batch of epoch {@code epoch - 1}: next() then returns null. Only before the first next(). */
    public void endBefore(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("end epoch must be >= 0, got " + epoch);
        lock.lock();
        try {
            requireNotStarted();
            end = (long) epoch * batchesPerEpoch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next batch in order, waiting for the workers if it is not ready; null after the end set by
     * {@link #endBefore}.
     *
     * @throws DataException or IllegalStateException with a worker's message when making this batch failed
     */
    public Batch next() {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the data loader is closed");
            if (failure != null) throw failure;
            if (!started) startWorkers();
            if (nextToDeliver >= end) return null;
            Job job = jobs.peekFirst();
            while (job == null || (job.pending > 0 && job.error == null)) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a batch", e);
                }
                if (closed) throw new IllegalStateException("the data loader is closed");
                job = jobs.peekFirst();
            }
            jobs.pollFirst();
            nextToDeliver++;
            changed.signalAll(); // a slot is free for the workers
            if (job.error != null) {
                failure = surface(job.error);
                throw failure;
            }
            return new Batch(job.epoch, job.index, job.samples, job.labels, List.of(job.views));
        } finally {
            lock.unlock();
        }
    }

    /** Stops the workers: each finishes at most the sample in hand. Waits for them to end. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            jobs.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : threads) t.interrupt(); // wakes a worker blocked in a slow read or sleep
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void requireNotStarted() {
        if (started) throw new IllegalStateException("the loader's range can only be set before the first next()");
    }

    private void startWorkers() {
        started = true;
        var factory = Thread.ofPlatform().daemon().name("rrcm-data-" + dataset.name().replace(' ', '-') + "-", 0);
        for (int i = 0; i < workers; i++) threads.add(factory.start(this::work));
    }

    /** The exception the consumer sees: the worker's message, with the worker's exception as cause. */
    private static RuntimeException surface(Throwable error) {
        String message = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
        return error instanceof DataException ? new DataException(message, error) : new IllegalStateException(message, error);
    }

    /** A batch being assembled. Fields without a comment are fixed at creation. */
    private final class Job {
        final int epoch;
        final int index;
        final int[] samples;
        final int[] labels;
        final float[][] views;
        final int chunks;
        int nextChunk; // guarded by lock: next chunk nobody has claimed
        int pending; // guarded by lock: chunks not finished
        Throwable error; // guarded by lock

        Job(int epoch, int index, int[] samples) {
            this.epoch = epoch;
            this.index = index;
            this.samples = samples;
            this.labels = new int[samples.length];
            this.views = new float[shapes.size()][];
            for (int v = 0; v < views.length; v++) views[v] = new float[samples.length * shapes.get(v).size()];
            this.chunks = (samples.length + chunk - 1) / chunk;
            this.pending = chunks;
        }
    }

    /** Creates the job of sequence number {@code seq}; called with the lock held. */
    private Job createJob(long seq) {
        int epoch = (int) (seq / batchesPerEpoch);
        int index = (int) (seq % batchesPerEpoch);
        int n = dataset.size();
        if (epoch != permutationEpoch) {
            permutation = order(epoch);
            permutationEpoch = epoch;
        }
        int from = index * batchSize;
        int count = Math.min(batchSize, n - from);
        int[] samples = new int[count];
        System.arraycopy(permutation, from, samples, 0, count);
        return new Job(epoch, index, samples);
    }

    /** The sample order of an epoch: a Fisher-Yates shuffle seeded by (seed, epoch), or 0..n-1. */
    private int[] order(int epoch) {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (shuffle) {
            var rng = new SplittableRandom(Seeds.permutation(seed, epoch));
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    private void work() {
        var scratch = new Scratch();
        float[] image = new float[input.size()];
        float[][] out = new float[shapes.size()][];
        for (int v = 0; v < out.length; v++) out[v] = new float[shapes.get(v).size()];
        while (true) {
            Job job = null;
            int claimed = -1;
            lock.lock();
            try {
                while (job == null) {
                    if (closed) return;
                    for (Job j : jobs) {
                        if (j.nextChunk < j.chunks && j.error == null) {
                            job = j;
                            break;
                        }
                    }
                    if (job == null && jobs.size() < prefetch && nextToCreate < end) {
                        job = createJob(nextToCreate++);
                        jobs.addLast(job);
                    }
                    if (job == null) changed.awaitUninterruptibly();
                }
                claimed = job.nextChunk++;
            } finally {
                lock.unlock();
            }
            Throwable error = null;
            try {
                fill(job, claimed, image, out, scratch);
            } catch (Throwable t) {
                error = t;
            }
            lock.lock();
            try {
                if (error != null && job.error == null) job.error = error;
                if (--job.pending == 0 || error != null) changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Loads and augments the samples of one chunk of a job, view by view. */
    private void fill(Job job, int claimed, float[] image, float[][] out, Scratch scratch) {
        int from = claimed * chunk;
        int to = Math.min(job.samples.length, from + chunk);
        for (int i = from; i < to && !closed; i++) {
            int sample = job.samples[i];
            dataset.image(sample, image, 0);
            job.labels[i] = dataset.label(sample);
            for (int v = 0; v < out.length; v++) {
                var rng = new SplittableRandom(Seeds.augmentation(seed, job.epoch, sample, v));
                views.get(v).apply(image, input, out[v], rng, scratch);
                int size = out[v].length;
                System.arraycopy(out[v], 0, job.views[v], i * size, size);
            }
        }
    }
}
