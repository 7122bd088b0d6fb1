package ai.hybridchat.core.model;

import ai.hybridchat.core.template.JinjaTemplate;
import ai.hybridchat.core.template.TemplateException;
import ai.hybridchat.core.template.TemplateFunction;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a conversation with the Jinja chat template of {@code tokenizer_config.json} as Hugging
 * Face's {@code apply_chat_template} does: the same engine semantics ({@link JinjaTemplate}:
 * Python's values, {@code trim_blocks} and {@code lstrip_blocks}, transformers' {@code tojson})
 * and the same variables ({@code messages}, {@code add_generation_prompt}, the special tokens,
 * {@code tools}, {@code documents}, {@code raise_exception}, {@code strftime_now}). Checked byte
 * for byte against jinja2's renders of 14 published templates (platform-core's
 * {@code chat-templates} test resources). Message text is a value the template prints, never
 * template code.
 */
public final class ChatTemplate {
    /** One turn: role is system, user or assistant. */
    public record Message(String role, String content) {
        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("role", role);
            m.put("content", content);
            return m;
        }
    }

    private static final List<String> SPECIAL_TOKENS = List.of("bos_token", "eos_token", "unk_token", "pad_token",
            "sep_token", "cls_token", "mask_token");

    private final JinjaTemplate template;
    private final Map<String, Object> specials = new HashMap<>();
    private final Clock clock;

    public ChatTemplate(String template, String bosToken, String eosToken) {
        this(template, specials(bosToken, eosToken), Clock.systemDefaultZone());
    }

    /**
     * @param specialTokens the tokenizer's special tokens by name ({@code bos_token}, ...,
     *                      {@code additional_special_tokens}), as templates read them
     * @param clock         what {@code strftime_now} reads
     */
    public ChatTemplate(String template, Map<String, Object> specialTokens, Clock clock) {
        if (template == null || template.isBlank()) {
            throw new ModelFormatException("tokenizer_config.json has no chat_template");
        }
        try {
            this.template = JinjaTemplate.parse(template);
        } catch (TemplateException e) {
            throw new ModelFormatException("the chat template cannot be used: " + e.getMessage());
        }
        this.specials.putAll(specialTokens);
        this.clock = clock;
    }

    private static Map<String, Object> specials(String bos, String eos) {
        Map<String, Object> m = new HashMap<>();
        m.put("bos_token", bos == null ? "" : bos);
        m.put("eos_token", eos == null ? "" : eos);
        return m;
    }

    public static ChatTemplate from(TextTokenizer tokenizer) {
        return fromConfig(tokenizer.tokenizerConfig());
    }

    /** The template of a {@code tokenizer_config.json}, with its special tokens: no tokenizer needed. */
    public static ChatTemplate fromConfig(JsonNode config) {
        Map<String, Object> specials = new HashMap<>();
        for (String name : SPECIAL_TOKENS) {
            JsonNode node = config.path(name);
            String value = node.isTextual() ? node.asText() : node.isObject() ? node.path("content").asText(null) : null;
            if (value != null) {
                specials.put(name, value);
            }
        }
        specials.putIfAbsent("bos_token", "");
        specials.putIfAbsent("eos_token", "");
        List<String> additional = new ArrayList<>();
        config.path("additional_special_tokens").forEach(t -> additional.add(t.isTextual() ? t.asText() : t.path("content").asText()));
        specials.put("additional_special_tokens", additional);
        return new ChatTemplate(templateText(config.path("chat_template")), specials, Clock.systemDefaultZone());
    }

    /** {@code chat_template} is a string, or a list of named templates of which "default" is the chat one. */
    private static String templateText(JsonNode node) {
        if (node.isArray()) {
            for (JsonNode t : node) {
                if (t.path("name").asText().equals("default")) {
                    return t.path("template").asText(null);
                }
            }
            return node.size() > 0 ? node.get(0).path("template").asText(null) : null;
        }
        return node.asText(null);
    }

    public String render(List<Message> messages, boolean addGenerationPrompt) {
        List<Object> turns = new ArrayList<>();
        messages.forEach(m -> turns.add(m.asMap()));
        return render(turns, addGenerationPrompt, null, null);
    }

    /**
     * Renders messages given as maps (role, content and whatever else a template reads, such as
     * {@code tool_calls}), with {@code tools} and {@code documents} (null: none), as
     * {@code apply_chat_template(messages, tools=..., documents=..., add_generation_prompt=...)}.
     *
     * @throws IllegalArgumentException when the template rejects the conversation or fails on it
     */
    public String render(List<Object> messages, boolean addGenerationPrompt, List<Object> tools, List<Object> documents) {
        Map<String, Object> context = new HashMap<>(specials);
        context.put("messages", messages);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("tools", tools);
        context.put("documents", documents);
        context.put("raise_exception", (TemplateFunction) (args, kw) -> {
            throw new TemplateException.Raised(args.isEmpty() ? "" : String.valueOf(args.get(0)));
        });
        context.put("strftime_now", (TemplateFunction) (args, kw) -> strftime(String.valueOf(args.get(0)),
                ZonedDateTime.now(clock)));
        try {
            return template.render(context);
        } catch (TemplateException.Raised e) {
            throw new IllegalArgumentException("chat template rejected the conversation: " + e.getMessage(), e);
        } catch (TemplateException e) {
            throw new IllegalArgumentException("chat template failed: " + e.getMessage(), e);
        }
    }

    /** Python's {@code datetime.strftime} for the directives templates use (C locale). */
    static String strftime(String format, ZonedDateTime t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                sb.append(c);
                continue;
            }
            char d = format.charAt(++i);
            String month = t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT);
            String day = t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT);
            switch (d) {
                case 'd' -> sb.append(String.format("%02d", t.getDayOfMonth()));
                case 'm' -> sb.append(String.format("%02d", t.getMonthValue()));
                case 'Y' -> sb.append(String.format("%04d", t.getYear()));
                case 'y' -> sb.append(String.format("%02d", t.getYear() % 100));
                case 'b' -> sb.append(month, 0, 3);
                case 'B' -> sb.append(month);
                case 'a' -> sb.append(day, 0, 3);
                case 'A' -> sb.append(day);
                case 'H' -> sb.append(String.format("%02d", t.getHour()));
                case 'I' -> sb.append(String.format("%02d", (t.getHour() + 11) % 12 + 1));
                case 'M' -> sb.append(String.format("%02d", t.getMinute()));
                case 'S' -> sb.append(String.format("%02d", t.getSecond()));
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'j' -> sb.append(String.format("%03d", t.getDayOfYear()));
                case 'e' -> sb.append(String.format("%2d", t.getDayOfMonth()));
                case '%' -> sb.append('%');
                default -> sb.append('%').append(d);
            }
        }
        return sb.toString();
    }
}
