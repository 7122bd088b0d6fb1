package ai.hybridchat.core;

/**
 * The tokens an answer cost, counted by the model that produced it: the prompt it read and the
 * tokens it generated (summed over every generation the answer took), and whether a generation
 * stopped at its token limit rather than at its end.
 */
public record Usage(int promptTokens, int completionTokens, boolean truncated) {
    public static final Usage NONE = new Usage(0, 0, false);

    public Usage plus(Usage other) {
        return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
                truncated || other.truncated);
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
