package rrcm.backend.cpu;

import static rrcm.backend.BoxMuller.C10;
import static rrcm.backend.BoxMuller.C2;
import static rrcm.backend.BoxMuller.C4;
import static rrcm.backend.BoxMuller.C6;
import static rrcm.backend.BoxMuller.C8;
import static rrcm.backend.BoxMuller.L11;
import static rrcm.backend.BoxMuller.L3;
import static rrcm.backend.BoxMuller.L5;
import static rrcm.backend.BoxMuller.L7;
import static rrcm.backend.BoxMuller.L9;
import static rrcm.backend.BoxMuller.LN2_HI;
import static rrcm.backend.BoxMuller.LN2_LO;
import static rrcm.backend.BoxMuller.S3;
import static rrcm.backend.BoxMuller.S5;
import static rrcm.backend.BoxMuller.S7;
import static rrcm.backend.BoxMuller.S9;
import static rrcm.backend.BoxMuller.SQRT2;
import static rrcm.backend.BoxMuller.TWO_PI;
import static rrcm.backend.BoxMuller.TWO_POW_M24;
import static rrcm.backend.BoxMuller.TWO_POW_M41;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import rrcm.backend.BoxMuller;

/**
 * {@link rrcm.backend.Philox} and {@link rrcm.backend.BoxMuller} on {@link #BLOCKS} consecutive blocks at
 * once, one block per vector lane: the same operations in the same order, each correctly rounded, so the
 * same bits as the scalar code (a test compares them over every branch). A lane of a LongVector holds a
 * 32-bit Philox word, so that the 32 x 32 -> 64-bit products of a round are plain 64-bit multiplies;
 * the words then narrow to int lanes and the Box-Muller steps run on float lanes of the same count.
 *
 * <p>One call fills {@code 4 * BLOCKS} floats in the engine's layout (element 4 b + w of the run is word w
 * of block b, normals from the word pairs (0, 1) and (2, 3), cosine branch first): the lanes are scattered
 * to every fourth float (benchmarks/RESULTS.md compares it with the scalar code and with two ways of
 * interleaving without the scatter, both slower). Stateless: any thread may call it.
 */
final class PhiloxLanes {
    private PhiloxLanes() {}

    private static final VectorSpecies<Long> L = CpuTuning.LONGS;
    /** Blocks per call: the lanes of a preferred LongVector (8 with AVX-512, 4 with AVX2). */
    static final int BLOCKS = L.length();
    private static final VectorShape HALF = VectorShape.forBitSize(L.vectorBitSize() / 2);
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, HALF);
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, HALF);
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, L.vectorShape());
    private static final double TWO_POW_32 = 0x1p32;
    private static final long M0 = 0xD2511F53L, M1 = 0xCD9E8D57L, LOW32 = 0xFFFF_FFFFL;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    private static final LongVector IOTA = LongVector.zero(L).addIndex(1);
    /** Where lane j of word pair p's cosine (2p) and sine (2p + 1) normals go in the output run. */
    private static final int[] SCATTER = new int[BLOCKS];

    static {
        for (int j = 0; j < BLOCKS; j++) SCATTER[j] = 4 * j;
    }

    /**
     * The Philox blocks counter .. counter + BLOCKS - 1 of (seed, stream): lane j of word w is word w of
     * block counter + j (the 64-bit counter carries into its high word per lane). A fresh array, which
     * escape analysis removes once this is inlined (a field would keep the vectors boxed).
     */
    private static IntVector[] blocks(long seed, long stream, long counter) {
        LongVector ctr = IOTA.add(counter);
        LongVector c0 = ctr.and(LOW32), c1 = ctr.lanewise(VectorOperators.LSHR, 32);
        LongVector c2 = LongVector.broadcast(L, stream & LOW32), c3 = LongVector.broadcast(L, stream >>> 32);
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            LongVector p0 = c0.mul(M0), p1 = c2.mul(M1);
            LongVector n0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1)
                    .lanewise(VectorOperators.XOR, k0 & LOW32);
            LongVector n2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3)
                    .lanewise(VectorOperators.XOR, k1 & LOW32);
            c1 = p1.and(LOW32);
            c3 = p0.and(LOW32);
            c0 = n0;
            c2 = n2;
            k0 += W0;
            k1 += W1;
        }
        return new IntVector[] {(IntVector) c0.convertShape(VectorOperators.L2I, I, 0),
            (IntVector) c1.convertShape(VectorOperators.L2I, I, 0), (IntVector) c2.convertShape(VectorOperators.L2I, I, 0),
            (IntVector) c3.convertShape(VectorOperators.L2I, I, 0)};
    }

    /** Standard normals of blocks counter .. counter + BLOCKS - 1 into out[at .. at + 4 BLOCKS). */
    static void normals(long seed, long stream, long counter, float[] out, int at) {
        IntVector[] words = blocks(seed, stream, counter);
        pair(radiusUniform(words[0], words[1], seed, stream, counter, 0), words[1], out, at);
        pair(radiusUniform(words[2], words[3], seed, stream, counter, 1), words[3], out, at + 2);
    }

    /** Uniforms in [0, 1) of blocks counter .. counter + BLOCKS - 1 into out[at .. at + 4 BLOCKS). */
    static void uniforms(long seed, long stream, long counter, float[] out, int at) {
        IntVector[] words = blocks(seed, stream, counter);
        for (int w = 0; w < 4; w++) {
            FloatVector u = ((FloatVector) words[w].lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.I2F, 0))
                    .mul(TWO_POW_M24);
            u.intoArray(out, at + w, SCATTER, 0);
        }
    }

    /**
     * BoxMuller.radiusUniform on lanes: (2X + 1) / 2^41, X = a 2^8 + (b & 0xFF), made exactly in double
     * lanes and rounded once to float; a lane whose 40 bits are all zero (once in 2^40) takes its fallback
     * word from the scalar code (lane j is block counter + j, pair p).
     */
    static FloatVector radiusUniform(IntVector a, IntVector b, long seed, long stream, long counter, int p) {
        DoubleVector hi = (DoubleVector) a.convertShape(VectorOperators.I2D, D, 0);
        hi = hi.add(TWO_POW_32, hi.compare(VectorOperators.LT, 0)); // a as an unsigned word
        DoubleVector lo = (DoubleVector) b.and(0xFF).lanewise(VectorOperators.LSHL, 1).add(1)
                .convertShape(VectorOperators.I2D, D, 0);
        FloatVector u = ((FloatVector) hi.mul(512.0).add(lo).convertShape(VectorOperators.D2F, F, 0)).mul(TWO_POW_M41);
        VectorMask<Integer> rare = a.compare(VectorOperators.EQ, 0).and(b.and(0xFF).compare(VectorOperators.EQ, 0));
        if (!rare.anyTrue()) return u;
        float[] lanes = u.toArray();
        int[] as = a.toArray(), bs = b.toArray();
        for (int j = 0; j < lanes.length; j++) {
            if (rare.laneIsSet(j)) {
                lanes[j] = BoxMuller.radiusUniform(as[j], bs[j], BoxMuller.fallbackWord(seed, stream, counter + j, p));
            }
        }
        return FloatVector.fromArray(F, lanes, 0);
    }

    /**
     * BoxMuller.normals on lanes, from the radius's uniforms u (see {@link #radiusUniform}) and the angle words
     * b: the normals to out[at + 4 j] (cosine) and out[at + 4 j + 1] (sine).
     */
    static void pair(FloatVector u, IntVector b, float[] out, int at) {
        FloatVector r = logUnit(u).mul(-2f).lanewise(VectorOperators.SQRT);
        IntVector n = b.lanewise(VectorOperators.LSHR, 8);
        IntVector q = n.add(1 << 21).lanewise(VectorOperators.LSHR, 22);
        IntVector rem = n.sub(q.lanewise(VectorOperators.LSHL, 22));
        FloatVector x = ((FloatVector) rem.convert(VectorOperators.I2F, 0)).mul(TWO_POW_M24).mul(TWO_PI);
        FloatVector x2 = x.mul(x);
        FloatVector sin = x.mul(mad(x2, mad(x2, mad(x2, x2.fma(S9, S7), S5), S3), 1f));
        FloatVector cos = mad(x2, mad(x2, mad(x2, mad(x2, x2.fma(C10, C8), C6), C4), C2), 1f);
        IntVector quadrant = q.and(3);
        VectorMask<Float> odd = quadrant.and(1).compare(VectorOperators.NE, 0).cast(F);
        VectorMask<Float> negC = quadrant.compare(VectorOperators.EQ, 1).or(quadrant.compare(VectorOperators.EQ, 2)).cast(F);
        VectorMask<Float> negS = quadrant.compare(VectorOperators.GE, 2).cast(F);
        // quadrant 0: (cos, sin); 1: (-sin, cos); 2: (-cos, -sin); 3: (sin, -cos)
        FloatVector c = cos.blend(sin, odd), s = sin.blend(cos, odd);
        c = c.blend(c.neg(), negC);
        s = s.blend(s.neg(), negS);
        r.mul(c).intoArray(out, at, SCATTER, 0);
        r.mul(s).intoArray(out, at + 1, SCATTER, 0);
    }

    /** BoxMuller.logUnit on lanes: ln u for u in (0, 1]. */
    private static FloatVector logUnit(FloatVector u) {
        IntVector bits = (IntVector) u.viewAsIntegralLanes();
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).and(0xFF).sub(127);
        FloatVector m = (FloatVector) bits.and(0x007F_FFFF).or(0x3F80_0000).viewAsFloatingLanes();
        VectorMask<Float> big = m.compare(VectorOperators.GT, SQRT2);
        m = m.blend(m.mul(0.5f), big);
        e = e.blend(e.add(1), big.cast(I));
        FloatVector f = m.sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector poly = mad(z, mad(z, mad(z, mad(z, z.fma(L11, L9), L7), L5), L3), 2f);
        FloatVector lnM = s.mul(poly);
        FloatVector ef = (FloatVector) e.convert(VectorOperators.I2F, 0);
        return ef.fma(FloatVector.broadcast(F, LN2_HI), ef.fma(FloatVector.broadcast(F, LN2_LO), lnM));
    }

    /** a * b + c rounded once, as Math.fma. */
    private static FloatVector mad(FloatVector a, FloatVector b, float c) {
        return a.fma(b, FloatVector.broadcast(F, c));
    }
}
