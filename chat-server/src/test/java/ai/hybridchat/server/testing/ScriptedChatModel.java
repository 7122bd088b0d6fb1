package ai.hybridchat.server.testing;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A stand-in language model for server tests: answers "NAME read N passages" word by word, and
 * remembers the user messages it was sent. Optionally fails after the first word.
 */
public final class ScriptedChatModel implements ChatModel, StreamingChatModel {
    private final String name;
    private final boolean failMidway;
    public final List<String> prompts = Collections.synchronizedList(new ArrayList<>());

    public ScriptedChatModel(String name) {
        this(name, false);
    }

    public ScriptedChatModel(String name, boolean failMidway) {
        this.name = name;
        this.failMidway = failMidway;
    }

    // both interfaces default these; one answer serves both
    @Override
    public java.util.Set<dev.langchain4j.model.chat.Capability> supportedCapabilities() {
        return java.util.Set.of();
    }

    @Override
    public dev.langchain4j.model.chat.request.ChatRequestParameters defaultRequestParameters() {
        return dev.langchain4j.model.chat.request.ChatRequestParameters.builder().build();
    }

    @Override
    public List<dev.langchain4j.model.chat.listener.ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public dev.langchain4j.model.ModelProvider provider() {
        return dev.langchain4j.model.ModelProvider.OTHER;
    }

    private String reply(ChatRequest request) {
        // the last user message (a bare-model request may end on an assistant message: prefill)
        String prompt = "";
        for (var m : request.messages()) {
            if (m instanceof UserMessage u && u.hasSingleText()) {
                prompt = u.singleText();
            }
        }
        prompts.add(prompt);
        long passages = prompt.lines().filter(l -> l.matches("^\\[\\d+]$")).count();
        int earlier = request.messages().size() - 1;
        return name + " read " + passages + " passages" + (earlier > 0 ? " after " + earlier + " earlier messages" : "");
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return ChatResponse.builder().aiMessage(AiMessage.from(reply(request))).build();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        String text = reply(request);
        try {
            String[] words = text.split("(?= )");
            for (int i = 0; i < words.length; i++) {
                if (failMidway && i == 1) {
                    throw new IllegalStateException("the model broke");
                }
                handler.onPartialResponse(words[i]);
            }
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(text)).build());
        } catch (RuntimeException e) {
            handler.onError(e);
        }
    }
}
