package rrcm.io;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * The content of a safetensors file: its tensors in header order and its string metadata. The
 * lookups check name, type and shape, so that loading a checkpoint of another model fails with a
 * sentence naming the file and the first tensor that does not fit.
 */
public record SafetensorsFile(Path file, SequencedMap<String, HostArray> tensors, Map<String, String> metadata) {
    public SafetensorsFile {
        tensors = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The tensor of that name, of any type and shape. */
    public HostArray tensor(String name) {
        HostArray a = tensors.get(name);
        if (a == null) throw new CheckpointException(file + ": there is no tensor " + Json.quote(name) + " in it");
        return a;
    }

    public HostArray f32(String name, int... shape) {
        return checked(name, ElementType.F32, shape);
    }

    public HostArray i32(String name, int... shape) {
        return checked(name, ElementType.I32, shape);
    }

    public HostArray i64(String name, int... shape) {
        return checked(name, ElementType.I64, shape);
    }

    private HostArray checked(String name, ElementType dtype, int[] shape) {
        HostArray a = tensor(name);
        if (a.dtype() != dtype || !Arrays.equals(a.shape(), shape)) {
            throw new CheckpointException(file + ": tensor " + Json.quote(name) + " is " + a.dtype() + Shapes.format(a.shape())
                    + " but " + dtype + Shapes.format(shape) + " is expected (is it a checkpoint of another model?)");
        }
        return a;
    }
}
