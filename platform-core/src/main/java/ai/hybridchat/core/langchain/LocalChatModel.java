package ai.hybridchat.core.langchain;

import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.local.LocalLanguageModel;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.CopyPointer;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.Generator;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The in-process DJL model behind LangChain4j's {@link ChatModel} and {@link StreamingChatModel},
 * so the chat server talks only to those interfaces and a remote OpenAI-compatible model can
 * stand in for it. Streaming calls the handler on the caller's thread as tokens are decoded.
 */
public final class LocalChatModel implements ChatModel, StreamingChatModel, GroundedChatModel {
    private final LocalLanguageModel model;
    private final GenerationConfig defaults;
    private final PassagePointer pointer;
    private final long endOfAnswer;
    private final String question;
    private final List<RetrievedPassage> passages;

    public LocalChatModel(LocalLanguageModel model, GenerationConfig defaults) {
        this(model, defaults, null);
    }

    /**
     * @param pointer when not null, a request grounded in passages ({@link #groundedIn}) is answered
     *                with this copy pointer over the passages' sentences mixed into decoding
     */
    public LocalChatModel(LocalLanguageModel model, GenerationConfig defaults, PassagePointer pointer) {
        this(model, defaults, pointer, null, List.of());
    }

    private LocalChatModel(LocalLanguageModel model, GenerationConfig defaults, PassagePointer pointer, String question,
                           List<RetrievedPassage> passages) {
        this.model = model;
        this.defaults = defaults;
        this.pointer = pointer;
        this.endOfAnswer = endOfTurn(model);
        this.question = question;
        this.passages = List.copyOf(passages);
    }

    @Override
    public ChatModel groundedIn(String question, List<RetrievedPassage> passages) {
        return new LocalChatModel(model, defaults, pointer, question, passages);
    }

    public LocalLanguageModel model() {
        return model;
    }

    // ChatModel and StreamingChatModel both default these; one answer serves both interfaces.
    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of();
    }

    /**
     * OpenAI's parameter type, so that a request's {@code seed}, {@code logit_bias} and
     * {@code max_completion_tokens} survive LangChain4j's merge of request and default parameters
     * ({@code defaults.overrideWith(request)} keeps the type of the defaults).
     */
    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return OpenAiChatRequestParameters.builder()
                .maxOutputTokens(defaults.maxNewTokens())
                .temperature(defaults.temperature())
                .topP(defaults.topP())
                .build();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<ChatTemplate.Message> messages = messages(request.messages());
        Generator.Result result = model.chat(messages, settings(request.parameters()), null, null, copyPointer(messages));
        return response(result);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        try {
            List<ChatTemplate.Message> messages = messages(request.messages());
            Generator.Result result = model.chat(messages, settings(request.parameters()),
                    handler::onPartialResponse, () -> Thread.currentThread().isInterrupted(), copyPointer(messages));
            handler.onCompleteResponse(response(result));
        } catch (RuntimeException e) {
            handler.onError(e);
        }
    }

    /** The token the chat template ends a turn with, else the first end-of-sequence id, else -1 (none). */
    private static long endOfTurn(LocalLanguageModel model) {
        String eos = model.tokenizer().specialToken("eos_token");
        long id = eos == null ? -1 : model.tokenizer().tokenId(eos);
        return id >= 0 ? id : model.eosIds().stream().findFirst().orElse(-1L);
    }

    /** The pointer over the passages this request is grounded in, when it is and they have sentences. */
    private CopyPointer copyPointer(List<ChatTemplate.Message> messages) {
        ChatTemplate.Message last = messages.get(messages.size() - 1);
        return pointer == null || passages.isEmpty() || !last.role().equals("user") ? null
                : pointer.forPassages(question, passages, model.tokenizer(), endOfAnswer);
    }

    private ChatResponse response(Generator.Result result) {
        FinishReason reason = switch (result.finishReason()) {
            case LENGTH -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
            default -> FinishReason.STOP;
        };
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(result.text()))
                .modelName(model.adapterName() == null ? model.name() : model.name() + "+" + model.adapterName())
                .tokenUsage(new TokenUsage(result.promptTokens(), result.tokenIds().length))
                .finishReason(reason)
                .build();
    }

    /**
     * The request's parameters over the model's defaults ({@code generation_config.json}). A top-p
     * of 0 (allowed by OpenAI) keeps only the most likely token: greedy.
     */
    GenerationConfig settings(ChatRequestParameters p) {
        if (p == null) {
            return defaults;
        }
        Integer maxTokens = p.maxOutputTokens();
        Long seed = null;
        Map<Integer, Float> bias = Map.of();
        if (p instanceof OpenAiChatRequestParameters o) {
            maxTokens = o.maxCompletionTokens() != null ? o.maxCompletionTokens() : maxTokens;
            seed = o.seed() == null ? null : o.seed().longValue();
            bias = logitBias(o.logitBias());
        }
        double temperature = p.temperature() != null ? p.temperature() : defaults.temperature();
        double topP = p.topP() != null ? p.topP() : defaults.topP();
        if (topP <= 0) {
            temperature = 0;
            topP = 1;
        }
        return new GenerationConfig(
                maxTokens != null ? maxTokens : defaults.maxNewTokens(),
                temperature,
                p.topK() != null ? p.topK() : defaults.topK(),
                topP,
                defaults.repetitionPenalty(),
                seed != null ? seed : defaults.seed(),
                p.stopSequences() != null && !p.stopSequences().isEmpty() ? p.stopSequences() : defaults.stopStrings(),
                p.presencePenalty() != null ? p.presencePenalty() : defaults.presencePenalty(),
                p.frequencyPenalty() != null ? p.frequencyPenalty() : defaults.frequencyPenalty(),
                bias.isEmpty() ? defaults.logitBias() : bias);
    }

    /** OpenAI's {@code logit_bias}: token ids as strings to a bias. */
    private Map<Integer, Float> logitBias(Map<String, Integer> bias) {
        if (bias == null || bias.isEmpty()) {
            return Map.of();
        }
        Map<Integer, Float> out = new HashMap<>();
        for (Map.Entry<String, Integer> e : bias.entrySet()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("logit_bias keys must be token ids, got '" + e.getKey() + "'");
            }
            if (id < 0 || id >= model.model().config().vocabSize) {
                throw new IllegalArgumentException("logit_bias names token id " + id + ", outside the vocabulary of "
                        + model.model().config().vocabSize);
            }
            out.put(id, e.getValue().floatValue());
        }
        return out;
    }

    static List<ChatTemplate.Message> messages(List<ChatMessage> messages) {
        List<ChatTemplate.Message> out = new ArrayList<>();
        for (ChatMessage m : messages) {
            if (m instanceof SystemMessage s) {
                out.add(new ChatTemplate.Message("system", s.text()));
            } else if (m instanceof UserMessage u) {
                if (!u.hasSingleText()) {
                    throw new IllegalArgumentException("only text user messages are supported");
                }
                out.add(new ChatTemplate.Message("user", u.singleText()));
            } else if (m instanceof AiMessage a) {
                if (a.hasToolExecutionRequests()) {
                    throw new IllegalArgumentException("tool calls are not supported by local models");
                }
                out.add(new ChatTemplate.Message("assistant", a.text() == null ? "" : a.text()));
            } else if (m instanceof ToolExecutionResultMessage t) {
                // a tool's result is a turn of role "tool"; templates that know tools render it their way
                out.add(new ChatTemplate.Message("tool", t.text() == null ? "" : t.text()));
            } else {
                throw new IllegalArgumentException("unsupported message type " + m.type());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no messages to answer");
        }
        return out;
    }
}
