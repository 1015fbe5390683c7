package rrcm.nn;

import rrcm.backend.Backend;
import rrcm.tensor.Normalization;
import rrcm.tensor.Tensor;

/**
 * BatchNorm1d over (n, c): batch statistics in training (updating running_mean and running_var with
 * momentum 0.1, as PyTorch), running statistics in evaluation. num_batches_tracked is counted on the
 * host and saved with the checkpoint, as PyTorch keeps it.
 */
public final class BatchNorm1d extends Module {
    public final Tensor weight;
    public final Tensor bias;
    public final Tensor runningMean;
    public final Tensor runningVar;
    private final long[] batchesTracked;
    private final float eps;
    private final float momentum;

    public BatchNorm1d(Backend be, int dim) {
        this.weight = param("weight", be, Init.constant(1f, dim), dim);
        this.bias = param("bias", be, new float[dim], dim);
        this.runningMean = buffer("running_mean", be, new float[dim], dim);
        this.runningVar = buffer("running_var", be, Init.constant(1f, dim), dim);
        this.batchesTracked = counter("num_batches_tracked");
        this.eps = 1e-5f;
        this.momentum = 0.1f;
    }

    public Tensor forward(Tensor x) {
        if (training()) batchesTracked[0]++;
        return Normalization.batchNorm1d(x, weight, bias, runningMean, runningVar, training(), momentum, eps);
    }

    public long batchesTracked() {
        return batchesTracked[0];
    }
}
