package rrcm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Typed getters: values, defaults, and one sentence naming the file and the dotted key for each error. */
class ConfigNodeTest {
    static final String QUICKSTART = """
            model:
              image_size: 28
              patch_size: 4
              dim: 128
              depth: 4
              heads: 4
            data:
              kind: embedded
              dir: null
            pretrain:
              steps: 300
              batch_size: 128
              lr: 1.0e-4
              betas: [0.9, 0.999]
            """;

    enum DataKind { EMBEDDED, MNIST }

    private static ConfigNode parse(String yaml, String... overrides) {
        return ConfigLoader.parse(yaml, "configs/q.yaml", List.of(overrides));
    }

    private static void assertError(String message, Executable read) {
        assertEquals(message, assertThrows(ConfigException.class, read).getMessage());
    }

    @Test
    void readsTypedValues() {
        ConfigNode root = parse(QUICKSTART);
        ConfigNode model = root.section("model");
        assertEquals(28, model.getInt("image_size", IntRange.between(8, 1024)));
        assertEquals(4, model.getInt("patch_size"));
        assertEquals(128L, model.getLong("dim", IntRange.atLeast(1)));
        assertEquals(4, model.getInt("depth", 12));
        assertEquals(4, model.getInt("heads", 2, IntRange.atLeast(1)));
        ConfigNode data = root.section("data");
        assertEquals(DataKind.EMBEDDED, data.getEnum("kind", DataKind.values()));
        assertEquals(Optional.empty(), data.getOptionalPath("dir"));
        ConfigNode pretrain = root.section("pretrain");
        assertEquals(300, pretrain.getInt("steps", IntRange.atLeast(1)));
        assertEquals(128, pretrain.getInt("batch_size", IntRange.atLeast(1)));
        assertEquals(1e-4, pretrain.getDouble("lr", RealRange.greaterThan(0)));
        assertArrayEquals(new double[] {0.9, 0.999}, pretrain.getDoubleList("betas", 2, RealRange.closedOpen(0, 1)));
        root.finish();
    }

    @Test
    void defaultsFillAbsentKeysAndSections() {
        ConfigNode root = parse(QUICKSTART);
        ConfigNode pretrain = root.section("pretrain");
        assertEquals(0.05, pretrain.getDouble("weight_decay", 0.05, RealRange.atLeast(0)));
        assertEquals(7L, pretrain.getLong("seed", 7L));
        assertTrue(pretrain.getBoolean("ema", true));
        assertEquals("cosine", pretrain.getString("schedule", "cosine"));
        assertEquals("adamw", pretrain.getChoice("optimizer", "adamw", List.of("adamw", "sgd")));
        assertArrayEquals(new double[] {0.5, 0.5}, pretrain.getDoubleList("mix", new double[] {0.5, 0.5}, RealRange.ANY));
        assertEquals(DataKind.MNIST, root.section("eval").getEnum("kind", DataKind.MNIST, DataKind.values()));
        assertFalse(pretrain.has("seed"), "a default is not a key the file set");
        assertTrue(pretrain.has("lr"));
    }

    @Test
    void integersAcceptIntegralFloatsSoThatScientificNotationWorks() {
        ConfigNode p = parse("pretrain:\n  steps: 1e5\n  half: 2.5\n  big: 3000000000\n").section("pretrain");
        assertEquals(100_000, p.getInt("steps"));
        assertError("configs/q.yaml: pretrain.half must be an integer, got 2.5", () -> p.getInt("half"));
        assertError("configs/q.yaml: pretrain.big must be an integer between 1 and 2147483647, got 3000000000",
                () -> p.getInt("big", IntRange.atLeast(1)));
        assertEquals(3_000_000_000L, p.getLong("big"));
    }

    @Test
    void badValuesNameTheFileAndTheKey() {
        ConfigNode root = parse("""
                pretrain:
                  lr: fast
                  steps: 0
                  betas: [0.9]
                  ema: yes
                  name: 12
                  warmup: .nan
                data:
                  kind: cifar
                  dir: ""
                model: 3
                """);
        ConfigNode p = root.section("pretrain");
        assertError("configs/q.yaml: pretrain.lr must be a number greater than 0, got 'fast'",
                () -> p.getDouble("lr", RealRange.greaterThan(0)));
        assertError("configs/q.yaml: pretrain.steps must be an integer at least 1, got 0", () -> p.getInt("steps", IntRange.atLeast(1)));
        assertError("configs/q.yaml: pretrain.betas must be a list of 2 numbers in [0, 1), got [0.9]",
                () -> p.getDoubleList("betas", 2, RealRange.closedOpen(0, 1)));
        assertError("configs/q.yaml: pretrain.ema must be true or false, got 'yes'", () -> p.getBoolean("ema"));
        assertError("configs/q.yaml: pretrain.name must be a string, got 12", () -> p.getString("name"));
        assertError("configs/q.yaml: pretrain.warmup must be a number between 0 and 1, got .nan",
                () -> p.getDouble("warmup", RealRange.between(0, 1)));
        ConfigNode d = root.section("data");
        assertError("configs/q.yaml: data.kind must be one of embedded, mnist, got 'cifar'", () -> d.getEnum("kind", DataKind.values()));
        assertError("configs/q.yaml: data.dir must be a path or null, got ''", () -> d.getOptionalPath("dir"));
        assertError("configs/q.yaml: model must be a section of keys, got 3", () -> root.section("model"));
        assertError("configs/q.yaml: missing key pretrain.batch_size, which must be an integer at least 1",
                () -> p.getInt("batch_size", IntRange.atLeast(1)));
    }

    @Test
    void pathsAndEmptySections() {
        ConfigNode root = parse("data:\n  dir: /tmp/x\nempty:\n");
        assertEquals(Optional.of(Path.of("/tmp/x")), root.section("data").getOptionalPath("dir"));
        assertEquals(Path.of("/tmp/x"), root.section("data").getPath("dir"));
        assertEquals(5, root.section("empty").getInt("n", 5));
        root.finish();
    }

    @Test
    void keysNothingReadAreUnknown() {
        ConfigNode root = parse(QUICKSTART.replace("  lr: 1.0e-4", "  learning_rate: 1.0e-4") + "extra:\n  a: 1\n");
        readPretrain(root.section("pretrain"));
        root.section("model");
        root.section("data");
        assertError("configs/q.yaml: unknown key extra (known keys: pretrain, model, data)", root::finish);
        root.section("extra").getInt("a");
        assertError("configs/q.yaml: unknown key pretrain.learning_rate (known keys: steps, batch_size, lr, betas)", root::finish);
    }

    @Test
    void severalUnknownKeysAreListedTogether() {
        ConfigNode s = parse("s:\n  a: 1\n  b: 2\n  c: 3\n").section("s");
        s.getInt("b");
        assertError("configs/q.yaml: unknown keys s.a, s.c (known keys: b)", s::finish);
        ConfigNode t = parse("t:\n  a: 1\n").section("t");
        assertError("configs/q.yaml: unknown key t.a (this section takes no keys)", t::finish);
    }

    @Test
    void aBadDefaultIsAProgrammingError() {
        ConfigNode root = parse("");
        assertThrows(IllegalArgumentException.class, () -> root.getInt("n", 0, IntRange.atLeast(1)));
    }

    static void readPretrain(ConfigNode p) {
        p.getInt("steps", IntRange.atLeast(1));
        p.getInt("batch_size", IntRange.atLeast(1));
        p.getDouble("lr", 1e-3, RealRange.greaterThan(0));
        p.getDoubleList("betas", 2, RealRange.closedOpen(0, 1));
    }
}
