package ai.hybridchat.server.http;

import ai.hybridchat.core.Mode;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.server.chat.ChatService;
import io.javalin.http.Context;

import java.util.List;

/** {@code GET /api/health}: up, which model and adapter answer, which modes work, how big the index is. */
public final class HealthHandler {
    private final ChatService chat;
    private final ChunkIndex index;

    public record Health(String status, String model, String adapter, List<String> modes, int documents, int chunks) {
    }

    public HealthHandler(ChatService chat, ChunkIndex index) {
        this.chat = chat;
        this.index = index;
    }

    public void health(Context ctx) {
        ctx.json(new Health("ok", chat.modelName(), chat.adapterName(),
                chat.availableModes().stream().map(Mode::wireName).toList(),
                index.documentCount(), index.chunkCount()));
    }
}
