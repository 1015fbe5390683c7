package rrcm.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import rrcm.backend.Backend;
import rrcm.tensor.Tensor;

/**
 * A tree of named parameters and buffers, with PyTorch's dotted naming ("blocks.3.attn.qkv.weight"),
 * so that state dicts match PyTorch/timm checkpoints name for name. Parameters and buffers are
 * persistent tensors (outside every memory scope); modules never name a backend beyond the one they
 * were built on.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, long[]> counters = new LinkedHashMap<>();
    private boolean training = true;

    protected Tensor param(String name, Backend backend, float[] values, int... shape) {
        Tensor t = Tensor.persistent(backend, values, shape).requiresGrad(true);
        params.put(name, t);
        return t;
    }

    protected Tensor buffer(String name, Backend backend, float[] values, int... shape) {
        Tensor t = Tensor.persistent(backend, values, shape);
        buffers.put(name, t);
        return t;
    }

    /** A host-side count saved with the state (PyTorch's num_batches_tracked); a one-element cell. */
    protected long[] counter(String name) {
        long[] cell = new long[1];
        counters.put(name, cell);
        return cell;
    }

    /** Registers a child; an empty name merges its names into this module's (no prefix). */
    protected <M extends Module> M child(String name, M module) {
        children.put(name, module);
        return module;
    }

    /** Every parameter of this module and its children, in registration order, by dotted name. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true);
        return out;
    }

    /** Non-trainable state (running statistics), by dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false);
        return out;
    }

    /** Host-side counts by dotted name, each a one-element cell that loading writes into. */
    public Map<String, long[]> namedCounters() {
        Map<String, long[]> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> m.counters.forEach((k, v) -> out.put(prefix + k, v)));
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean parameters) {
        walk(prefix, (p, m) -> (parameters ? m.params : m.buffers).forEach((k, v) -> out.put(p + k, v)));
    }

    private void walk(String prefix, java.util.function.BiConsumer<String, Module> visit) {
        visit.accept(prefix, this);
        for (Map.Entry<String, Module> c : children.entrySet()) {
            c.getValue().walk(c.getKey().isEmpty() ? prefix : prefix + c.getKey() + ".", visit);
        }
    }

    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters and buffers together: what a checkpoint holds. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = namedParameters();
        out.putAll(namedBuffers());
        return out;
    }

    public void train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
    }

    public boolean training() {
        return training;
    }

    public void zeroGrad() {
        for (Tensor p : parameters()) p.zeroGrad();
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor p : parameters()) n += p.numel();
        return n;
    }
}
