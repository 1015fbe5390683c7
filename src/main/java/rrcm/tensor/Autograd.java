package rrcm.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tape. Define-by-run: every op on tensors that require gradients records a {@link Node} on its
 * output; {@link #backward} walks the nodes in reverse topological order and accumulates gradients
 * into the leaves. Backward functions are written with tensor ops and run with recording off.
 */
public final class Autograd {
    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {}

    /** The gradients of an op's inputs, given the gradient of its output; null where not needed. */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    /** One recorded op: its name (for messages), its inputs, and how to push a gradient through it. */
    static final class Node {
        final String op;
        private Tensor[] inputs;
        private Backward backward;

        Node(String op, Tensor[] inputs, Backward backward) {
            this.op = op;
            this.inputs = inputs;
            this.backward = backward;
        }

        Tensor[] inputs() {
            if (inputs == null) throw freed();
            return inputs;
        }

        private IllegalStateException freed() {
            return new IllegalStateException(op + ": backward through a graph that was already freed by an "
                    + "earlier backward; pass retainGraph = true to that backward to run it twice");
        }

        Tensor[] run(Tensor g) {
            if (backward == null) throw freed();
            return backward.apply(g);
        }

        void free() {
            inputs = null;
            backward = null;
        }
    }

    /** While open, ops record nothing: targets, evaluation, optimizer updates. Nests. */
    public static final class NoGrad implements AutoCloseable {
        private boolean closed;

        private NoGrad() {
            DISABLED.get()[0]++;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                DISABLED.get()[0]--;
            }
        }
    }

    public static NoGrad noGrad() {
        return new NoGrad();
    }

    public static boolean enabled() {
        return DISABLED.get()[0] == 0;
    }

    /** Attaches a node to out when recording is on and some input requires a gradient. */
    static Tensor record(String op, Tensor out, Backward backward, Tensor... inputs) {
        if (!enabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) any |= t != null && t.requiresGrad();
        if (!any) return out;
        out.attach(new Node(op, inputs, backward));
        return out;
    }

    static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor does not require a gradient (no input of the "
                    + "ops that made it has requiresGrad, or it was made under noGrad)");
        }
        if (gradient == null) {
            if (root.numel() != 1) {
                throw new IllegalArgumentException("backward: the tensor has shape " + Shape.str(root.shape())
                        + "; backward without an explicit gradient needs a single-element tensor");
            }
            try (NoGrad ignored = noGrad()) {
                gradient = Tensor.onesLike(root);
            }
        } else if (!Shape.same(gradient.shape(), root.shape())) {
            throw new IllegalArgumentException("backward: gradient of shape " + Shape.str(gradient.shape())
                    + " for a tensor of shape " + Shape.str(root.shape()));
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, gradient);
        try (NoGrad ignored = noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                Node node = t.gradFn();
                if (node == null) {
                    t.accumulateGrad(g);
                    continue;
                }
                Tensor[] inputs = node.inputs();
                Tensor[] gs = node.run(g);
                for (int k = 0; k < inputs.length; k++) {
                    Tensor in = inputs[k];
                    if (in == null || !in.requiresGrad() || gs[k] == null) continue;
                    if (!Shape.same(gs[k].shape(), in.shape())) {
                        throw new IllegalStateException(node.op + ": gradient for input " + k + " has shape "
                                + Shape.str(gs[k].shape()) + ", the input has shape " + Shape.str(in.shape()));
                    }
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? gs[k] : prev.add(gs[k]));
                }
                if (!retainGraph) node.free();
            }
        }
    }

    /** Tensors reachable from root through recorded nodes, every input before the tensors made from it. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>(); // {tensor, next input index}
        stack.push(new Object[] {root, 0});
        seen.add(root);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Tensor t = (Tensor) top[0];
            Node node = t.gradFn();
            Tensor[] inputs = node == null ? new Tensor[0] : node.inputs();
            int next = (Integer) top[1];
            while (next < inputs.length && (inputs[next] == null || !inputs[next].requiresGrad()
                    || seen.contains(inputs[next]))) {
                next++;
            }
            if (next < inputs.length) {
                top[1] = next + 1;
                seen.add(inputs[next]);
                stack.push(new Object[] {inputs[next], 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
