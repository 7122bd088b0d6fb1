package ai.hybridchat.core.model;

import java.util.List;

/**
 * Decoding settings. {@code temperature <= 0} is greedy; {@code topK <= 0} and {@code topP >= 1}
 * disable those filters; {@code repetitionPenalty} is CTRL's (Keskar et al., 2019).
 */
public record GenerationConfig(int maxNewTokens, double temperature, int topK, double topP,
                               double repetitionPenalty, long seed, List<String> stopStrings) {
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
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
    }

    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, 0, 1.0, 1.0, 0, List.of());
    }
}
