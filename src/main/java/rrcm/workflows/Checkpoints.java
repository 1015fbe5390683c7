package rrcm.workflows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import rrcm.io.CheckpointException;
import rrcm.io.HostArray;
import rrcm.io.Safetensors;
import rrcm.io.SafetensorsFile;
import rrcm.nn.Module;
import rrcm.optim.AdamW;
import rrcm.tensor.Generator;
import rrcm.tensor.MemoryScope;
import rrcm.tensor.Tensor;

/**
 * A stage's checkpoint, the same for every stage: model.safetensors (the trained module under its PyTorch
 * names, what users load) and state.safetensors (the optimizer's moments, whatever else the stage keeps,
 * and the counters resume needs: AdamW's step and the noise generator's position), both stamped with the
 * stage and the step.
 */
final class Checkpoints {
    private Checkpoints() {}

    /** What a resumed stage reads back besides the weights: its step, its noise position, and its state file. */
    record Resumed(long step, long noiseCounter, SafetensorsFile state) {}

    /**
     * Writes the checkpoint after done steps; extra: more state tensors (pre-training's EMA target). The
     * state goes first: a crash between the two writes leaves a model older than its state, which resume detects.
     */
    static void save(Path dir, String stage, long done, Module model, SequencedMap<String, HostArray> extra, AdamW optimizer,
                     Generator noise) {
        Map<String, String> meta = new LinkedHashMap<>(Safetensors.PYTORCH_METADATA);
        meta.put("stage", stage);
        meta.put("step", Long.toString(done));
        SequencedMap<String, HostArray> state = new LinkedHashMap<>(extra);
        state.putAll(StateFiles.of(optimizer.state(), ""));
        Map<String, String> stateMeta = new LinkedHashMap<>(meta);
        stateMeta.put("adam_step", Integer.toString(optimizer.stepCount()));
        stateMeta.put("noise_counter", Long.toString(noise.counter()));
        Safetensors.write(StateFiles.stateFile(dir), state, stateMeta);
        Safetensors.write(StateFiles.modelFile(dir), StateFiles.of(model, ""), meta);
    }

    /**
     * A stage's start: when resuming and the stage has a checkpoint, the model and optimizer restored from it,
     * its metrics past that step dropped (keeping the lines of the stages named), and a line saying so (of
     * total steps when total is known, else 0); otherwise step 0, noise position 0 and no state file.
     */
    static Resumed start(RunContext ctx, boolean resume, Path dir, String stage, Module model, AdamW optimizer,
                         List<String> keep, long total) {
        if (!resume || !Files.exists(StateFiles.stateFile(dir))) return new Resumed(0, 0, null);
        Resumed r = restore(dir, model, optimizer);
        ctx.dir().truncateMetrics(stage, r.step(), keep);
        ctx.out().printf(Locale.ROOT, "%s: resuming at step %d%s%n", stage, r.step(), total > 0 ? " of " + total : "");
        return r;
    }

    /** Loads the model and the optimizer from a stage's checkpoint; refuses one whose two files are at different steps. */
    static Resumed restore(Path dir, Module model, AdamW optimizer) {
        SafetensorsFile m = Safetensors.read(StateFiles.modelFile(dir)), s = Safetensors.read(StateFiles.stateFile(dir));
        long step = step(m), stateStep = step(s);
        if (step != stateStep) {
            throw new IllegalStateException(dir + ": model.safetensors is at step " + step + " but state.safetensors at step "
                    + stateStep + "; the run was interrupted while saving, so it cannot resume exactly");
        }
        StateFiles.load(m, model, "");
        optimizer.restore(Integer.parseInt(s.metadata().get("adam_step")), StateFiles.floats(s, optimizer.state()));
        return new Resumed(step, Long.parseLong(s.metadata().get("noise_counter")), s);
    }

    /**
     * Whether every parameter is finite: checked before each checkpoint, so that an update that blew
     * up never overwrites the last good one. One reduction per tensor and one value to the host.
     */
    static boolean finite(Module module) {
        try (MemoryScope s = MemoryScope.open()) {
            List<Tensor> probes = new ArrayList<>();
            // x * 0 is 0 for finite x and NaN for NaN and infinities
            for (Tensor p : module.parameters()) probes.add(p.mul(0f).sum().reshape(1));
            return Float.isFinite(Tensor.concat(probes, 0).sum().item());
        }
    }

    static long step(SafetensorsFile file) {
        String s = file.metadata().get("step");
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file.file() + ": its metadata has no step (" + s + "); it was not written by "
                    + "a training run of this engine");
        }
    }
}
