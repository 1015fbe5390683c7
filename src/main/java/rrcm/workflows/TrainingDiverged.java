package rrcm.workflows;

/** The loss became NaN or infinite: training stops, naming the step, with the last checkpoint untouched. */
public final class TrainingDiverged extends RuntimeException {
    public TrainingDiverged(String message) {
        super(message);
    }
}
