package rrcm.backend.cpu;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the CPU kernels are shaped for on this machine, decided once when the class loads: the vector
 * width, the vector registers the JIT can allocate, the cache sizes, and from them the register tiles
 * and cache blocks of GEMM and attention. {@code info} prints {@link #describe()}.
 *
 * <p>Why per machine: a register tile that needs more vector registers than the ISA has is spilled by
 * C2, and one spilled accumulator puts a store and a reload into an FMA chain. The AVX-512 GEMM tile
 * (6 rows x 2 vectors: 12 sums, 2 B vectors and the broadcasts) needs 17 registers as C2 schedules it;
 * on AVX2's 16 it kept one sum on the stack and ran at 60% of the FMA peak. So the tiles are chosen
 * from the register count, and the blocks from L1 and L2. None of these choices changes a result: every
 * GEMM and attention output element is one chain of FMAs over its depth in ascending order whatever
 * the tile or block (see CpuGemm and CpuAttention), so results are the same bits on every tile and
 * thread count. What the vector width does change is the lane order of reductions (CpuMath's sums),
 * so results may differ in the last bits between machines of different widths, never between runs.
 *
 * <p>Each choice can be forced for measurement with a system property (-D after java): {@code
 * rrcm.vector.bits} (128, 256 or 512: the species every CPU kernel uses), {@code rrcm.gemm.tile}
 * (rows x vectors, one of {@link #GEMM_TILES}), {@code rrcm.gemm.kc}, {@code rrcm.gemm.mc},
 * {@code rrcm.gemm.nc}, {@code rrcm.gemm.direct} (0: every product packed), {@code rrcm.attention.tile}
 * (rows x vectors, one of {@link #ATTENTION_TILES}).
 */
public final class CpuTuning {
    /** The float species of every CPU kernel. */
    public static final VectorSpecies<Float> FLOATS;
    /** The long species of the same width (Philox lanes). */
    public static final VectorSpecies<Long> LONGS;
    /** Float lanes per vector. */
    public static final int LANES;
    /** Vector registers C2 allocates from: 32 with AVX-512 or on AArch64, 16 with AVX2/AVX. */
    public static final int REGISTERS;
    /** Per-core data caches in bytes, as the OS reports them (defaults where it does not). */
    public static final long L1D, L2;

    /** The GEMM register tiles there are kernels for, rows x vectors of C (6 x 2: the earlier tile, kept to compare). */
    public static final List<String> GEMM_TILES = List.of("12x2", "12x1", "6x2");
    /** GEMM tile rows (MR) and vectors (NR = GEMM_NV lanes) and the cache blocks KC, MC, NC. */
    public static final int GEMM_MR, GEMM_NV, GEMM_KC, GEMM_MC, GEMM_NC;
    /** The largest K x N (floats of B) for which a product run on one thread skips packing (CpuSmallGemm). */
    public static final int GEMM_DIRECT;
    /** The attention register tiles there are kernels for, rows x vectors. */
    public static final List<String> ATTENTION_TILES = List.of("4x4", "6x4", "6x2", "4x2");
    /** Rows and vectors per row of attention's register tile. */
    public static final int ATTENTION_ROWS, ATTENTION_NV;

    private static final List<String> WHY = new ArrayList<>();

    static {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int bits = intProperty("rrcm.vector.bits", preferred);
        if (bits != 128 && bits != 256 && bits != 512 || bits > Math.max(preferred, 128)) {
            throw new IllegalArgumentException("-Drrcm.vector.bits must be 128, 256 or 512 and at most this JVM's "
                    + preferred + " bits, got " + bits);
        }
        FLOATS = FloatVector.SPECIES_PREFERRED.vectorBitSize() == bits ? FloatVector.SPECIES_PREFERRED
                : FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(bits));
        LONGS = LongVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(bits));
        LANES = FLOATS.length();
        WHY.add(bits == preferred ? "vector width " + bits + " bits: the JVM's preferred species"
                : "vector width " + bits + " bits: forced by -Drrcm.vector.bits (the JVM prefers " + preferred + ")");

        String arch = System.getProperty("os.arch", "");
        int useAvx = hotspotUseAvx();
        boolean wide = arch.equals("aarch64") || useAvx >= 3 || (useAvx < 0 && preferred >= 512);
        REGISTERS = wide ? 32 : 16;
        WHY.add(REGISTERS + " vector registers: " + (arch.equals("aarch64") ? "AArch64"
                : useAvx >= 0 ? "HotSpot's UseAVX=" + useAvx + (wide ? " (AVX-512)" : "") : "from the preferred width"));

        long l1 = cacheBytes(1), l2 = cacheBytes(2);
        L1D = l1 > 0 ? l1 : 32 << 10;
        L2 = l2 > 0 ? l2 : 1 << 20;
        WHY.add("caches per core: L1d " + (L1D >> 10) + " KiB, L2 " + (L2 >> 10) + " KiB"
                + (l1 > 0 && l2 > 0 ? " (from /sys/devices/system/cpu)" : " (not reported by the OS: assumed)"));

        // GEMM register tile: as many sums as the registers hold beside the B vectors and the broadcasts
        // C2 keeps in flight. 32 registers: 12 x 2 vectors (24 sums, half the loads per FMA of 6 x 2).
        // 16 registers: 12 x 1 vector (12 sums, one B vector, up to three broadcasts: 16, no spill). The
        // measurements behind both are in benchmarks/RESULTS.md (GemmKernelBench).
        String tile = System.getProperty("rrcm.gemm.tile", REGISTERS >= 32 ? "12x2" : "12x1").trim();
        if (!GEMM_TILES.contains(tile)) {
            throw new IllegalArgumentException("-Drrcm.gemm.tile must be one of " + GEMM_TILES + ", got '" + tile + "'");
        }
        GEMM_MR = Integer.parseInt(tile.substring(0, tile.indexOf('x')));
        GEMM_NV = Integer.parseInt(tile.substring(tile.indexOf('x') + 1));
        WHY.add("gemm tile " + GEMM_MR + " x " + GEMM_NV * LANES + " (" + GEMM_MR * GEMM_NV + " sums in "
                + REGISTERS + " registers)" + (System.getProperty("rrcm.gemm.tile") != null ? ", forced" : ""));

        // Cache blocks. KC is long: each pass over K reloads C's tiles, which miss the caches, while the
        // packed panels stream from L2 (so no block is sized to L1, which info reports for the record);
        // the A block (MC x KC) takes at most half of L2, the rest holds the B sliver and C's lines; the
        // shared B panel (KC x NC) lives in L3.
        int kc = intProperty("rrcm.gemm.kc", 768);
        int nr = GEMM_NV * LANES;
        int mcMax = (int) Math.max(GEMM_MR, L2 / 2 / (4L * kc) / GEMM_MR * GEMM_MR);
        int mc = intProperty("rrcm.gemm.mc", Math.min(192 / GEMM_MR * GEMM_MR, mcMax));
        int nc = intProperty("rrcm.gemm.nc", Math.max(nr, 3072 / nr * nr));
        if (kc < 1 || mc < GEMM_MR || nc < nr) {
            throw new IllegalArgumentException("-Drrcm.gemm.kc/mc/nc too small: " + kc + ", " + mc + ", " + nc);
        }
        GEMM_KC = kc;
        GEMM_MC = mc;
        GEMM_NC = nc;
        WHY.add("gemm blocks KC " + kc + ", MC " + mc + " (A block " + (4L * kc * mc >> 10) + " KiB of L2), NC " + nc);

        // Small products (a batch's, one per thread) are read in place: packing them costs a third of
        // their multiply-adds. B up to 32 Ki floats (128 KiB, within L2), K within one KC block.
        GEMM_DIRECT = intProperty("rrcm.gemm.direct", 32 << 10);
        if (GEMM_DIRECT < 0) throw new IllegalArgumentException("-Drrcm.gemm.direct must be >= 0, got " + GEMM_DIRECT);
        WHY.add("gemm without packing for one-thread products with K x N <= " + GEMM_DIRECT + " (2 x " + 4 * LANES
                + " tiles)" + (GEMM_DIRECT == 0 ? ": off" : ""));

        // Attention's products are small (T x T x dh per head) and read B in place. Six rows: 66 and 18
        // tokens fill whole tiles, and 16 registers hold 6 x 2 (12 sums, 2 B vectors, a broadcast) where
        // 4 x 2's 8 sums left the FMA units waiting (AVX2 forward + backward 25% faster); 32 registers
        // take 6 x 4 (24 sums). benchmarks/RESULTS.md has the measurements.
        String att = System.getProperty("rrcm.attention.tile", REGISTERS >= 32 ? "6x4" : "6x2").trim();
        if (!ATTENTION_TILES.contains(att)) {
            throw new IllegalArgumentException("-Drrcm.attention.tile must be one of " + ATTENTION_TILES + ", got '" + att
                    + "'");
        }
        ATTENTION_ROWS = Integer.parseInt(att.substring(0, att.indexOf('x')));
        ATTENTION_NV = Integer.parseInt(att.substring(att.indexOf('x') + 1));
        WHY.add("attention tile " + ATTENTION_ROWS + " x " + ATTENTION_NV * LANES + " (" + ATTENTION_ROWS * ATTENTION_NV
                + " sums)" + (System.getProperty("rrcm.attention.tile") != null ? ", forced" : ""));
    }

    private CpuTuning() {}

    /** One line per choice, with its reason. */
    public static List<String> describe() {
        return List.copyOf(WHY);
    }

    /** The short form for a backend's one-line description. */
    public static String summary() {
        return String.format(Locale.ROOT, "Vector API %d-bit (%d float lanes, %d registers), gemm %dx%d",
                FLOATS.vectorBitSize(), LANES, REGISTERS, GEMM_MR, GEMM_NV * LANES);
    }

    /** The processor's model name and widest x86 vector extension, as /proc/cpuinfo gives them, or os.arch. */
    public static String cpuModel() {
        String arch = System.getProperty("os.arch", "?");
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = null, isa = null;
            for (String l : lines) {
                if (model == null && l.startsWith("model name")) model = l.substring(l.indexOf(':') + 1).trim();
                if (isa == null && l.startsWith("flags")) {
                    List<String> flags = List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"));
                    isa = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2"
                            : flags.contains("avx") ? "AVX" : "SSE";
                }
            }
            return (model == null ? arch : model) + (isa == null ? "" : ", " + isa);
        } catch (IOException | RuntimeException e) {
            return arch;
        }
    }

    private static int intProperty(String name, int fallback) {
        String v = System.getProperty(name);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be an integer, got '" + v + "'");
        }
    }

    /** HotSpot's UseAVX (0 to 3) on x86, or -1 where it cannot be read (another JVM, another CPU). */
    private static int hotspotUseAvx() {
        try {
            return Integer.parseInt(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseAVX").getValue());
        } catch (RuntimeException | LinkageError e) {
            return -1; // no such option off x86, or no jdk.management in this runtime
        }
    }

    /** The size of cpu0's level-n data (or unified) cache, or 0 where the OS does not say. */
    private static long cacheBytes(int level) {
        Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
        for (int i = 0; i < 8; i++) {
            Path index = dir.resolve("index" + i);
            try {
                if (!Files.isDirectory(index)) break;
                if (Integer.parseInt(Files.readString(index.resolve("level")).trim()) != level) continue;
                if (Files.readString(index.resolve("type")).trim().equals("Instruction")) continue;
                String size = Files.readString(index.resolve("size")).trim().toUpperCase(Locale.ROOT);
                long unit = size.endsWith("K") ? 1 << 10 : size.endsWith("M") ? 1 << 20 : 1;
                return Long.parseLong(size.replaceAll("[KM]$", "")) * unit;
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
        return 0;
    }
}
