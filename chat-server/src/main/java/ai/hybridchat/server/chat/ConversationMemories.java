package ai.hybridchat.server.chat;

import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One LangChain4j {@link MessageWindowChatMemory} per conversation, the least recently used
 * forgotten beyond {@code maxConversations} so memory stays bounded on a long-running server.
 * The window is short: the demo model's context is 1,024 tokens and the passages need most of it.
 */
final class ConversationMemories {
    private final int maxMessages;
    private final Map<String, ChatMemory> memories;

    ConversationMemories(int maxConversations, int maxMessages) {
        this.maxMessages = maxMessages;
        this.memories = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ChatMemory> eldest) {
                return size() > maxConversations;
            }
        };
    }

    synchronized ChatMemory get(String conversationId) {
        return memories.computeIfAbsent(conversationId,
                id -> MessageWindowChatMemory.builder().id(id).maxMessages(maxMessages).build());
    }
}
