package ai.hybridchat.server.http;

import ai.hybridchat.server.chat.SampleQuestion;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code GET /api/samples}: example questions the UI offers as one-click prompts:
 * {@code questions} (the texts) and {@code samples} (each with the split it comes from).
 */
public final class SamplesHandler {
    private final List<SampleQuestion> samples;

    public record Samples(List<String> questions, List<SampleQuestion> samples) {
    }

    public SamplesHandler(List<SampleQuestion> samples) {
        this.samples = List.copyOf(samples);
    }

    public void samples(Context ctx) {
        ctx.json(new Samples(samples.stream().map(SampleQuestion::question).toList(), samples));
    }
}
