package ai.hybridchat.tuning.data;

import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.PromptEncoder;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.tuning.train.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a (prompt messages, completion) pair into training tokens with the model's chat
 * template. The prompt is encoded exactly as serving encodes it (template with the generation
 * prompt), the completion after it ends with the template's end-of-turn token, and only the
 * completion is trained on.
 */
public final class ChatEncoder {
    /** Token ids and, per position, whether predicting the next token counts in the loss. */
    public record Encoded(long[] ids, boolean[] trained) {
        public int length() {
            return ids.length;
        }
    }

    private final TextTokenizer tokenizer;
    private final PromptEncoder prompts;
    private final long[] endOfTurn;

    public ChatEncoder(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.prompts = PromptEncoder.of(tokenizer);
        String eos = tokenizer.specialToken("eos_token");
        // the end of turn is the template's control token; the text before it is data
        this.endOfTurn = eos == null ? new long[0] : tokenizer.encode(eos);
    }

    /** The prompt's ids with the generation prompt, as serving encodes them. */
    public long[] encodePrompt(List<ChatTemplate.Message> prompt) {
        return prompts.encode(prompt, true);
    }

    public Encoded encode(List<ChatTemplate.Message> prompt, String completion) {
        long[] promptIds = encodePrompt(prompt);
        long[] completionIds = withEndOfTurn(tokenizer.encodeLiteral(completion));
        long[] ids = Arrays.copyOf(promptIds, promptIds.length + completionIds.length);
        System.arraycopy(completionIds, 0, ids, promptIds.length, completionIds.length);
        boolean[] trained = new boolean[ids.length];
        // position i predicts token i+1: train the predictions of every completion token
        for (int i = promptIds.length - 1; i < ids.length - 1; i++) {
            trained[i] = true;
        }
        return new Encoded(ids, trained);
    }

    /** Plain text trained on every token (continued pre-training, {@code {"text": ...}}). */
    public Encoded encodeText(String text) {
        long[] ids = withEndOfTurn(tokenizer.encodeLiteral(text));
        boolean[] trained = new boolean[ids.length];
        Arrays.fill(trained, 0, Math.max(0, ids.length - 1), true);
        return new Encoded(ids, trained);
    }

    private long[] withEndOfTurn(long[] ids) {
        long[] out = Arrays.copyOf(ids, ids.length + endOfTurn.length);
        System.arraycopy(endOfTurn, 0, out, ids.length, endOfTurn.length);
        return out;
    }

    public String render(List<ChatTemplate.Message> prompt) {
        return prompts.render(prompt, true);
    }

    /**
     * Right-pads encoded sequences into a batch of {@code length} positions (longer ones are cut
     * from the left so the completion survives); padding is never trained on.
     */
    public static TokenBatch batch(List<Encoded> rows, int length, long padId) {
        int b = rows.size();
        long[] inputs = new long[b * length];
        long[] targets = new long[b * length];
        float[] mask = new float[b * length];
        Arrays.fill(inputs, padId);
        Arrays.fill(targets, padId);
        for (int r = 0; r < b; r++) {
            Encoded e = rows.get(r);
            int n = e.length() - 1;
            int offset = Math.max(0, n - length);
            for (int i = 0; i < Math.min(n, length); i++) {
                inputs[r * length + i] = e.ids()[offset + i];
                targets[r * length + i] = e.ids()[offset + i + 1];
                mask[r * length + i] = e.trained()[offset + i] ? 1f : 0f;
            }
        }
        return new TokenBatch(inputs, targets, mask, b, length);
    }

    public static List<Encoded> fitting(List<Encoded> all, int length) {
        List<Encoded> out = new ArrayList<>();
        for (Encoded e : all) {
            if (e.length() - 1 <= length) {
                out.add(e);
            }
        }
        return out;
    }
}
