package ai.hybridchat.core.prompt;

import java.util.List;

/**
 * The one user-message layout the platform's models read and are tuned on: numbered context
 * passages (when retrieval is on), then the question. Training data and serving both build
 * prompts here, so a model is always asked the way it was taught.
 */
public final class RagPrompt {
    private RagPrompt() {
    }

    public static String userMessage(String question, List<String> passages) {
        StringBuilder sb = new StringBuilder();
        if (passages != null && !passages.isEmpty()) {
            sb.append("Context:\n");
            for (int i = 0; i < passages.size(); i++) {
                // the passage starts a line, as the answer does after the assistant header: a quoted
                // sentence is then the same tokens in both places ("The", not " The"), which is
                // what lets a small model copy it
                sb.append('[').append(i + 1).append("]\n").append(oneLine(passages.get(i))).append('\n');
            }
            sb.append('\n');
        }
        sb.append("Question: ").append(oneLine(question));
        return sb.toString();
    }

    static String oneLine(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
