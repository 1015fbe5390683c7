package rrcm.backend;

/**
 * Philox4x32-10 (Salmon, Moraes, Dror and Shaw, SC'11): a counter-based generator, so any element of a
 * random tensor is a pure function of (seed, stream, counter) and every backend, on any number of
 * threads, produces the same numbers.
 *
 * <p>Layout used everywhere in this engine: key = (seed low, seed high), counter block =
 * (counter low, counter high, stream low, stream high). One block yields four 32-bit words; element
 * i of a tensor drawn at counter c uses block c + i / 4, word i % 4.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final long LOW32 = 0xFFFF_FFFFL;

    private Philox() {}

    /** Ten rounds on counter (c0..c3) with key (k0, k1); writes four words into out[at..at+3]. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out, int at) {
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & LOW32) * (c0 & LOW32);
            long p1 = (M1 & LOW32) * (c2 & LOW32);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
            k0 += W0;
            k1 += W1;
        }
        out[at] = c0;
        out[at + 1] = c1;
        out[at + 2] = c2;
        out[at + 3] = c3;
    }

    /** The block for element group {@code counter} of stream {@code stream} under {@code seed}. */
    public static void block(long seed, long stream, long counter, int[] out, int at) {
        block((int) counter, (int) (counter >>> 32), (int) stream, (int) (stream >>> 32),
                (int) seed, (int) (seed >>> 32), out, at);
    }
}
