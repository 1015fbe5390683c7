package rrcm.device;

import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of one launch, in the order of the kernel's parameters, each with its kind so that an
 * executor can pack it (the GPU: cuLaunchKernel's parameter array) or check it against the kernel's
 * signature (the emulator refuses a mismatch).
 */
public final class KernelArgs {
    /** One argument. */
    public sealed interface Arg permits Ptr, I32, F32, I64, Struct {}

    /** A device pointer: buffer start plus a byte offset; a null buffer passes a null pointer. */
    public record Ptr(DeviceBuffer buffer, long offset) implements Arg {}

    public record I32(int value) implements Arg {}

    public record F32(float value) implements Arg {}

    public record I64(long value) implements Arg {}

    /** A struct passed by value whose fields are all 32-bit (int or float bits), in declaration order. */
    public record Struct(int[] words) implements Arg {}

    private final List<Arg> args = new ArrayList<>();

    public static KernelArgs of() {
        return new KernelArgs();
    }

    public KernelArgs ptr(DeviceBuffer buffer) {
        return ptr(buffer, 0);
    }

    public KernelArgs ptr(DeviceBuffer buffer, long offset) {
        args.add(new Ptr(buffer, offset));
        return this;
    }

    public KernelArgs i32(int value) {
        args.add(new I32(value));
        return this;
    }

    public KernelArgs f32(float value) {
        args.add(new F32(value));
        return this;
    }

    public KernelArgs i64(long value) {
        args.add(new I64(value));
        return this;
    }

    public KernelArgs struct(int... words) {
        args.add(new Struct(words.clone()));
        return this;
    }

    public List<Arg> list() {
        return List.copyOf(args);
    }

    public int size() {
        return args.size();
    }
}
