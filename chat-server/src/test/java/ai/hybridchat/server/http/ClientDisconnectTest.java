package ai.hybridchat.server.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.LuceneRetriever;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.testing.DemoDocs;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.javalin.Javalin;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that hangs up mid-answer stops the generation: the model is asked for no more words. */
class ClientDisconnectTest {
    @TempDir
    Path dir;

    /** Emits up to 200 words, 20 ms apart, and stops as soon as handing one over fails (as the real generator does). */
    static final class SlowModel implements ChatModel, StreamingChatModel {
        final AtomicInteger emitted = new AtomicInteger();
        volatile boolean stopped;

        @Override
        public ChatResponse doChat(ChatRequest request) {
            return ChatResponse.builder().aiMessage(AiMessage.from("word")).build();
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            try {
                for (int i = 0; i < 200; i++) {
                    Thread.sleep(20);
                    handler.onPartialResponse(" word" + i);
                    emitted.incrementAndGet();
                }
                handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("all words")).build());
            } catch (RuntimeException e) {
                stopped = true;
                handler.onError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handler.onError(e);
            }
        }

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
    }

    @Test
    void hangingUpMidStreamStopsTheGeneration() throws Exception {
        SlowModel model = new SlowModel();
        try (ChunkIndex index = DemoDocs.lexicalIndex(dir)) {
            ChatService chat = ChatService.builder()
                    .retriever(new LuceneRetriever(index.searcher(SearchOptions.defaults()), SearchMode.BM25))
                    .baseModel(model, "slow").build();
            Javalin app = ChatServer.create(ChatServer.Parts.of(chat, index).build()).start(0);
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + "/api/chat/stream"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"Who designed the Wren lamp?\",\"mode\":\"rag\"}"))
                        .build();
                HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    byte[] first = body.readNBytes(40); // the first token event
                    assertTrue(new String(first).contains("event: token"), new String(first));
                }
                long deadline = System.currentTimeMillis() + 10_000;
                while (!model.stopped && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(model.stopped, "generation went on after the client left: " + model.emitted.get() + " words");
                assertTrue(model.emitted.get() < 150, "stopped after " + model.emitted.get() + " of 200 words");
            } finally {
                app.stop();
            }
        }
    }
}
