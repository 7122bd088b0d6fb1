package ai.hybridchat.core.langchain;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A model served by a remote OpenAI-compatible server (vLLM, Ollama, llama.cpp server, or another
 * instance of this platform), through LangChain4j's OpenAI module. One object answers both
 * {@link ChatModel} and {@link StreamingChatModel}, as {@link LocalChatModel} does, so the chat
 * server cannot tell them apart. Decoding is greedy (temperature 0) like the local default.
 */
public final class RemoteChatModel implements ChatModel, StreamingChatModel {
    private final OpenAiChatModel blocking;
    private final OpenAiStreamingChatModel streaming;
    private final String modelName;

    /**
     * @param baseUrl      the server's OpenAI API root, e.g. {@code http://localhost:8000/v1}
     * @param apiKey       sent as the bearer token; servers without keys accept any value
     * @param modelName    the {@code model} field of each request
     * @param maxNewTokens longest answer, in tokens
     */
    public RemoteChatModel(String baseUrl, String apiKey, String modelName, int maxNewTokens, Duration timeout) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        String key = apiKey == null || apiKey.isBlank() ? "none" : apiKey;
        this.blocking = OpenAiChatModel.builder().baseUrl(baseUrl).apiKey(key).modelName(modelName)
                .temperature(0.0).maxTokens(maxNewTokens).timeout(timeout).maxRetries(0).build();
        this.streaming = OpenAiStreamingChatModel.builder().baseUrl(baseUrl).apiKey(key).modelName(modelName)
                .temperature(0.0).maxTokens(maxNewTokens).timeout(timeout).build();
    }

    public String modelName() {
        return modelName;
    }

    // ChatModel and StreamingChatModel both default these; one answer serves both interfaces.
    @Override
    public Set<Capability> supportedCapabilities() {
        return blocking.supportedCapabilities();
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return blocking.defaultRequestParameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OPEN_AI;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return blocking.doChat(request);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        streaming.doChat(request, handler);
    }
}
