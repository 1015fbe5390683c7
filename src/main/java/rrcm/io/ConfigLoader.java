package rrcm.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Loads a run configuration from a YAML file or from a config built into the jar, and applies
 * command-line overrides on top. The result is the root {@link ConfigNode}, ready to be read.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    public static ConfigNode load(Path file, List<String> overrides) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": could not read the config: " + IoErrors.describe(e, file));
        }
        return parse(text, file.toString(), overrides);
    }

    /**
     * Loads a config from the class path ("configs/quickstart.yaml" inside the jar); errors name it
     * as "built-in configs/quickstart.yaml".
     */
    public static ConfigNode loadResource(String resource, List<String> overrides) {
        String origin = "built-in " + resource;
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new ConfigException("there is no built-in config " + resource);
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), origin, overrides);
        } catch (IOException e) {
            throw new ConfigException(origin + ": could not read the config: " + e.getMessage());
        }
    }

    /** Parses YAML text; {@code origin} names it in errors. */
    public static ConfigNode parse(String yaml, String origin, List<String> overrides) {
        Object raw;
        try {
            raw = YamlValues.load(yaml, origin);
        } catch (MarkedYamlEngineException e) {
            throw syntaxError(origin, e);
        } catch (YamlEngineException e) {
            throw new ConfigException(origin + ": could not parse the YAML: " + e.getMessage());
        }
        if (raw != null && !(raw instanceof Map<?, ?>)) {
            throw new ConfigException(origin + ": a config must be a mapping of keys to values, not " + YamlValues.show(raw));
        }
        ConfigNode root = raw == null ? new ConfigNode(origin, "")
                : (ConfigNode) YamlValues.normalize(raw, origin, "", ConfigEntry.Source.FILE);
        for (String text : overrides) root.override(ConfigOverride.parse(text));
        return root;
    }

    private static ConfigException syntaxError(String origin, MarkedYamlEngineException e) {
        String where = e.getProblemMark().or(e::getContextMark)
                .map(m -> ", line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
                .orElse("");
        String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
        return new ConfigException(origin + where + ": " + e.getProblem() + context);
    }
}
