package ai.hybridchat.tuning;

import ai.hybridchat.tuning.train.TrainingLoop;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a tuning run wrote and how it went: where, the loop's result, the examples it trained on and
 * those skipped as too long, and the method's own evaluation when it has one (a classifier's
 * accuracy, a preference model's reward accuracy, PPO's reward per step).
 */
public record TuningResult(Path out, TrainingLoop.Result training, int examples, int skippedTooLong, Evaluation evaluation) {
    /** A method's own measure of what it learned. */
    public interface Evaluation {
    }

    public TuningResult(Path out, TrainingLoop.Result training, int examples, int skippedTooLong) {
        this(out, training, examples, skippedTooLong, null);
    }

    /** The evaluation if the method made one of that kind. */
    public <T extends Evaluation> Optional<T> evaluation(Class<T> kind) {
        return kind.isInstance(evaluation) ? Optional.of(kind.cast(evaluation)) : Optional.empty();
    }
}
