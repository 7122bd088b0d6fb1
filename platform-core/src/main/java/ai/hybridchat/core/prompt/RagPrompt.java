package ai.hybridchat.core.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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

    /** A user message of {@link #userMessage}, read back. */
    public record Parsed(String question, List<String> passages) {
    }

    private static final String CONTEXT = "Context:\n";
    private static final String QUESTION = "Question: ";
    private static final Pattern NUMBER_LINE = Pattern.compile("\\[\\d+]");

    /**
     * Reads a message laid out by {@link #userMessage} back into its question and passages; a
     * message in any other layout is all question, with no passages.
     */
    public static Parsed parse(String message) {
        int q = message.lastIndexOf("\n\n" + QUESTION);
        if (!message.startsWith(CONTEXT) || q < 0) {
            return new Parsed(message.startsWith(QUESTION) ? message.substring(QUESTION.length()) : message, List.of());
        }
        String[] lines = message.substring(CONTEXT.length(), q).split("\n", -1);
        List<String> passages = new ArrayList<>();
        for (int i = 0; i + 1 < lines.length; i += 2) {
            if (!NUMBER_LINE.matcher(lines[i]).matches()) {
                return new Parsed(message, List.of());
            }
            passages.add(lines[i + 1]);
        }
        return new Parsed(message.substring(q + 2 + QUESTION.length()), List.copyOf(passages));
    }

    static String oneLine(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
