package ai.hybridchat.tuning.preference;

import ai.hybridchat.tuning.TuningResult;

/**
 * How well a tuned policy separates preference pairs, measured with DPO's implicit reward
 * {@code beta * (log pi(y|x) - log pi_ref(y|x))}: the share of pairs whose chosen answer gets the
 * higher reward, and the mean reward margin (chosen minus rejected).
 */
public record PreferenceMetrics(double accuracy, double meanMargin, int pairs) implements TuningResult.Evaluation {
}
