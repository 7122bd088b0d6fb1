package ai.hybridchat.core.model;

import java.util.List;
import java.util.Map;

/**
 * Decoding settings. {@code temperature <= 0} is greedy; {@code topK <= 0} and {@code topP >= 1}
 * disable those filters; {@code repetitionPenalty} is CTRL's (Keskar et al., 2019), a factor on the
 * logits of every token seen in the prompt or the answer. {@code presencePenalty} and
 * {@code frequencyPenalty} are OpenAI's additive ones, subtracted from a token's logit once if it
 * is already in the answer and once per occurrence; {@code logitBias} adds a value to given token
 * ids' logits (OpenAI's {@code logit_bias}, -100 bans a token).
 */
public record GenerationConfig(int maxNewTokens, double temperature, int topK, double topP,
                               double repetitionPenalty, long seed, List<String> stopStrings,
                               double presencePenalty, double frequencyPenalty, Map<Integer, Float> logitBias) {
    public GenerationConfig {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens must be at least 1, got " + maxNewTokens);
        }
        if (temperature < 0) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topP <= 0 || topP > 1) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (repetitionPenalty <= 0) {
            throw new IllegalArgumentException("repetition penalty must be > 0, got " + repetitionPenalty);
        }
        if (!Double.isFinite(presencePenalty) || !Double.isFinite(frequencyPenalty)) {
            throw new IllegalArgumentException("presence and frequency penalties must be finite");
        }
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
    }

    public GenerationConfig(int maxNewTokens, double temperature, int topK, double topP, double repetitionPenalty,
                            long seed, List<String> stopStrings) {
        this(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stopStrings, 0, 0, Map.of());
    }

    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, 0, 1.0, 1.0, 0, List.of());
    }

    /** Whether any of the additive adjustments (penalties, bias) is set. */
    boolean adjustsLogits() {
        return presencePenalty != 0 || frequencyPenalty != 0 || !logitBias.isEmpty();
    }
}
