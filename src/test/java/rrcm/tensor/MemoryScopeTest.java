package rrcm.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import rrcm.backend.MemoryStats;
import rrcm.backend.cpu.CpuBackend;

/** Scopes release every temporary; parameters and their gradients survive; reuse makes steady state allocation-free. */
class MemoryScopeTest {
    /** A two-layer MLP step: the parameters live outside any scope. */
    private static float step(CpuBackend be, Tensor w1, Tensor w2, Tensor x, Tensor labels) {
        Tensor h = x.matmul(w1, false, true).gelu().layerNorm(null, null, 1e-5f);
        Tensor loss = Losses.crossEntropy(h.matmul(w2, false, true), labels);
        loss.backward();
        return loss.item();
    }

    @Test
    void aStepInsideAScopeReturnsMemoryToItsBaseline() {
        try (CpuBackend be = new CpuBackend(2)) {
            Tensor w1 = Tensor.of(be, rrcm.testing.Data.normal(1, 32 * 16), 32, 16).requiresGrad(true);
            Tensor w2 = Tensor.of(be, rrcm.testing.Data.normal(2, 10 * 32), 10, 32).requiresGrad(true);
            Tensor x = Tensor.of(be, rrcm.testing.Data.normal(3, 8 * 16), 8, 16);
            Tensor labels = Tensor.ofInts(be, rrcm.testing.Data.ints(4, 8, 10), 8);
            try (MemoryScope warm = MemoryScope.open()) {
                step(be, w1, w2, x, labels); // creates the gradients, outside the scope
            }
            MemoryStats baseline = be.memory();
            float first;
            try (MemoryScope s = MemoryScope.open()) {
                first = step(be, w1, w2, x, labels);
                assertTrue(be.memory().liveBytes() > baseline.liveBytes());
            }
            MemoryStats after = be.memory();
            assertEquals(baseline.liveBytes(), after.liveBytes(), "live bytes after the scope closed");
            long fresh = after.freshAllocations();
            try (MemoryScope s = MemoryScope.open()) {
                assertEquals(first, step(be, w1, w2, x, labels));
            }
            assertEquals(fresh, be.memory().freshAllocations(), "a repeated step reuses pooled buffers");
            assertEquals(baseline.liveBytes(), be.memory().liveBytes());
            assertNotNull(w1.grad());
            assertEquals(32 * 16, w1.grad().toFloatArray().length);
        }
    }

    @Test
    void aTensorUsedAfterItsScopeIsAnError() {
        Tensor t;
        try (MemoryScope s = MemoryScope.open()) {
            t = Tensor.ones(3);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toFloatArray);
        assertTrue(e.getMessage().contains("memory scope"), e.getMessage());
    }

    @Test
    void keepMovesATensorToTheEnclosingScope() {
        Tensor kept;
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope inner = MemoryScope.open()) {
                kept = inner.keep(Tensor.ones(2).mul(3f));
            }
            assertArrayEquals(new float[] {3, 3}, kept.toFloatArray());
            assertEquals(1, outer.size());
        }
        assertThrows(IllegalStateException.class, kept::toFloatArray);
    }

    @Test
    void scopesCloseInnermostFirst() {
        MemoryScope outer = MemoryScope.open();
        MemoryScope inner = MemoryScope.open();
        try {
            assertThrows(IllegalStateException.class, outer::close);
        } finally {
            inner.close();
            outer.close();
        }
    }
}
