package rrcm.model;

import java.util.Arrays;
import rrcm.backend.Backend;
import rrcm.nn.Init;
import rrcm.nn.Linear;
import rrcm.nn.Module;
import rrcm.tensor.Tensor;

/**
 * A one-step diffusion denoiser on this engine's ViT (the "DDS" baseline's denoiser, Carlini et al. 2023):
 * D(x; t) = c_skip(t) x + c_out(t) F(c_in(t) x; t) with EDM's preconditioning ({@link Edm}). F reads every
 * patch token of the encoder (conditioned on t through its TIME token), maps each to its C p p pixels
 * with a linear head, and puts the patches back in place ({@link VisionTransformer#unpatchify}).
 * State names: the encoder's timm names and pixel_head.weight (C p p, D), pixel_head.bias. The head
 * starts at zero, as DiT's final layer does, so an untrained denoiser returns c_skip(t) x.
 */
public final class Denoiser extends Module {
    public final VisionTransformer encoder;
    public final Linear pixelHead;
    private final Backend backend;

    public Denoiser(Backend be, VisionTransformer encoder) {
        this.backend = be;
        this.encoder = child("", encoder);
        VitConfig c = encoder.config;
        this.pixelHead = child("pixel_head", new Linear(be, c.dim(), c.patchPixels(), true, new float[c.dim() * c.patchPixels()]));
    }

    /** F(input; t): input (B, C, H, W) already scaled by c_in of each image's time; one time per image. */
    public Tensor network(Tensor scaled, double[] times) {
        VitConfig c = encoder.config;
        Tensor patchTokens = encoder.forwardTokens(scaled, times).narrow(1, 2, c.patches()); // (B, L, D)
        return VisionTransformer.unpatchify(pixelHead.forward(patchTokens), c);
    }

    /** D(x; t) for noisy images x (B, C, H, W) in model space, each at its own time. */
    public Tensor denoise(Tensor x, double[] times) {
        Tensor in = x.mul(perImage(times, Edm::cIn));
        return x.mul(perImage(times, Edm::cSkip)).add(network(in, times).mul(perImage(times, Edm::cOut)));
    }

    /** D(x; t) for a batch of noisy images at one time. */
    public Tensor denoise(Tensor x, double t) {
        double[] times = new double[x.size(0)];
        Arrays.fill(times, t);
        return x.mul((float) Edm.cSkip(t)).add(network(x.mul((float) Edm.cIn(t)), times).mul((float) Edm.cOut(t)));
    }

    /** The forward process: y_i + t_i eps_i, each clean image with its own time's share of the noise. */
    public static Tensor noised(Tensor clean, Tensor eps, double[] times) {
        return clean.add(eps.mul(perImage(clean.backend(), times, t -> t)));
    }

    /** EDM's loss: the mean over images of lambda(t) times the mean squared error of D against the clean image. */
    public static Tensor loss(Tensor denoised, Tensor clean, double[] times) {
        Tensor diff = denoised.sub(clean);
        return diff.mul(diff).mul(perImage(denoised.backend(), times, Edm::lossWeight)).mean();
    }

    private Tensor perImage(double[] times, java.util.function.DoubleUnaryOperator f) {
        return perImage(backend, times, f);
    }

    /** (B, 1, 1, 1): f of each image's time, to broadcast over its pixels. */
    private static Tensor perImage(Backend be, double[] times, java.util.function.DoubleUnaryOperator f) {
        float[] v = new float[times.length];
        for (int i = 0; i < v.length; i++) v[i] = (float) f.applyAsDouble(times[i]);
        return Tensor.of(be, v, v.length, 1, 1, 1);
    }
}
