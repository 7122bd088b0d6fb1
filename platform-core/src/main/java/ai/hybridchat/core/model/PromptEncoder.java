package ai.hybridchat.core.model;

import ai.hybridchat.core.template.JinjaTemplate;
import java.util.List;

/**
 * A conversation into the token ids the model reads: rendered with the chat template, the
 * messages' text kept as data. The content reaches the template as a plain value (never as
 * template code, see {@link ChatTemplate}) and never becomes a control token: the control tokens
 * of the prompt are exactly those the template emits ({@link ControlTokens}).
 *
 * <p>{@link #encodeTrusted} is the switch for trusted callers who want Hugging Face's own
 * behaviour, where a control-token string inside a message is the control token (as llama.cpp's
 * server does with {@code parse_special}).
 */
public final class PromptEncoder {
    private final ChatTemplate template;
    private final TextTokenizer tokenizer;

    public PromptEncoder(ChatTemplate template, TextTokenizer tokenizer) {
        this.template = template;
        this.tokenizer = tokenizer;
    }

    public static PromptEncoder of(TextTokenizer tokenizer) {
        return new PromptEncoder(ChatTemplate.from(tokenizer), tokenizer);
    }

    /** The prompt's ids, message text as data. */
    public long[] encode(List<ChatTemplate.Message> messages, boolean addGenerationPrompt) {
        ControlTokens controls = tokenizer.controlTokens();
        List<ChatTemplate.Message> marked = messages.stream()
                .map(m -> new ChatTemplate.Message(m.role(), controls.mark(m.content())))
                .toList();
        return tokenizer.encodeRendered(template.render(marked, addGenerationPrompt));
    }

    /**
     * The prompt of a conversation that ends on an assistant message the model is to continue
     * (prefill), message text as data: rendered without the generation prompt and cut right after
     * the final message's text, as {@code apply_chat_template(continue_final_message=True)} does.
     */
    public long[] encodeContinuation(List<ChatTemplate.Message> messages) {
        ControlTokens controls = tokenizer.controlTokens();
        List<ChatTemplate.Message> marked = messages.stream()
                .map(m -> new ChatTemplate.Message(m.role(), controls.mark(m.content())))
                .toList();
        String rendered = template.render(marked, false);
        return tokenizer.encodeRendered(continueFinalMessage(rendered, marked.get(marked.size() - 1).content()));
    }

    /**
     * {@code rendered} cut after the last occurrence of {@code finalMessage}: Hugging Face's rule
     * ({@code transformers}' {@code apply_chat_template}): the message's text stripped is searched
     * from the end; if the template kept its trailing spaces the cut keeps them too.
     */
    static String continueFinalMessage(String rendered, String finalMessage) {
        String stripped = JinjaTemplate.pythonStrip(finalMessage, true, true);
        int at = stripped.isEmpty() ? -1 : rendered.lastIndexOf(stripped);
        if (at < 0) {
            throw new IllegalArgumentException("the final assistant message cannot be continued: the chat template "
                    + "does not render its text");
        }
        int keptLength = JinjaTemplate.pythonStrip(finalMessage, true, false).length();
        boolean keepsSpacing = at + keptLength <= rendered.length()
                && rendered.substring(at, at + keptLength).equals(finalMessage);
        return rendered.substring(0, at + (keepsSpacing ? keptLength : stripped.length()));
    }

    /** The prompt's ids as Hugging Face gives them: control-token strings in messages are control tokens. */
    public long[] encodeTrusted(List<ChatTemplate.Message> messages, boolean addGenerationPrompt) {
        return tokenizer.encode(template.render(messages, addGenerationPrompt));
    }

    /** The prompt as text, exactly as the template renders it. */
    public String render(List<ChatTemplate.Message> messages, boolean addGenerationPrompt) {
        return template.render(messages, addGenerationPrompt);
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }
}
