package ai.hybridchat.core.model;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a conversation with the Jinja chat template of {@code tokenizer_config.json}, as
 * Hugging Face's {@code apply_chat_template} does, through Jinjava.
 */
public final class ChatTemplate {
    /** One turn: role is system, user or assistant. */
    public record Message(String role, String content) {
        Map<String, Object> asMap() {
            return Map.of("role", role, "content", content);
        }
    }

    /** A rendered prompt longer than this is refused (far above any context window). */
    static final long MAX_OUTPUT_CHARS = 8L * 1024 * 1024;

    private final String template;
    private final Map<String, Object> specials = new HashMap<>();
    private final Jinjava jinjava;

    public ChatTemplate(String template, String bosToken, String eosToken) {
        if (template == null || template.isBlank()) {
            throw new ModelFormatException("tokenizer_config.json has no chat_template");
        }
        this.template = template;
        specials.put("bos_token", bosToken == null ? "" : bosToken);
        specials.put("eos_token", eosToken == null ? "" : eosToken);
        // Jinjava by default interprets template syntax inside the values it prints ("nested
        // interpretation"): a message "{{ 7*7 }}" would reach the model as "49". Message and
        // document text is data, so that is off. Output and loops are bounded as well.
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withFailOnUnknownTokens(false)
                .withNestedInterpretationEnabled(false)
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .build());
        // Hugging Face templates call raise_exception(msg) to reject a conversation
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
    }

    public static ChatTemplate from(TextTokenizer tokenizer) {
        return new ChatTemplate(tokenizer.tokenizerConfig().path("chat_template").asText(null),
                tokenizer.specialToken("bos_token"), tokenizer.specialToken("eos_token"));
    }

    public String render(List<Message> messages, boolean addGenerationPrompt) {
        Map<String, Object> context = new HashMap<>(specials);
        context.put("messages", messages.stream().map(Message::asMap).toList());
        context.put("add_generation_prompt", addGenerationPrompt);
        var result = jinjava.renderForResult(template, context);
        if (!result.getErrors().isEmpty()) {
            var error = result.getErrors().get(0);
            if (error.getSeverity() == com.hubspot.jinjava.interpret.TemplateError.ErrorType.FATAL) {
                throw new IllegalArgumentException("chat template failed: " + error.getMessage());
            }
        }
        return result.getOutput();
    }

    public static String raiseException(String message) {
        throw new IllegalArgumentException("chat template rejected the conversation: " + message);
    }
}
