package ai.hybridchat.tuning.train;

import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

/** Receives training progress: the terminal shows a line per report, the server sends JSON events. */
public interface ProgressListener {
    void onStep(StepReport report);

    default void onValidation(int step, double loss) {
    }

    default void onMessage(String message) {
    }

    record StepReport(int step, int totalSteps, double loss, double learningRate, double gradNorm,
                      double tokensPerSecond, long etaSeconds) {
    }

    /** One human-readable line per report on stderr. */
    static ProgressListener terminal(int every) {
        return terminal(every, true);
    }

    /** As {@link #terminal(int)}; {@code perplexity} false for a loss that is not a token cross-entropy (DPO's). */
    static ProgressListener terminal(int every, boolean perplexity) {
        return new ProgressListener() {
            @Override
            public void onStep(StepReport r) {
                if (r.step() % every == 0 || r.step() == r.totalSteps()) {
                    System.err.printf("step %d/%d  loss %.4f  lr %.2e  grad %.2f  %.0f tok/s  eta %ds%n",
                            r.step(), r.totalSteps(), r.loss(), r.learningRate(), r.gradNorm(), r.tokensPerSecond(), r.etaSeconds());
                }
            }

            @Override
            public void onValidation(int step, double loss) {
                if (perplexity) {
                    System.err.printf("step %d  validation loss %.4f  perplexity %.2f%n", step, loss, Math.exp(loss));
                } else {
                    System.err.printf("step %d  validation loss %.4f%n", step, loss);
                }
            }

            @Override
            public void onMessage(String message) {
                System.err.println(message);
            }
        };
    }

    /**
     * One JSON object per line on {@code out}, every step: {@code {"event":"step",...}},
     * {@code {"event":"validation",...}} and {@code {"event":"message","text":...}}, for the server's
     * job events and for scripts.
     */
    static ProgressListener json(PrintWriter out) {
        return new ProgressListener() {
            @Override
            public void onStep(StepReport r) {
                emit(Map.of("event", "step", "step", r.step(), "total_steps", r.totalSteps(), "loss", r.loss(),
                        "learning_rate", r.learningRate(), "grad_norm", r.gradNorm(), "tokens_per_second", r.tokensPerSecond(),
                        "eta_seconds", r.etaSeconds()));
            }

            @Override
            public void onValidation(int step, double loss) {
                emit(Map.of("event", "validation", "step", step, "loss", loss, "perplexity", Math.exp(loss)));
            }

            @Override
            public void onMessage(String message) {
                emit(Map.of("event", "message", "text", message));
            }

            private void emit(Map<String, Object> event) {
                try {
                    // sorted keys: the same event always prints the same way
                    out.println(Json.MAPPER.writeValueAsString(new TreeMap<>(event)));
                    out.flush();
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    static ProgressListener silent() {
        return r -> { };
    }
}
