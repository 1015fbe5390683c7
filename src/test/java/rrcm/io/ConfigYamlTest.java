package rrcm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The resolved config a run saves: every value it used, in a stable order, read back unchanged. */
class ConfigYamlTest {
    private static ConfigNode parse(String yaml, String... overrides) {
        return ConfigLoader.parse(yaml, "configs/q.yaml", List.of(overrides));
    }

    /** Reads like a config record would: sections and keys in its own order, with defaults. */
    private static void read(ConfigNode root) {
        ConfigNode model = root.section("model");
        model.getInt("image_size");
        model.getInt("patch_size");
        model.getInt("dim");
        model.getInt("depth", 12);
        model.getInt("heads");
        model.getDouble("dropout", 0.0);
        ConfigNode pretrain = root.section("pretrain");
        pretrain.getInt("steps");
        pretrain.getInt("batch_size");
        pretrain.getDouble("lr");
        pretrain.getDoubleList("betas", 2, RealRange.ANY);
        pretrain.getBoolean("ema", true);
        ConfigNode data = root.section("data");
        data.getString("kind");
        data.getOptionalPath("dir");
        data.getString("name", "fashion mnist: v2");
        root.section("certify").getLong("seed", 0L);
        root.finish();
    }

    @Test
    void resolvedConfigHoldsDefaultsInReadingOrder() {
        ConfigNode root = parse(ConfigNodeTest.QUICKSTART, "pretrain.betas=[0.5,0.9]");
        read(root);
        String expected = """
                model:
                  image_size: 28
                  patch_size: 4
                  dim: 128
                  depth: 4
                  heads: 4
                  dropout: 0.0
                pretrain:
                  steps: 300
                  batch_size: 128
                  lr: 1.0E-4
                  betas: [0.5, 0.9]
                  ema: true
                data:
                  kind: embedded
                  dir: null
                  name: "fashion mnist: v2"
                certify:
                  seed: 0
                """;
        assertEquals(expected, root.toYaml());
        ConfigNode again = parse(expected);
        read(again);
        assertEquals(expected, again.toYaml());
    }

    @Test
    void stringsThatYamlWouldReadAsSomethingElseAreQuoted() {
        List<String> tricky = List.of("null", "~", "true", "yes", "1e5", "0x1F", ".inf", "12", "", " pad", "a: b", "#c", "- x",
                "[x]", "quote\"back\\slash", "line\nbreak\ttab", "\u0007bell", "é", "/tmp/x y", "plain_text-1.2/x");
        StringBuilder yaml = new StringBuilder("s:\n");
        for (int i = 0; i < tricky.size(); i++) yaml.append("  k").append(i).append(": ").append(YamlValues.writeString(tricky.get(i))).append('\n');
        ConfigNode s = parse(yaml.toString()).section("s");
        for (int i = 0; i < tricky.size(); i++) assertEquals(tricky.get(i), s.getString("k" + i));
        assertEquals("plain_text-1.2/x", YamlValues.writeString("plain_text-1.2/x"));
        assertEquals("\"null\"", YamlValues.writeString("null"));
    }

    @Test
    void numbersKeepTheirType() {
        ConfigNode root = parse("a: 1\nb: 1.0\nc: -.inf\nd: 12345678901234567890\ne: [1, 2.5, null, x, [true]]\nf: {}\n");
        assertEquals("""
                a: 1
                b: 1.0
                c: -.inf
                d: 12345678901234567890
                e: [1, 2.5, null, x, [true]]
                f: {}
                """, root.toYaml());
        assertEquals(root.toYaml(), parse(root.toYaml()).toYaml());
    }
}
