package rrcm.workflows;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongPredicate;
import rrcm.data.Batch;
import rrcm.data.Loader;
import rrcm.nn.Module;
import rrcm.tensor.MemoryScope;

/**
 * The loop every training stage runs: steps [start, total) over a loader's batches, each inside a memory
 * scope; a progress bar per epoch; a log line every run.log_every steps with the mean time per step since
 * the last; a stop with the checkpoint intact when the loss or the parameters stop being finite; a
 * checkpoint where the stage asks for one and at a requested stop (run --stop-at-step).
 *
 * @param <T> what a step returns for its log line (loss terms still on the backend)
 */
final class StageLoop<T> {
    /** What a stage does in one step, and how it reports it. */
    interface Body<T> {
        /** Runs step k on its batch; what it returns belongs to the step's memory scope. */
        T run(long k, Batch batch);

        /** The loss of a step's terms, on the host. */
        float loss(T terms);

        /** Writes step k's log line (metrics.jsonl and the console). */
        void log(long k, T terms, float loss, double secondsPerStep);

        /** Writes a checkpoint after done steps. */
        void save(long done);
    }

    private final RunContext ctx;
    private final String stage;
    private final Path dir;
    private final Module checked;
    private final LongPredicate checkpointAfter;
    private final Body<T> body;

    /**
     * @param stage the stage's name in messages
     * @param dir where its checkpoints go (named when it stops on a non-finite loss)
     * @param checked the module whose parameters must be finite before a checkpoint overwrites the last one
     * @param checkpointAfter whether to checkpoint after that many steps (the last step and a requested stop always do)
     */
    StageLoop(RunContext ctx, String stage, Path dir, Module checked, LongPredicate checkpointAfter, Body<T> body) {
        this.ctx = ctx;
        this.stage = stage;
        this.dir = dir;
        this.checked = checked;
        this.checkpointAfter = checkpointAfter;
        this.body = body;
    }

    /** The loader's batches per epoch; a batch larger than the training set is the user's error, named by its key. */
    static int batchesPerEpoch(Loader loader, String section, int batchSize) {
        int perEpoch = loader.batchesPerEpoch();
        if (perEpoch == 0) {
            throw new IllegalArgumentException(section + ".batch_size " + batchSize + " is larger than the training set ("
                    + loader.dataset().size() + " images)");
        }
        return perEpoch;
    }

    /** Runs the steps from start to total; false when it stopped early as asked (then it has checkpointed). */
    boolean run(Loader loader, long start, long total) {
        int perEpoch = loader.batchesPerEpoch();
        loader.startAt((int) (start / perEpoch), (int) (start % perEpoch));
        Progress progress = null;
        long epochFirst = start, windowStart = System.nanoTime(), windowSteps = 0;
        for (long k = start; k < total; k++) {
            if (progress == null || k % perEpoch == 0) {
                epochFirst = k;
                long epochEnd = Math.min(total, (k / perEpoch + 1) * perEpoch);
                progress = Progress.onStderr(String.format(Locale.ROOT, "%s epoch %d", stage, k / perEpoch), epochEnd - k);
            }
            Batch batch = loader.next();
            float loss;
            try (MemoryScope scope = MemoryScope.open()) {
                T terms = body.run(k, batch);
                loss = body.loss(terms);
                if (!Float.isFinite(loss)) {
                    throw new TrainingDiverged(String.format(Locale.ROOT, "%s step %d: the loss is %s; stopped with the last "
                            + "checkpoint in %s intact", stage, k, loss, dir));
                }
                windowSteps++;
                if ((k + 1) % ctx.config().run().logEvery() == 0 || k + 1 == total) {
                    body.log(k, terms, loss, (System.nanoTime() - windowStart) / 1e9 / windowSteps);
                    windowStart = System.nanoTime();
                    windowSteps = 0;
                }
            }
            progress.update(k - epochFirst + 1, String.format(Locale.ROOT, "loss %.4f", loss));
            long done = k + 1;
            boolean stop = ctx.stopAt() > 0 && done == ctx.stopAt();
            if (checkpointAfter.test(done) || done == total || stop) {
                if (!Checkpoints.finite(checked)) {
                    throw new TrainingDiverged(String.format(Locale.ROOT, "%s step %d: the parameters are no longer finite; "
                            + "stopped with the last checkpoint in %s intact", stage, k, dir));
                }
                body.save(done);
            }
            if (stop && done < total) {
                ctx.out().printf(Locale.ROOT, "%s: stopped at step %d as asked; continue with --resume%n", stage, done);
                return false;
            }
        }
        return true;
    }
}
