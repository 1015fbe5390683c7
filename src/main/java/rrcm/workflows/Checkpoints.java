package rrcm.workflows;

import java.util.ArrayList;
import java.util.List;
import rrcm.io.CheckpointException;
import rrcm.io.SafetensorsFile;
import rrcm.nn.Module;
import rrcm.tensor.MemoryScope;
import rrcm.tensor.Tensor;

/** Reading the metadata this engine writes into its checkpoints. */
final class Checkpoints {
    private Checkpoints() {}

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
