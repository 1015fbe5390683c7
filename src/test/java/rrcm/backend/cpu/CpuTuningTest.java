package rrcm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** What CpuTuning chose, and that the forcing properties (the 128-bit run of the suite sets them) took hold. */
class CpuTuningTest {
    @Test
    void forcedPropertiesTakeHold() {
        String bits = System.getProperty("rrcm.vector.bits");
        int expected = bits == null ? FloatVector.SPECIES_PREFERRED.vectorBitSize() : Integer.parseInt(bits);
        assertEquals(expected, CpuTuning.FLOATS.vectorBitSize());
        assertEquals(expected, CpuTuning.LONGS.vectorBitSize());
        assertEquals(expected / 32, CpuTuning.LANES);
        String tile = System.getProperty("rrcm.gemm.tile");
        if (tile != null) assertEquals(tile, CpuGemm.MR + "x" + CpuGemm.NR / CpuTuning.LANES);
        String att = System.getProperty("rrcm.attention.tile");
        if (att != null) assertEquals(att, CpuTuning.ATTENTION_ROWS + "x" + CpuTuning.ATTENTION_NV);
    }

    @Test
    void tilesFitTheRegisterFile() {
        // the default tile's sums, B vectors and at least one broadcast fit the registers
        if (System.getProperty("rrcm.gemm.tile") == null) {
            assertTrue(CpuGemm.MR * CpuTuning.GEMM_NV + CpuTuning.GEMM_NV + 1 <= CpuTuning.REGISTERS,
                    CpuTuning.describe().toString());
        }
        if (System.getProperty("rrcm.attention.tile") == null) {
            assertTrue(CpuTuning.ATTENTION_ROWS * CpuTuning.ATTENTION_NV + CpuTuning.ATTENTION_NV + 1 <= CpuTuning.REGISTERS,
                    CpuTuning.describe().toString());
        }
        assertTrue(CpuGemm.MC % CpuGemm.MR == 0 && CpuGemm.NC % CpuGemm.NR == 0, "blocks are whole tiles");
        assertTrue(CpuTuning.L1D >= 4096 && CpuTuning.L2 >= CpuTuning.L1D);
    }

    @Test
    void describesEveryChoiceWithItsReason() {
        List<String> lines = CpuTuning.describe();
        for (String what : List.of("vector width", "vector registers", "caches", "gemm tile", "gemm blocks",
                "gemm without packing", "attention tile")) {
            assertTrue(lines.stream().anyMatch(l -> l.contains(what)), what + " missing from " + lines);
        }
        assertTrue(CpuTuning.summary().contains(CpuTuning.LANES + " float lanes"), CpuTuning.summary());
    }
}
