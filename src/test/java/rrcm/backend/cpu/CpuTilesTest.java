package rrcm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import rrcm.testing.Data;

/** The in-place register tiles of attention and of small products. */
class CpuTilesTest {
    /**
     * Every register tile (whichever this machine uses) computes each element of C += A B as one chain of
     * FMAs over the depth in order, from C: the same bits as Math.fma step by step, with A read by rows or
     * by columns and any number of rows (the last row repeated to fill a tile) and vectors.
     */
    @Test
    void everyTileIsTheOrderedFmaChain() {
        int l = CpuTuning.LANES, depth = 9;
        for (String tile : CpuTuning.ATTENTION_TILES) {
            int tileRows = Integer.parseInt(tile.substring(0, tile.indexOf('x')));
            boolean wide = tile.endsWith("x4");
            for (int rows = 1; rows <= 13; rows++) {
                for (int cols : new int[] {l, 2 * l, 3 * l, 5 * l}) {
                    for (boolean byColumns : new boolean[] {false, true}) {
                        int aRow = byColumns ? 1 : depth, aCol = byColumns ? rows : 1, ldc = cols + l;
                        float[] a = Data.uniform(rows * 100 + cols, rows * depth + 2, -1, 1);
                        float[] b = Data.uniform(7, depth * cols + 3, -1, 1);
                        float[] c = Data.uniform(8, rows * ldc + 1, -1, 1), expected = c.clone();
                        for (int r = 0; r < rows; r++) {
                            for (int j = 0; j < cols; j++) {
                                float acc = c[1 + r * ldc + j];
                                for (int p = 0; p < depth; p++) {
                                    acc = Math.fma(a[2 + r * aRow + p * aCol], b[3 + p * cols + j], acc);
                                }
                                expected[1 + r * ldc + j] = acc;
                            }
                        }
                        CpuTiles.multiplyAdd(tileRows, wide, a, 2, aRow, aCol, b, 3, cols, c, 1, ldc, rows, cols, depth);
                        assertArrayEquals(expected, c,
                                "tile " + tile + ", " + rows + " x " + cols + (byColumns ? ", A by columns" : ""));
                    }
                }
            }
        }
    }
}
