package rrcm.io;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * A {@code key.sub=value} setting from the command line, applied on top of a config file before it
 * is read. The value is YAML: {@code 3}, {@code 1e-4}, {@code [0.9,0.95]}, {@code null},
 * {@code /tmp/x}; an empty value is null. A key path that the file does not have is accepted here
 * and reported as unknown later only if no reader asks for it.
 */
public record ConfigOverride(List<String> path, Object value, String text) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    public ConfigOverride {
        path = List.copyOf(path);
    }

    public static ConfigOverride parse(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) throw new ConfigException("command-line override " + text + " is not of the form key.sub=value");
        String key = text.substring(0, eq).strip();
        List<String> path = Arrays.asList(key.split("\\.", -1));
        if (!path.stream().allMatch(p -> NAME.matcher(p).matches())) {
            throw new ConfigException("command-line override " + text + " has a key path '" + key
                    + "' that is not names made of letters, digits, '_' and '-' joined by dots");
        }
        Object value;
        try {
            value = YamlValues.load(text.substring(eq + 1), "the command line");
        } catch (MarkedYamlEngineException e) {
            throw new ConfigException("command-line override " + text + " has a value that is not YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ConfigException("command-line override " + text + " has a value that is not YAML: " + e.getMessage());
        }
        if (value instanceof Map<?, ?>) {
            throw new ConfigException("command-line override " + text + " sets a mapping; set the keys of a section one by one ("
                    + key + ".<key>=...)");
        }
        return new ConfigOverride(path, value, text);
    }
}
