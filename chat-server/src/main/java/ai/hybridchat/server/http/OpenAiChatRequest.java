package ai.hybridchat.server.http;

import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.api.ServerJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A {@code POST /v1/chat/completions} body, checked as OpenAI checks it: {@code model} and
 * {@code messages} required, every sampling parameter in OpenAI's range, and every parameter
 * either honoured ({@link #parameters()}) or refused with a 400 naming it. Nothing is silently
 * dropped: an unknown parameter is a 400 too, as on OpenAI ("Unrecognized request argument").
 *
 * <p>Honoured: {@code max_tokens}, {@code max_completion_tokens}, {@code temperature},
 * {@code top_p}, {@code stop}, {@code seed}, {@code presence_penalty}, {@code frequency_penalty},
 * {@code logit_bias}, {@code n} (1), {@code stream}, {@code stream_options.include_usage}, and
 * {@code top_k} (an extension vLLM accepts too). Accepted and without effect here, as they are
 * bookkeeping for OpenAI's own service: {@code user}, {@code metadata}, {@code store},
 * {@code service_tier}, {@code prompt_cache_key}, {@code safety_identifier},
 * {@code parallel_tool_calls}, {@code tool_choice: "none"}, {@code response_format: text},
 * {@code modalities: ["text"]}, {@code logprobs: false}. Refused: tools and functions (no tool
 * calling yet), other response formats, audio, predicted outputs, log-probabilities, {@code n > 1}.
 */
public record OpenAiChatRequest(String model, List<ChatMessage> messages, boolean stream, boolean includeUsage,
                                OpenAiChatRequestParameters parameters) {
    /** At most this many messages in one request. */
    public static final int MAX_MESSAGES = 1024;

    private static final Set<String> IGNORED = Set.of("user", "metadata", "store", "service_tier", "prompt_cache_key",
            "safety_identifier", "parallel_tool_calls");
    private static final Set<String> KNOWN = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "top_k", "n", "stop", "seed", "presence_penalty",
            "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "response_format", "tools", "tool_choice",
            "functions", "function_call", "modalities", "audio", "prediction", "reasoning_effort", "web_search_options",
            "verbosity");

    public ChatMessage last() {
        return messages.get(messages.size() - 1);
    }

    public static OpenAiChatRequest parse(String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : ServerJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("We could not parse the JSON body of your request: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object with 'model' and 'messages'");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name) && !IGNORED.contains(name)) {
                throw ApiException.badParameter(name, "Unrecognized request argument supplied: " + name);
            }
        }
        JsonNode model = json.get("model");
        if (model == null || model.isNull() || (model.isTextual() && model.asText().isBlank())) {
            throw ApiException.badParameter("model", "you must provide a model parameter");
        }
        if (!model.isTextual()) {
            throw typeError("model", "a string", model);
        }
        refuseUnsupported(json);
        List<ChatMessage> messages = messages(json.get("messages"));
        boolean stream = bool(json, "stream", false);
        boolean includeUsage = false;
        JsonNode options = json.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!stream) {
                throw ApiException.badParameter("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
            }
            if (!options.isObject()) {
                throw typeError("stream_options", "an object", options);
            }
            includeUsage = bool(options, "include_usage", false);
        }
        return new OpenAiChatRequest(model.asText(), messages, stream, includeUsage, sampling(json));
    }

    private static void refuseUnsupported(JsonNode json) {
        JsonNode n = json.get("n");
        if (n != null && !n.isNull()) {
            long count = integer(json, "n", 1, 128);
            if (count != 1) {
                throw ApiException.badParameter("n", "n > 1 is not supported: ask again for another choice");
            }
        }
        for (String name : new String[] {"tools", "functions"}) {
            JsonNode v = json.get(name);
            if (v != null && !v.isNull() && !(v.isArray() && v.isEmpty())) {
                throw ApiException.badParameter(name, "tool calling is not supported by this server: send the request without '"
                        + name + "'");
            }
        }
        for (String name : new String[] {"tool_choice", "function_call"}) {
            JsonNode v = json.get(name);
            if (v != null && !v.isNull() && !(v.isTextual() && (v.asText().equals("none") || v.asText().equals("auto")))) {
                throw ApiException.badParameter(name, "tool calling is not supported by this server: '" + name
                        + "' may only be \"none\"");
            }
        }
        JsonNode format = json.get("response_format");
        if (format != null && !format.isNull() && !"text".equals(format.path("type").asText())) {
            throw ApiException.badParameter("response_format", "only response_format {\"type\": \"text\"} is supported, got "
                    + format);
        }
        JsonNode modalities = json.get("modalities");
        if (modalities != null && !modalities.isNull()) {
            if (!modalities.isArray() || modalities.size() != 1 || !"text".equals(modalities.get(0).asText())) {
                throw ApiException.badParameter("modalities", "only the modality [\"text\"] is supported");
            }
        }
        for (String name : new String[] {"audio", "prediction", "web_search_options"}) {
            JsonNode v = json.get(name);
            if (v != null && !v.isNull()) {
                throw ApiException.badParameter(name, "'" + name + "' is not supported by this server");
            }
        }
        if (bool(json, "logprobs", false)) {
            throw ApiException.badParameter("logprobs", "log-probabilities are not returned by this server: send logprobs false");
        }
        JsonNode top = json.get("top_logprobs");
        if (top != null && !top.isNull() && integer(json, "top_logprobs", 0, 20) != 0) {
            throw ApiException.badParameter("top_logprobs", "log-probabilities are not returned by this server");
        }
        for (String name : new String[] {"reasoning_effort", "verbosity"}) {
            JsonNode v = json.get(name);
            if (v != null && !v.isNull()) {
                throw ApiException.badParameter(name, "'" + name + "' applies to reasoning models; these models do not reason "
                        + "in hidden tokens");
            }
        }
    }

    private static OpenAiChatRequestParameters sampling(JsonNode json) {
        OpenAiChatRequestParameters.Builder p = OpenAiChatRequestParameters.builder();
        Long maxTokens = optionalInteger(json, "max_tokens", 1, Integer.MAX_VALUE);
        Long maxCompletion = optionalInteger(json, "max_completion_tokens", 1, Integer.MAX_VALUE);
        Long limit = maxCompletion != null ? maxCompletion : maxTokens;
        if (limit != null) {
            p.maxOutputTokens(limit.intValue());
        }
        Double temperature = optionalNumber(json, "temperature", 0, 2);
        if (temperature != null) {
            p.temperature(temperature);
        }
        Double topP = optionalNumber(json, "top_p", 0, 1);
        if (topP != null) {
            p.topP(topP);
        }
        Long topK = optionalInteger(json, "top_k", -1, Integer.MAX_VALUE);
        if (topK != null) {
            p.topK((int) Math.max(0, topK));
        }
        Double presence = optionalNumber(json, "presence_penalty", -2, 2);
        if (presence != null) {
            p.presencePenalty(presence);
        }
        Double frequency = optionalNumber(json, "frequency_penalty", -2, 2);
        if (frequency != null) {
            p.frequencyPenalty(frequency);
        }
        Long seed = optionalInteger(json, "seed", Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (seed != null) {
            p.seed(seed.intValue());
        }
        List<String> stop = stop(json.get("stop"));
        if (!stop.isEmpty()) {
            p.stopSequences(stop);
        }
        Map<String, Integer> bias = logitBias(json.get("logit_bias"));
        if (!bias.isEmpty()) {
            p.logitBias(bias);
        }
        return p.build();
    }

    private static List<String> stop(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (stop.isTextual()) {
            out.add(stop.asText());
        } else if (stop.isArray()) {
            if (stop.size() > 4) {
                throw ApiException.badParameter("stop", "'stop' takes at most 4 sequences, got " + stop.size());
            }
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw typeError("stop", "a string or an array of strings", stop);
                }
                out.add(s.asText());
            }
        } else {
            throw typeError("stop", "a string or an array of strings", stop);
        }
        for (String s : out) {
            if (s.isEmpty()) {
                throw ApiException.badParameter("stop", "a stop sequence must not be empty");
            }
            TextFields.requireWellFormed(s, "'stop'");
        }
        return out;
    }

    private static Map<String, Integer> logitBias(JsonNode bias) {
        if (bias == null || bias.isNull()) {
            return Map.of();
        }
        if (!bias.isObject()) {
            throw typeError("logit_bias", "an object of token ids to numbers", bias);
        }
        if (bias.size() > 300) {
            throw ApiException.badParameter("logit_bias", "'logit_bias' takes at most 300 tokens, got " + bias.size());
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = bias.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().matches("\\d{1,9}")) {
                throw ApiException.badParameter("logit_bias", "logit_bias keys must be token ids, got '" + e.getKey() + "'");
            }
            JsonNode v = e.getValue();
            if (!v.isNumber() || v.asDouble() < -100 || v.asDouble() > 100) {
                throw ApiException.badParameter("logit_bias", "logit_bias values must be numbers from -100 to 100, got " + v
                        + " for token " + e.getKey());
            }
            out.put(e.getKey(), (int) Math.round(v.asDouble()));
        }
        return out;
    }

    private static List<ChatMessage> messages(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw ApiException.badParameter("messages", "Missing required parameter: 'messages'.");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiException.badParameter("messages", "'messages' must be a non-empty array");
        }
        if (messages.size() > MAX_MESSAGES) {
            throw ApiException.badParameter("messages", "at most " + MAX_MESSAGES + " messages, got " + messages.size());
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            out.add(message(messages.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    private static ChatMessage message(JsonNode m, String where) {
        if (!m.isObject()) {
            throw typeError(where, "an object", m);
        }
        String role = m.path("role").asText("");
        JsonNode content = m.get("content");
        return switch (role) {
            case "system", "developer" -> SystemMessage.from(text(content, where, false));
            case "user" -> UserMessage.from(text(content, where, false));
            case "assistant" -> {
                JsonNode calls = m.get("tool_calls");
                if ((calls != null && !calls.isNull() && !(calls.isArray() && calls.isEmpty()))
                        || (m.hasNonNull("function_call"))) {
                    throw ApiException.badParameter(where + ".tool_calls", "tool calling is not supported by this server");
                }
                yield AiMessage.from(text(content, where, true));
            }
            case "tool" -> {
                JsonNode id = m.get("tool_call_id");
                if (id == null || !id.isTextual()) {
                    throw ApiException.badParameter(where + ".tool_call_id", "a tool message needs a 'tool_call_id' string");
                }
                yield ToolExecutionResultMessage.from(id.asText(), m.path("name").asText("tool"), text(content, where, false));
            }
            default -> throw ApiException.badParameter(where + ".role", "a message's 'role' must be system, developer, user, "
                    + "assistant or tool, got '" + role + "'");
        };
    }

    /** A message's content: a string, or OpenAI's array of parts of which only text ones are supported. */
    private static String text(JsonNode content, String where, boolean nullable) {
        if (content == null || content.isNull()) {
            if (nullable) {
                return "";
            }
            throw ApiException.badParameter(where + ".content", "a message needs a 'content'");
        }
        String text;
        if (content.isTextual()) {
            text = content.asText();
        } else if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                String type = part.path("type").asText();
                if (!type.equals("text") && !type.equals("refusal")) {
                    throw ApiException.badParameter(where + ".content", "only text content is supported, got a part of type '"
                            + type + "'");
                }
                JsonNode t = part.get(type);
                if (t == null || !t.isTextual()) {
                    throw ApiException.badParameter(where + ".content", "a " + type + " part needs a '" + type + "' string");
                }
                sb.append(t.asText());
            }
            text = sb.toString();
        } else {
            throw typeError(where + ".content", "a string or an array of text parts", content);
        }
        TextFields.requireWellFormed(text, "'" + where + ".content'");
        return text;
    }

    private static boolean bool(JsonNode json, String name, boolean otherwise) {
        JsonNode v = json.get(name);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isBoolean()) {
            throw typeError(name, "a boolean", v);
        }
        return v.asBoolean();
    }

    private static long integer(JsonNode json, String name, long min, long max) {
        Long v = optionalInteger(json, name, min, max);
        return v == null ? min : v;
    }

    private static Long optionalInteger(JsonNode json, String name, long min, long max) {
        JsonNode v = json.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw typeError(name, "an integer", v);
        }
        if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw ApiException.badParameter(name, "Invalid '" + name + "': " + v + " is out of range; expected "
                    + (max == Integer.MAX_VALUE ? "at least " + min : "from " + min + " to " + max) + ".");
        }
        return v.asLong();
    }

    private static Double optionalNumber(JsonNode json, String name, double min, double max) {
        JsonNode v = json.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw typeError(name, "a number", v);
        }
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            throw ApiException.badParameter(name, "Invalid '" + name + "': " + v + " is out of range; expected a number from "
                    + fmt(min) + " to " + fmt(max) + ".");
        }
        return d;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static ApiException typeError(String name, String expected, JsonNode got) {
        return ApiException.badParameter(name, "Invalid type for '" + name + "': expected " + expected + ", but got "
                + got.getNodeType().toString().toLowerCase(Locale.ROOT) + " instead.");
    }
}
