package rrcm.workflows;

import rrcm.io.CheckpointException;
import rrcm.io.SafetensorsFile;

/** Reading the metadata this engine writes into its checkpoints. */
final class Checkpoints {
    private Checkpoints() {}

    static long step(SafetensorsFile file) {
        String s = file.metadata().get("step");
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file.file() + ": its metadata has no step (" + s + "); it was not written by "
                    + "a training run of this engine");
        }
    }
}
