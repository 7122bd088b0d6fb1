package ai.hybridchat.server.http;

import ai.hybridchat.core.Answer;
import ai.hybridchat.core.Citation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON of one answer, as {@code POST /api/chat} returns it and the last SSE event carries it. */
public record ChatReply(String answer, String mode, List<CitationView> citations, String model, String adapter,
                        Map<String, Long> timings, String conversationId, int historyDropped) {

    /** A citation as the client sees it: plain-text snippet, no server paths. */
    public record CitationView(String docId, String title, String snippet, double score, String chunkId, String source) {
        static CitationView of(Citation c) {
            return new CitationView(c.docId(), c.title(), c.snippet(), c.score(), c.chunkId(), c.source());
        }
    }

    static final List<String> TIMING_ORDER = List.of("retrievalMs", "generationMs", "totalMs");

    public static ChatReply of(Answer a, String conversationId) {
        // retrieval, generation, total first, in that order; then anything else a service reports
        Map<String, Long> timings = new LinkedHashMap<>();
        TIMING_ORDER.stream().filter(a.timingsMs()::containsKey).forEach(k -> timings.put(k, a.timingsMs().get(k)));
        new TreeMap<>(a.timingsMs()).forEach(timings::putIfAbsent);
        return new ChatReply(a.answer(), a.mode().wireName(), a.citations().stream().map(CitationView::of).toList(),
                a.model(), a.adapter(), timings, conversationId, a.historyDropped());
    }
}
