package rrcm.io;

import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One section of a run configuration, read through typed getters. Each getter records that its key
 * is known, checks the value and fails with one sentence naming the file and the full dotted key;
 * a getter with a default writes the default into the tree, so that the resolved config saved with a
 * run lists every value the run used. After a config record has read its keys, {@link #finish()}
 * reports every key that nothing asked for: a misspelt key fails the run instead of being ignored.
 *
 * <p>Getters without a default require the key; defaults must not be null. Integer getters take a
 * YAML integer or a float with a whole value (so {@code steps: 1e5} works); real getters take any
 * finite number. A node is mutable and not thread-safe: one reader walks it once, after loading.
 */
public final class ConfigNode {
    // Marks a default that is null itself (an optional path), as opposed to "no default".
    private static final Object NULL_DEFAULT = new Object();

    private final String origin;
    private final String path;
    private final Map<String, ConfigEntry> entries = new LinkedHashMap<>();
    private final Set<String> requested = new LinkedHashSet<>();

    ConfigNode(String origin, String path) {
        this.origin = origin;
        this.path = path;
    }

    /** The file (or built-in resource) the config came from, as errors name it. */
    public String origin() {
        return origin;
    }

    /** Dotted path of this section; empty at the top level. */
    public String path() {
        return path;
    }

    /** The full dotted name of a key of this section. */
    public String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Whether the file or the command line set this key (defaults do not count). Marks nothing as read. */
    public boolean has(String key) {
        ConfigEntry e = entries.get(key);
        return e != null && e.source() != ConfigEntry.Source.DEFAULT;
    }

    /** The section under this key; an absent or empty one reads as a section without keys. */
    public ConfigNode section(String key) {
        requested.add(key);
        ConfigEntry e = entries.get(key);
        if (e == null || e.value() == null) {
            ConfigNode child = new ConfigNode(origin, key(key));
            entries.put(key, new ConfigEntry(child, e == null ? ConfigEntry.Source.DEFAULT : e.source()));
            return child;
        }
        if (e.value() instanceof ConfigNode child) return child;
        throw invalid(key, e, "a section of keys");
    }

    // ---- integers

    public int getInt(String key) {
        return getInt(key, IntRange.ANY);
    }

    public int getInt(String key, IntRange range) {
        return (int) integer(key, range, true, null);
    }

    public int getInt(String key, int defaultValue) {
        return getInt(key, defaultValue, IntRange.ANY);
    }

    public int getInt(String key, int defaultValue, IntRange range) {
        return (int) integer(key, range, true, (long) defaultValue);
    }

    public long getLong(String key) {
        return getLong(key, IntRange.ANY);
    }

    public long getLong(String key, IntRange range) {
        return integer(key, range, false, null);
    }

    public long getLong(String key, long defaultValue) {
        return getLong(key, defaultValue, IntRange.ANY);
    }

    public long getLong(String key, long defaultValue, IntRange range) {
        return integer(key, range, false, defaultValue);
    }

    private long integer(String key, IntRange range, boolean asInt, Long defaultValue) {
        IntRange effective = asInt ? new IntRange(Math.max(range.min(), Integer.MIN_VALUE), Math.min(range.max(), Integer.MAX_VALUE)) : range;
        // Described by the caller's range ("at least 1", not "between 1 and 2147483647") unless the
        // value is a whole number that only the limits of an int reject.
        ConfigEntry e = entries.get(key);
        Long given = e == null ? null : integerValue(e.value());
        boolean tooBigForInt = given != null && range.contains(given) && !effective.contains(given);
        String expected = tooBigForInt ? effective.describe() : range.describe();
        return get(key, expected, raw -> {
            Long v = integerValue(raw);
            return v != null && effective.contains(v) ? v : null;
        }, defaultValue);
    }

    private static Long integerValue(Object raw) {
        return switch (raw) {
            case Long l -> l;
            case Double d when d == Math.rint(d) && Math.abs(d) < 0x1p63 -> (long) (double) d;
            case null, default -> null;
        };
    }

    // ---- reals

    public double getDouble(String key) {
        return getDouble(key, RealRange.ANY);
    }

    public double getDouble(String key, RealRange range) {
        return real(key, range, null);
    }

    public double getDouble(String key, double defaultValue) {
        return getDouble(key, defaultValue, RealRange.ANY);
    }

    public double getDouble(String key, double defaultValue, RealRange range) {
        return real(key, range, defaultValue);
    }

    private double real(String key, RealRange range, Double defaultValue) {
        return get(key, range.describe(), raw -> {
            Double v = realValue(raw);
            return v != null && range.contains(v) ? v : null;
        }, defaultValue);
    }

    private static Double realValue(Object raw) {
        return switch (raw) {
            case Double d -> d;
            case Long l -> (double) l;
            case BigInteger b -> b.doubleValue();
            case null, default -> null;
        };
    }

    /** A list of exactly {@code size} numbers, each within the range. */
    public double[] getDoubleList(String key, int size, RealRange range) {
        return realList(key, size, range, null);
    }

    /** As {@link #getDoubleList(String, int, RealRange)}, with the default's length as the size. */
    public double[] getDoubleList(String key, double[] defaultValue, RealRange range) {
        List<Object> raw = Arrays.stream(defaultValue).boxed().map(d -> (Object) d).toList();
        return realList(key, defaultValue.length, range, raw);
    }

    private double[] realList(String key, int size, RealRange range, List<Object> defaultValue) {
        String expected = "a list of " + size + (size == 1 ? " number" : " numbers") + range.bound();
        return get(key, expected, raw -> {
            if (!(raw instanceof List<?> list) || list.size() != size) return null;
            double[] out = new double[size];
            for (int i = 0; i < size; i++) {
                Double v = realValue(list.get(i));
                if (v == null || !range.contains(v)) return null;
                out[i] = v;
            }
            return out;
        }, defaultValue);
    }

    // ---- booleans, strings, choices, paths

    public boolean getBoolean(String key) {
        return get(key, "true or false", raw -> raw instanceof Boolean b ? b : null, null);
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return get(key, "true or false", raw -> raw instanceof Boolean b ? b : null, defaultValue);
    }

    public String getString(String key) {
        return get(key, "a string", raw -> raw instanceof String s ? s : null, null);
    }

    public String getString(String key, String defaultValue) {
        return get(key, "a string", raw -> raw instanceof String s ? s : null, defaultValue);
    }

    /** One of the given strings. */
    public String getChoice(String key, List<String> choices) {
        return choice(key, choices, null);
    }

    public String getChoice(String key, String defaultValue, List<String> choices) {
        return choice(key, choices, defaultValue);
    }

    private String choice(String key, List<String> choices, String defaultValue) {
        String expected = "one of " + String.join(", ", choices);
        return get(key, expected, raw -> raw instanceof String s && choices.contains(s) ? s : null, defaultValue);
    }

    /** An enum constant, written in the config as its name in lower case ({@code kind: embedded}). */
    public <E extends Enum<E>> E getEnum(String key, E[] values) {
        return enumValue(key, values, null);
    }

    public <E extends Enum<E>> E getEnum(String key, E defaultValue, E[] values) {
        return enumValue(key, values, defaultValue);
    }

    private <E extends Enum<E>> E enumValue(String key, E[] values, E defaultValue) {
        List<String> labels = Arrays.stream(values).map(ConfigNode::label).toList();
        String label = choice(key, labels, defaultValue == null ? null : label(defaultValue));
        return values[labels.indexOf(label)];
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** A path, as written (relative paths stay relative to the working directory). */
    public Path getPath(String key) {
        return get(key, "a path", ConfigNode::toPath, null);
    }

    /** A path, or empty when the key is absent or null ({@code dir: null}). */
    public Optional<Path> getOptionalPath(String key) {
        return get(key, "a path or null", raw -> {
            if (raw == null) return Optional.<Path>empty();
            Path p = toPath(raw);
            return p == null ? null : Optional.of(p);
        }, NULL_DEFAULT);
    }

    private static Path toPath(Object raw) {
        if (!(raw instanceof String s) || s.isEmpty()) return null;
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    // ---- the common path of every getter

    /**
     * Reads the key: marks it known, falls back to the default (storing it in the tree) when absent,
     * and converts the value, where {@code convert} returns null for a value that does not fit.
     */
    private <T> T get(String key, String expected, Function<Object, T> convert, Object defaultValue) {
        requested.add(key);
        ConfigEntry e = entries.get(key);
        if (e == null) {
            if (defaultValue == null) throw new ConfigException(origin + ": missing key " + key(key) + ", which must be " + expected);
            Object raw = defaultValue == NULL_DEFAULT ? null : YamlValues.normalize(defaultValue, origin, key(key), ConfigEntry.Source.DEFAULT);
            e = new ConfigEntry(raw, ConfigEntry.Source.DEFAULT);
            if (convert.apply(raw) == null) {
                throw new IllegalArgumentException("the default " + YamlValues.show(raw) + " of " + key(key) + " is not " + expected);
            }
            entries.put(key, e);
        }
        T value = convert.apply(e.value());
        if (value == null) throw invalid(key, e, expected);
        return value;
    }

    private ConfigException invalid(String key, ConfigEntry e, String expected) {
        String from = e.source() == ConfigEntry.Source.COMMAND_LINE ? " (set on the command line)" : "";
        return new ConfigException(origin + ": " + key(key) + " must be " + expected + ", got " + YamlValues.show(e.value()) + from);
    }

    /**
     * Fails on the first section, this one or one read below it, that holds keys no getter asked for,
     * listing the keys that are known there.
     */
    public void finish() {
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, ConfigEntry> e : entries.entrySet()) {
            if (requested.contains(e.getKey())) continue;
            boolean fromCommandLine = e.getValue().source() == ConfigEntry.Source.COMMAND_LINE;
            unknown.add(key(e.getKey()) + (fromCommandLine ? " from the command line" : ""));
        }
        if (!unknown.isEmpty()) {
            String known = requested.isEmpty() ? "this section takes no keys" : "known keys: " + String.join(", ", requested);
            throw new ConfigException(origin + ": unknown key" + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown)
                    + " (" + known + ")");
        }
        for (String key : requested) {
            if (entries.get(key).value() instanceof ConfigNode child) child.finish();
        }
    }

    /** The tree as YAML; see {@link YamlWriter} for the layout and key order. */
    public String toYaml() {
        return YamlWriter.write(this);
    }

    // ---- the tree, for the loader, the overrides and the writer

    void put(String key, ConfigEntry entry) {
        entries.put(key, entry);
    }

    ConfigEntry entry(String key) {
        return entries.get(key);
    }

    /** Keys that were read, in the order they were read, then the others in file order. */
    List<String> keysInOrder() {
        List<String> keys = new ArrayList<>();
        for (String k : requested) if (entries.containsKey(k)) keys.add(k);
        for (String k : entries.keySet()) if (!requested.contains(k)) keys.add(k);
        return keys;
    }

    /** Sets the value at a key path below this section, making the sections on the way. */
    void override(ConfigOverride o) {
        ConfigNode node = this;
        List<String> parts = o.path();
        for (String part : parts.subList(0, parts.size() - 1)) {
            ConfigEntry e = node.entries.get(part);
            if (e == null || e.value() == null) {
                ConfigNode child = new ConfigNode(origin, node.key(part));
                node.entries.put(part, new ConfigEntry(child, e == null ? ConfigEntry.Source.COMMAND_LINE : e.source()));
                node = child;
            } else if (e.value() instanceof ConfigNode child) {
                node = child;
            } else {
                throw new ConfigException(origin + ": command-line override " + o.text() + " sets a key inside " + node.key(part)
                        + ", which is a value, not a section");
            }
        }
        String last = parts.getLast();
        ConfigEntry existing = node.entries.get(last);
        if (existing != null && existing.value() instanceof ConfigNode && o.value() != null) {
            throw new ConfigException(origin + ": command-line override " + o.text() + " would replace section " + node.key(last)
                    + " with a value; set its keys one by one instead (" + node.key(last) + ".<key>=...)");
        }
        node.entries.put(last, new ConfigEntry(YamlValues.normalize(o.value(), origin, node.key(last),
                ConfigEntry.Source.COMMAND_LINE), ConfigEntry.Source.COMMAND_LINE));
    }

    @Override
    public String toString() {
        return entries.keySet().stream().collect(Collectors.joining(", ", (path.isEmpty() ? "config" : path) + " {", "}"));
    }
}
