package rrcm.certify;

/** One of {@code count} disjoint parts of the selected images: the i-th, (i-th + count)-th, ... of them. */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " does not exist (--shard i/n needs 0 <= i < n)");
        }
    }

    /** Parses "i/n", e.g. "0/4". */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length == 2) {
            try {
                return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("--shard '" + text + "' is not of the form i/n (e.g. 0/4, with 0 <= i < n)");
    }

    public boolean whole() {
        return count == 1;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
