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

    /** A shard and where it came from, for the log. */
    public record Found(Shard shard, String source) {}

    /**
     * The shard a cluster scheduler gave this process: a Slurm job array (SLURM_ARRAY_TASK_ID less
     * SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT tasks) or a Kubernetes Indexed Job
     * (JOB_COMPLETION_INDEX, of the job's completions, which Kubernetes does not put in the environment:
     * countOrNull, or RRCM_SHARDS).
     */
    public static Found auto(java.util.Map<String, String> env, Integer countOrNull) {
        String slurm = env.get("SLURM_ARRAY_TASK_ID");
        if (slurm != null) {
            int id = integer(env, "SLURM_ARRAY_TASK_ID"), min = env.containsKey("SLURM_ARRAY_TASK_MIN")
                    ? integer(env, "SLURM_ARRAY_TASK_MIN") : 0;
            if (!env.containsKey("SLURM_ARRAY_TASK_COUNT")) {
                throw new IllegalArgumentException("--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
            }
            int count = countOrNull != null ? countOrNull : integer(env, "SLURM_ARRAY_TASK_COUNT");
            String step = env.get("SLURM_ARRAY_TASK_STEP");
            if (step != null && !step.trim().equals("1")) {
                throw new IllegalArgumentException("--shard auto needs a Slurm array of consecutive task ids (--array=0-N), "
                        + "its step is " + step);
            }
            return new Found(checked(id - min, count, "Slurm job array"), String.format(java.util.Locale.ROOT,
                    "Slurm job array: SLURM_ARRAY_TASK_ID %d, SLURM_ARRAY_TASK_MIN %d, %d tasks", id, min, count));
        }
        if (env.containsKey("JOB_COMPLETION_INDEX")) {
            int index = integer(env, "JOB_COMPLETION_INDEX");
            Integer count = countOrNull != null ? countOrNull : env.containsKey("RRCM_SHARDS") ? integer(env, "RRCM_SHARDS") : null;
            if (count == null) {
                throw new IllegalArgumentException("--shard auto in a Kubernetes Indexed Job needs the number of shards (the "
                        + "job's completions): --shards N, or RRCM_SHARDS in the pod's environment");
            }
            return new Found(checked(index, count, "Kubernetes Indexed Job"), String.format(java.util.Locale.ROOT,
                    "Kubernetes Indexed Job: JOB_COMPLETION_INDEX %d of %d completions", index, count));
        }
        throw new IllegalArgumentException("--shard auto found no scheduler: neither Slurm's SLURM_ARRAY_TASK_ID nor "
                + "Kubernetes' JOB_COMPLETION_INDEX is set; give the shard as --shard i/n");
    }

    private static Shard checked(int index, int count, String source) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("--shard auto: the " + source + " gives shard " + index + " of " + count
                    + ", which does not exist");
        }
        return new Shard(index, count);
    }

    private static int integer(java.util.Map<String, String> env, String name) {
        try {
            return Integer.parseInt(env.get(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shard auto: " + name + " is '" + env.get(name) + "', not a whole number");
        }
    }

    public boolean whole() {
        return count == 1;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
