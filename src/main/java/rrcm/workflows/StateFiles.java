package rrcm.workflows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import rrcm.io.HostArray;
import rrcm.io.SafetensorsFile;
import rrcm.nn.Module;
import rrcm.tensor.InPlace;
import rrcm.tensor.Tensor;

/** A module's state (parameters, buffers, counters) to and from safetensors entries, by PyTorch name. */
final class StateFiles {
    private StateFiles() {}

    /** Every tensor of the module's state under prefix + name; counters as int64 scalars, as PyTorch saves them. */
    static SequencedMap<String, HostArray> of(Module module, String prefix) {
        SequencedMap<String, HostArray> out = new LinkedHashMap<>();
        module.stateDict().forEach((name, t) -> out.put(prefix + name, HostArray.of(t.toFloatArray(), t.shape())));
        module.namedCounters().forEach((name, cell) -> out.put(prefix + name, HostArray.of(new long[] {cell[0]})));
        return out;
    }

    static SequencedMap<String, HostArray> of(Map<String, Tensor> tensors, String prefix) {
        SequencedMap<String, HostArray> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> out.put(prefix + name, HostArray.of(t.toFloatArray(), t.shape())));
        return out;
    }

    /**
     * Loads every tensor the module has from prefix + name; the file may hold more (a pre-training
     * checkpoint holds the projector the classifier lacks). A missing tensor or another shape is an
     * error that names the file.
     */
    static void load(SafetensorsFile file, Module module, String prefix) {
        for (Map.Entry<String, Tensor> e : module.stateDict().entrySet()) {
            Tensor t = e.getValue();
            InPlace.set(t, file.f32(prefix + e.getKey(), t.shape()).floats());
        }
        for (Map.Entry<String, long[]> e : module.namedCounters().entrySet()) {
            if (file.tensors().containsKey(prefix + e.getKey())) {
                HostArray a = file.i64(prefix + e.getKey());
                e.getValue()[0] = a.longs()[0];
            }
        }
    }

    /** The float tensors of the given names and shapes. */
    static Map<String, float[]> floats(SafetensorsFile file, Map<String, Tensor> like) {
        Map<String, float[]> out = new LinkedHashMap<>();
        like.forEach((n, t) -> out.put(n, file.f32(n, t.shape()).floats()));
        return out;
    }

    static Path modelFile(Path stageDir) {
        return stageDir.resolve("model.safetensors");
    }

    static Path stateFile(Path stageDir) {
        return stageDir.resolve("state.safetensors");
    }
}
