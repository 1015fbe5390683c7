package rrcm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import rrcm.tensor.Tensor;
import rrcm.testing.Data;

/** InfoNCE and the consistency-regularization loss against the formulas evaluated by hand in double. */
class LossesOfTheMethodTest {
    @Test
    void infoNceOnATinyBatch() {
        float[] q = {1, 0, 0.5f, 0.5f, -1, 2}, k = {0.8f, 0.1f, 0, 1, -0.5f, 1.5f};
        int b = 3, c = 2;
        double tau = 0.2, expected = 0;
        for (int i = 0; i < b; i++) {
            double[] logits = new double[b];
            for (int j = 0; j < b; j++) {
                double dot = 0, nq = 0, nk = 0;
                for (int x = 0; x < c; x++) {
                    dot += q[i * c + x] * k[j * c + x];
                    nq += q[i * c + x] * q[i * c + x];
                    nk += k[j * c + x] * k[j * c + x];
                }
                logits[j] = dot / Math.sqrt(nq) / Math.sqrt(nk) / tau;
            }
            double lse = 0;
            for (double l : logits) lse += Math.exp(l);
            expected += Math.log(lse) - logits[i];
        }
        expected /= b;
        Tensor loss = InfoNCE.loss(Tensor.of(q, b, c), Tensor.of(k, b, c), 0.2f);
        assertEquals(expected, loss.item(), 2e-6);
    }

    @Test
    void infoNceGradientReachesQueriesOnly() {
        Tensor q = Tensor.of(Data.normal(1, 12), 4, 3).requiresGrad(true);
        Tensor k = Tensor.of(Data.normal(2, 12), 4, 3);
        InfoNCE.loss(q, k, 0.2f).backward();
        assertEquals(12, q.grad().numel());
    }

    @Test
    void consistencyRegularizationOnTwoCopies() {
        int m = 2, b = 2, c = 3;
        float[] logits = Data.normal(3, m * b * c);
        int[] labels = {2, 0};
        float lambda = 10, eta = 0.5f;
        double ce = 0, kl = 0, ent = 0;
        double[][][] p = new double[m][b][c];
        for (int i = 0; i < m; i++) {
            for (int r = 0; r < b; r++) {
                double z = 0;
                for (int x = 0; x < c; x++) z += Math.exp(logits[(i * b + r) * c + x]);
                for (int x = 0; x < c; x++) p[i][r][x] = Math.exp(logits[(i * b + r) * c + x]) / z;
                ce -= Math.log(p[i][r][labels[r]]);
            }
        }
        ce /= m * b;
        for (int r = 0; r < b; r++) {
            double[] mean = new double[c];
            for (int i = 0; i < m; i++) for (int x = 0; x < c; x++) mean[x] += p[i][r][x] / m;
            for (int i = 0; i < m; i++) for (int x = 0; x < c; x++) kl += mean[x] * (Math.log(mean[x]) - Math.log(p[i][r][x])) / m;
            for (int x = 0; x < c; x++) ent -= mean[x] * Math.log(Math.max(mean[x], 1e-20));
        }
        kl /= b;
        ent /= b;
        ConsistencyRegularization.Terms t = ConsistencyRegularization.loss(Tensor.of(logits, m * b, c), labels, m, lambda, eta);
        assertEquals(ce, t.crossEntropy().item(), 1e-6);
        assertEquals(kl, t.kl().item(), 1e-6);
        assertEquals(ent, t.entropy().item(), 1e-6);
        assertEquals(ce + lambda * kl + eta * ent, t.total().item(), 1e-5);
    }
}
