package ai.hybridchat.server.http;

import io.javalin.http.Context;

import java.util.List;

/** {@code GET /api/samples}: example questions the UI offers as one-click prompts. */
public final class SamplesHandler {
    private final List<String> questions;

    public record Samples(List<String> questions) {
    }

    public SamplesHandler(List<String> questions) {
        this.questions = List.copyOf(questions);
    }

    public void samples(Context ctx) {
        ctx.json(new Samples(questions));
    }
}
