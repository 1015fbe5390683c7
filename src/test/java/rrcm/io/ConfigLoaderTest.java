package rrcm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Loading from files and the class path, command-line overrides, syntax errors, resolved YAML. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static ConfigNode parse(String yaml, String... overrides) {
        return ConfigLoader.parse(yaml, "configs/q.yaml", List.of(overrides));
    }

    private static void assertError(String message, Executable read) {
        assertEquals(message, assertThrows(ConfigException.class, read).getMessage());
    }

    @Test
    void loadsAFileAndNamesItInErrors() throws IOException {
        Path f = Files.writeString(dir.resolve("run.yaml"), "pretrain:\n  lr: fast\n");
        ConfigNode root = ConfigLoader.load(f, List.of());
        assertError(f + ": pretrain.lr must be a number greater than 0, got 'fast'",
                () -> root.section("pretrain").getDouble("lr", RealRange.greaterThan(0)));
        assertError(dir.resolve("none.yaml") + ": could not read the config: no such file or directory",
                () -> ConfigLoader.load(dir.resolve("none.yaml"), List.of()));
    }

    @Test
    void loadsFromTheClassPath() {
        // Any resource on the class path is read the same way; this one is not a mapping.
        String message = assertThrows(ConfigException.class, () -> ConfigLoader.loadResource("rrcm/version.properties", List.of())).getMessage();
        assertTrue(message.startsWith("built-in rrcm/version.properties: a config must be a mapping of keys to values, not 'version="), message);
        assertError("there is no built-in config configs/none.yaml", () -> ConfigLoader.loadResource("configs/none.yaml", List.of()));
    }

    @Test
    void overridesReplaceScalarsListsAndNulls() {
        ConfigNode root = parse(ConfigNodeTest.QUICKSTART, "pretrain.steps=5", "pretrain.betas=[0.9,0.95]", "data.dir=/tmp/x",
                "model.depth=null", "pretrain.lr=3e-4");
        ConfigNode p = root.section("pretrain");
        assertEquals(5, p.getInt("steps"));
        assertArrayEquals(new double[] {0.9, 0.95}, p.getDoubleList("betas", 2, RealRange.closedOpen(0, 1)));
        assertEquals(3e-4, p.getDouble("lr"));
        assertEquals(Optional.of(Path.of("/tmp/x")), root.section("data").getOptionalPath("dir"));
        assertError("configs/q.yaml: model.depth must be an integer, got null (set on the command line)",
                () -> root.section("model").getInt("depth", 12));
        ConfigNode again = parse(ConfigNodeTest.QUICKSTART, "data.dir=");
        assertEquals(Optional.empty(), again.section("data").getOptionalPath("dir"));
    }

    @Test
    void overridesMayAddKeysThatAReaderAsksFor() {
        ConfigNode root = parse(ConfigNodeTest.QUICKSTART, "model.dropout=0.1", "finetune.steps=20");
        assertEquals(0.1, root.section("model").getDouble("dropout", 0.0));
        assertEquals(20, root.section("finetune").getInt("steps", 100));
    }

    @Test
    void overridesNothingAsksForAreUnknown() {
        ConfigNode root = parse(ConfigNodeTest.QUICKSTART, "pretrain.learning_rate=0.1");
        ConfigNodeTest.readPretrain(root.section("pretrain"));
        root.section("model");
        root.section("data");
        assertError("configs/q.yaml: unknown key pretrain.learning_rate from the command line (known keys: steps, batch_size, lr, betas)",
                root::finish);
        ConfigNode other = parse(ConfigNodeTest.QUICKSTART, "trian.steps=3");
        other.section("model");
        other.section("data");
        other.section("pretrain");
        assertError("configs/q.yaml: unknown key trian from the command line (known keys: model, data, pretrain)", other::finish);
    }

    @Test
    void badOverridesAreNamed() {
        String q = ConfigNodeTest.QUICKSTART;
        assertError("configs/q.yaml: pretrain.lr must be a number greater than 0, got 'fast' (set on the command line)",
                () -> parse(q, "pretrain.lr=fast").section("pretrain").getDouble("lr", RealRange.greaterThan(0)));
        assertError("command-line override pretrain.lr is not of the form key.sub=value", () -> parse(q, "pretrain.lr"));
        assertError("command-line override pretrain..lr=1 has a key path 'pretrain..lr' that is not names made of letters, digits, '_' and '-' joined by dots",
                () -> parse(q, "pretrain..lr=1"));
        assertError("command-line override pretrain.betas=[0.9, has a value that is not YAML: expected the node content, but found '<stream end>'",
                () -> parse(q, "pretrain.betas=[0.9,"));
        assertError("command-line override model={dim: 3} sets a mapping; set the keys of a section one by one (model.<key>=...)",
                () -> parse(q, "model={dim: 3}"));
        assertError("configs/q.yaml: command-line override pretrain.steps.x=1 sets a key inside pretrain.steps, which is a value, not a section",
                () -> parse(q, "pretrain.steps.x=1"));
        assertError("configs/q.yaml: command-line override model=3 would replace section model with a value; set its keys one by one instead (model.<key>=...)",
                () -> parse(q, "model=3"));
    }

    @Test
    void yamlSyntaxErrorsGiveLineAndColumn() {
        assertError("configs/q.yaml, line 4, column 1: expected ',' or ']', but got <stream end> (while parsing a flow sequence)",
                () -> parse("model:\n  dim: 3\n  betas: [1, 2\n"));
        assertError("configs/q.yaml, line 3, column 3: found duplicate key dim (while constructing a mapping)",
                () -> parse("model:\n  dim: 3\n  dim: 4\n"));
        assertError("configs/q.yaml, line 2, column 9: mapping values are not allowed here",
                () -> parse("model:\n  dim: 3: 4\n"));
    }

    @Test
    void theTreeMustBeAMappingOfNamedKeys() {
        assertError("configs/q.yaml: a config must be a mapping of keys to values, not ['a', 'b']", () -> parse("- a\n- b\n"));
        assertError("configs/q.yaml: key 1 in section model is not a name", () -> parse("model:\n  1: x\n"));
        assertError("configs/q.yaml: key 'a.b' in the top level contains a dot, which separates key paths", () -> parse("a.b: 1\n"));
        assertError("configs/q.yaml: model.layers holds a mapping inside a list; lists may hold only numbers, strings, booleans, nulls and lists",
                () -> parse("model:\n  layers: [{a: 1}]\n"));
        parse("").finish();
    }
}
