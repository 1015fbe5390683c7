package rrcm.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The row-major product handed to a column-major BLAS: for every transposition, with batches, padded
 * strides, alpha and beta, the call's own meaning (ColumnMajorGemm.reference, column-major indexing as
 * cuBLAS defines it) equals the row-major product computed directly.
 */
class ColumnMajorGemmTest {
    @Test
    void theColumnMajorCallComputesTheRowMajorProduct() {
        SplittableRandom r = new SplittableRandom(7);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int[] mnk : new int[][] {{1, 1, 1}, {3, 5, 7}, {8, 2, 9}, {17, 13, 4}}) {
                    int m = mnk[0], n = mnk[1], k = mnk[2], batch = 3;
                    long sa = m * k + 5, sb = k * n + 3, sc = m * n + 2; // padded: each operand starts past the last
                    float[] a = random(r, (int) (sa * batch)), b = random(r, (int) (sb * batch)), c = random(r, (int) (sc * batch));
                    float alpha = 0.75f, beta = -0.5f;
                    float[] want = c.clone();
                    for (int bt = 0; bt < batch; bt++) {
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double sum = 0;
                                for (int p = 0; p < k; p++) {
                                    float x = ta ? a[(int) (bt * sa + p * m + i)] : a[(int) (bt * sa + i * k + p)];
                                    float y = tb ? b[(int) (bt * sb + j * k + p)] : b[(int) (bt * sb + p * n + j)];
                                    sum += (double) x * y;
                                }
                                int at = (int) (bt * sc + i * n + j);
                                want[at] = (float) (alpha * sum + beta * (double) c[at]);
                            }
                        }
                    }
                    float[] got = c.clone();
                    ColumnMajorGemm.of(ta, tb, m, n, k).reference(alpha, b, sb, a, sa, beta, got, sc, batch);
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(want[i], got[i], 1e-5f, "transA " + ta + ", transB " + tb + ", " + m + "x" + n + "x" + k
                                + ", element " + i);
                    }
                }
            }
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * r.nextDouble() - 1);
        return x;
    }
}
