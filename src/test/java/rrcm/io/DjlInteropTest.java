package rrcm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rrcm.testing.Torch;

/**
 * Our files against an independent safetensors implementation: DJL's decoder, which detects the
 * format by itself and hands the tensors to libtorch, and its encoder, whose files we read back.
 */
class DjlInteropTest {
    @TempDir
    Path dir;

    @Test
    void djlReadsOurFilesIntoLibtorch() throws IOException {
        SequencedMap<String, HostArray> t = new LinkedHashMap<>();
        t.put("patch_embed.proj.weight", HostArray.of(new float[] {1, 2, 3, 4, 5, 6.5f}, 3, 2));
        t.put("labels", HostArray.of(new int[] {3, -1}, 2));
        t.put("step", HostArray.of(new long[] {1L << 35}));
        Path f = dir.resolve("ours.safetensors");
        Safetensors.write(f, t, Safetensors.PYTORCH_METADATA);

        try (NDManager m = Torch.newManager(); InputStream in = Files.newInputStream(f)) {
            NDList list = NDList.decode(m, in);
            assertEquals(3, list.size());
            NDArray w = list.get("patch_embed.proj.weight");
            assertEquals("PyTorch", w.getManager().getEngine().getEngineName());
            assertEquals(new Shape(3, 2), w.getShape());
            assertEquals(DataType.FLOAT32, w.getDataType());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6.5f}, w.toFloatArray());
            NDArray labels = list.get("labels");
            assertEquals(DataType.INT32, labels.getDataType());
            assertArrayEquals(new int[] {3, -1}, labels.toIntArray());
            NDArray step = list.get("step");
            assertEquals(DataType.INT64, step.getDataType());
            assertEquals(new Shape(), step.getShape());
            assertArrayEquals(new long[] {1L << 35}, step.toLongArray());
        }
    }

    @Test
    void weReadFilesDjlWrites() throws IOException {
        Path f = dir.resolve("djl.safetensors");
        try (NDManager m = Torch.newManager()) {
            NDArray a = m.create(new float[] {0.25f, -1, 7, 8}, new Shape(2, 2));
            a.setName("a");
            NDArray b = m.create(new long[] {5, 6, 7}, new Shape(3));
            b.setName("b");
            try (OutputStream out = Files.newOutputStream(f)) {
                new NDList(a, b).encode(out, NDList.Encoding.SAFETENSORS);
            }
        }
        SafetensorsFile read = Safetensors.read(f);
        Map<String, HostArray> expected = Map.of(
                "a", HostArray.of(new float[] {0.25f, -1, 7, 8}, 2, 2),
                "b", HostArray.of(new long[] {5, 6, 7}, 3));
        assertEquals(expected, read.tensors());
    }
}
