package rrcm.data;

/**
 * Seeds of the loader's random streams. Each is a pure function of its coordinates, so a batch does
 * not depend on which thread made it or when, and a resumed run draws exactly what an uninterrupted
 * one would have drawn.
 *
 * <p>Mixing: start from h = G (the 64-bit golden ratio 0x9E3779B97F4A7C15); for each coordinate v in
 * turn, h = mix64(h ^ v) + G; the seed is mix64(h). mix64 is the SplitMix64 finaliser, a bijection
 * of 64-bit words with full avalanche, so for a fixed prefix each step maps distinct coordinates to
 * distinct states, and a change in any coordinate changes the whole seed. The first coordinate after
 * the run seed is a domain constant, which keeps the permutation stream apart from the augmentation
 * streams even when their numbers coincide.
 */
final class Seeds {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long PERMUTATION = 1;
    private static final long AUGMENTATION = 2;

    private Seeds() {}

    /** Seed of the shuffle of {@code epoch}: mix(seed, PERMUTATION, epoch). */
    static long permutation(long seed, int epoch) {
        return mix64(step(step(step(GOLDEN, seed), PERMUTATION), epoch));
    }

    /** Seed of view {@code view} of dataset sample {@code sample} in {@code epoch}: mix(seed, AUGMENTATION, epoch, sample, view). */
    static long augmentation(long seed, int epoch, int sample, int view) {
        return mix64(step(step(step(step(step(GOLDEN, seed), AUGMENTATION), epoch), sample), view));
    }

    private static long step(long h, long v) {
        return mix64(h ^ v) + GOLDEN;
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
