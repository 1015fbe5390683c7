package rrcm.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** --shard auto: the part a cluster scheduler's variables give this process, or one sentence saying why not. */
class ShardTest {
    private static String refused(Map<String, String> env, Integer count) {
        return assertThrows(IllegalArgumentException.class, () -> Shard.auto(env, count)).getMessage();
    }

    @Test
    void slurmJobArraysCountFromTheirFirstTask() {
        Shard.Found f = Shard.auto(Map.of("SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_MIN", "4", "SLURM_ARRAY_TASK_COUNT", "2"), null);
        assertEquals(new Shard(1, 2), f.shard());
        assertTrue(f.source().startsWith("Slurm job array"), f.source());
        assertEquals(new Shard(3, 8), Shard.auto(Map.of("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "8"), null).shard());
        assertTrue(refused(Map.of("SLURM_ARRAY_TASK_ID", "0", "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_ARRAY_TASK_STEP", "2"), null)
                .contains("consecutive task ids"));
        assertTrue(refused(Map.of("SLURM_ARRAY_TASK_ID", "0"), null).contains("SLURM_ARRAY_TASK_COUNT is not"));
        assertTrue(refused(Map.of("SLURM_ARRAY_TASK_ID", "9", "SLURM_ARRAY_TASK_COUNT", "4"), null).contains("does not exist"));
        assertTrue(refused(Map.of("SLURM_ARRAY_TASK_ID", "x", "SLURM_ARRAY_TASK_COUNT", "4"), null).contains("not a whole number"));
    }

    @Test
    void kubernetesIndexedJobsNeedTheirCompletions() {
        Shard.Found f = Shard.auto(Map.of("JOB_COMPLETION_INDEX", "2"), 3);
        assertEquals(new Shard(2, 3), f.shard());
        assertTrue(f.source().startsWith("Kubernetes Indexed Job"), f.source());
        assertEquals(new Shard(0, 5), Shard.auto(Map.of("JOB_COMPLETION_INDEX", "0", "RRCM_SHARDS", "5"), null).shard());
        assertTrue(refused(Map.of("JOB_COMPLETION_INDEX", "0"), null).contains("--shards N"));
    }

    /** The scheduler files in tools/ run certify with --shard auto, and the manifest is an Indexed Job whose count agrees. */
    @Test
    @SuppressWarnings("unchecked")
    void theSchedulerFilesAskForAutomaticShards() throws Exception {
        String slurm = java.nio.file.Files.readString(java.nio.file.Path.of("tools", "slurm-certify"));
        assertTrue(slurm.contains("certify --shard auto --resume") && slurm.contains("#SBATCH"), slurm);
        Process syntax = new ProcessBuilder("bash", "-n", "tools/slurm-certify").redirectErrorStream(true).start();
        assertEquals(0, syntax.waitFor(), new String(syntax.getInputStream().readAllBytes()));
        var load = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build());
        Map<String, Object> job = (Map<String, Object>) load.loadFromString(
                java.nio.file.Files.readString(java.nio.file.Path.of("tools", "k8s-certify.yaml")));
        Map<String, Object> spec = (Map<String, Object>) job.get("spec");
        assertEquals("Indexed", spec.get("completionMode"));
        Map<String, Object> container = ((java.util.List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
                spec.get("template")).get("spec")).get("containers")).getFirst();
        assertTrue(((java.util.List<Object>) container.get("command")).containsAll(java.util.List.of("certify", "--shard", "auto")));
        Map<String, Object> shards = ((java.util.List<Map<String, Object>>) container.get("env")).getFirst();
        assertEquals("RRCM_SHARDS", shards.get("name"));
        assertEquals(String.valueOf(spec.get("completions")), shards.get("value"));
    }

    @Test
    void withoutASchedulerAutoSaysSo() {
        assertTrue(refused(Map.of(), null).contains("found no scheduler"));
    }
}
