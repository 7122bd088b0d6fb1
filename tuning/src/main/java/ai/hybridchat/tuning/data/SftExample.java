package ai.hybridchat.tuning.data;

import ai.hybridchat.core.model.ChatTemplate;
import java.util.List;

/**
 * One supervised example: the conversation so far and the reply to learn. Plain text examples
 * (continued pre-training) have no prompt and are trained on every token.
 */
public record SftExample(List<ChatTemplate.Message> prompt, String completion, String text) {
    public static SftExample chat(List<ChatTemplate.Message> prompt, String completion) {
        return new SftExample(List.copyOf(prompt), completion, null);
    }

    public static SftExample plain(String text) {
        return new SftExample(List.of(), null, text);
    }

    public boolean isPlainText() {
        return text != null;
    }

    public ChatEncoder.Encoded encode(ChatEncoder encoder) {
        return isPlainText() ? encoder.encodeText(text) : encoder.encode(prompt, completion);
    }
}
