package rrcm.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * YAML scalars for configs: how text is loaded (YAML 1.2 core schema, so {@code 1e-4} is a number,
 * {@code ~} is null and {@code yes} stays a string), how loaded values are normalized into the config
 * tree, and how values are written back as YAML and shown in error messages.
 */
final class YamlValues {
    private static final ScalarResolver RESOLVER = new CoreSchema().getScalarResolver();
    // Strings that may be written without quotes, provided the core schema also reads them back as
    // strings (that rules out "null", "true", "1e5", ".inf" and the like).
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./~][A-Za-z0-9_./~+-]*");

    private YamlValues() {}

    /** Loads one YAML document; null for an empty one. */
    static Object load(String text, String label) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(label)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .build();
        return new Load(settings).loadFromString(text);
    }

    /**
     * The loaded value in the config tree's terms: mappings become sections (keys must be strings
     * without dots, since dots separate the parts of a key path), integers Long (BigInteger beyond 64
     * bits), lists unmodifiable. Throws a ConfigException naming {@code path} for anything else.
     */
    static Object normalize(Object raw, String origin, String path, ConfigEntry.Source source) {
        return switch (raw) {
            case null -> null;
            case Boolean b -> b;
            case String s -> s;
            case Integer i -> (long) i;
            case Long l -> l;
            case BigInteger b -> b.bitLength() < 64 ? (Object) b.longValue() : b;
            case Double d -> d;
            case Float f -> (double) f;
            case Map<?, ?> map -> section(map, origin, path, source);
            case List<?> list -> {
                List<Object> out = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    Object item = list.get(i);
                    if (item instanceof Map<?, ?>) {
                        throw new ConfigException(origin + ": " + path + " holds a mapping inside a list; lists may hold only numbers, strings, booleans, nulls and lists");
                    }
                    out.add(normalize(item, origin, path + "[" + i + "]", source));
                }
                yield Collections.unmodifiableList(out);
            }
            default -> throw new ConfigException(origin + ": " + path + " has a value of YAML type " + raw.getClass().getSimpleName()
                    + "; config values are numbers, strings, booleans, nulls, lists and sections");
        };
    }

    private static ConfigNode section(Map<?, ?> map, String origin, String path, ConfigEntry.Source source) {
        ConfigNode node = new ConfigNode(origin, path);
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String where = path.isEmpty() ? "the top level" : "section " + path;
            if (!(e.getKey() instanceof String key) || key.isEmpty()) {
                throw new ConfigException(origin + ": key " + show(e.getKey()) + " in " + where + " is not a name");
            }
            if (key.contains(".")) {
                throw new ConfigException(origin + ": key '" + key + "' in " + where + " contains a dot, which separates key paths");
            }
            node.put(key, new ConfigEntry(normalize(e.getValue(), origin, node.key(key), source), source));
        }
        return node;
    }

    /** The value as an error message shows it: strings in single quotes, lists in flow style. */
    static String show(Object value) {
        return switch (value) {
            case String s -> "'" + s + "'";
            case ConfigNode n -> "a section";
            case List<?> list -> list.stream().map(YamlValues::show).collect(Collectors.joining(", ", "[", "]"));
            case null, default -> write(value);
        };
    }

    /** A real number for people: 0 rather than 0.0. */
    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(d);
    }

    /** A scalar or list as YAML text that loads back as the same value: lists in flow style. */
    static String write(Object value) {
        return switch (value) {
            case null -> "null";
            case Boolean b -> b.toString();
            case Long l -> l.toString();
            case BigInteger b -> b.toString();
            case Double d -> writeDouble(d);
            case String s -> writeString(s);
            case List<?> list -> list.stream().map(YamlValues::write).collect(Collectors.joining(", ", "[", "]"));
            case Number n -> n.toString();
            default -> throw new IllegalArgumentException("not a config scalar: " + value.getClass().getName());
        };
    }

    // Double.toString always has a '.' or an 'E', so the text reads back as a float, not an int.
    private static String writeDouble(double d) {
        if (Double.isNaN(d)) return ".nan";
        if (Double.isInfinite(d)) return d > 0 ? ".inf" : "-.inf";
        return Double.toString(d);
    }

    static String writeString(String s) {
        if (PLAIN.matcher(s).matches() && RESOLVER.resolve(s, true).equals(Tag.STR)) return s;
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    // YAML allows only printable characters in a file; escape the rest.
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xfffe || c == 0xffff) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
