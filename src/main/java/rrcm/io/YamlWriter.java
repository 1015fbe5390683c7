package rrcm.io;

/**
 * Writes a config tree as block YAML: sections indented by two spaces, lists in flow style
 * ({@code betas: [0.9, 0.999]}), strings quoted only where YAML would read them as something else.
 * Keys come in the order they were read, then any unread keys in file order, so that a resolved
 * config follows the layout of the code that read it whatever order its file had.
 */
final class YamlWriter {
    private YamlWriter() {}

    static String write(ConfigNode root) {
        StringBuilder sb = new StringBuilder();
        section(sb, root, 0);
        return sb.toString();
    }

    private static void section(StringBuilder sb, ConfigNode node, int level) {
        for (String key : node.keysInOrder()) {
            Object value = node.entry(key).value();
            sb.repeat(' ', 2 * level).append(YamlValues.writeString(key)).append(':');
            if (value instanceof ConfigNode child) {
                if (child.keysInOrder().isEmpty()) {
                    sb.append(" {}\n");
                } else {
                    sb.append('\n');
                    section(sb, child, level + 1);
                }
            } else {
                sb.append(' ').append(YamlValues.write(value)).append('\n');
            }
        }
    }
}
