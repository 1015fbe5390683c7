package rrcm.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Writes JSON by hand, for run records (metrics lines, summaries) and safetensors headers.
 *
 * <p>Values: {@code null}, Boolean, String, the boxed integer types, BigInteger, BigDecimal, Float,
 * Double, {@code Map<String, ?>} (written in its iteration order), any Collection, and the primitive
 * arrays {@code double[] float[] int[] long[]}. Anything else is a programming error
 * (IllegalArgumentException): there is no reflection, so records are turned into maps by their owners.
 *
 * <p>Numbers round-trip: doubles and floats are written with {@link Double#toString}/{@link
 * Float#toString}, the shortest decimal that reads back as the same value. JSON has no NaN or
 * infinity, so those are written as the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}: a diverged loss stays visible in metrics.jsonl instead of turning into a null
 * that looks like a missing value, and Python's {@code float()} reads all three back.
 */
public final class Json {
    private Json() {}

    /** The value as compact JSON on one line. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value, -1, 0);
        return sb.toString();
    }

    /** The value as JSON indented by two spaces per level, for files people read (summaries). */
    public static String writePretty(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value, 2, 0);
        return sb.append('\n').toString();
    }

    /** The string as a JSON string literal, quotes included. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        appendString(sb, s);
        return sb.toString();
    }

    /**
     * Appends a JSON string literal. Escapes what JSON requires (quote, backslash, U+0000..U+001F),
     * plus U+2028/U+2029 (line breaks to JavaScript) and unpaired surrogates, which have no UTF-8
     * encoding and would otherwise be written as '?'.
     */
    public static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || unpairedSurrogate(s, i)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean unpairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        if (Character.isLowSurrogate(c)) return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        return false;
    }

    private static void append(StringBuilder sb, Object value, int indent, int level) {
        switch (value) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b);
            case String s -> appendString(sb, s);
            case Double d -> appendDouble(sb, d);
            case Float f -> appendFloat(sb, f);
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case Short s -> sb.append(s);
            case Byte b -> sb.append(b);
            case BigInteger b -> sb.append(b);
            case BigDecimal b -> sb.append(b);
            case Map<?, ?> m -> appendObject(sb, m, indent, level);
            case Collection<?> c -> appendArray(sb, c.toArray(), indent, level);
            case double[] a -> {
                Object[] boxed = new Object[a.length];
                for (int i = 0; i < a.length; i++) boxed[i] = a[i];
                appendArray(sb, boxed, indent, level);
            }
            case float[] a -> {
                Object[] boxed = new Object[a.length];
                for (int i = 0; i < a.length; i++) boxed[i] = a[i];
                appendArray(sb, boxed, indent, level);
            }
            case int[] a -> {
                Object[] boxed = new Object[a.length];
                for (int i = 0; i < a.length; i++) boxed[i] = a[i];
                appendArray(sb, boxed, indent, level);
            }
            case long[] a -> {
                Object[] boxed = new Object[a.length];
                for (int i = 0; i < a.length; i++) boxed[i] = a[i];
                appendArray(sb, boxed, indent, level);
            }
            default -> throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static void appendDouble(StringBuilder sb, double d) {
        if (Double.isNaN(d)) sb.append("\"NaN\"");
        else if (Double.isInfinite(d)) sb.append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        else sb.append(Double.toString(d));
    }

    private static void appendFloat(StringBuilder sb, float f) {
        if (Float.isNaN(f)) sb.append("\"NaN\"");
        else if (Float.isInfinite(f)) sb.append(f > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        else sb.append(Float.toString(f));
    }

    private static void appendObject(StringBuilder sb, Map<?, ?> map, int indent, int level) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
            }
            if (!first) sb.append(',');
            first = false;
            newline(sb, indent, level + 1);
            appendString(sb, key);
            sb.append(indent < 0 ? ":" : ": ");
            append(sb, e.getValue(), indent, level + 1);
        }
        if (!first) newline(sb, indent, level);
        sb.append('}');
    }

    private static void appendArray(StringBuilder sb, Object[] items, int indent, int level) {
        sb.append('[');
        for (int i = 0; i < items.length; i++) {
            if (i > 0) sb.append(indent < 0 ? "," : ", ");
            // Arrays stay on one line even when pretty: they are mostly short lists of numbers.
            append(sb, items[i], -1, level + 1);
        }
        sb.append(']');
    }

    private static void newline(StringBuilder sb, int indent, int level) {
        if (indent < 0) return;
        sb.append('\n');
        sb.repeat(' ', indent * level);
    }
}
