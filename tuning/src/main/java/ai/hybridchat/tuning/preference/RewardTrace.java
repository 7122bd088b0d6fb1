package ai.hybridchat.tuning.preference;

import ai.hybridchat.tuning.TuningResult;
import java.util.List;

/** PPO's mean reward of each step's sampled responses, in step order: whether the policy learned to please the reward model. */
public record RewardTrace(List<Double> perStep) implements TuningResult.Evaluation {
    public RewardTrace {
        perStep = List.copyOf(perStep);
    }
}
