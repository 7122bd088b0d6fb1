package ai.hybridchat.server.http;

import ai.hybridchat.core.Answer;
import ai.hybridchat.core.Citation;
import ai.hybridchat.core.Timings;
import java.util.List;

/** The JSON of one answer, as {@code POST /api/chat} returns it and the last SSE event carries it. */
public record ChatReply(String answer, String mode, List<CitationView> citations, String model, String adapter,
                        Timings timings, String conversationId, int historyDropped) {

    /** A citation as the client sees it: plain-text snippet, no server paths. */
    public record CitationView(String docId, String title, String snippet, double score, String chunkId, String source) {
        static CitationView of(Citation c) {
            return new CitationView(c.docId(), c.title(), c.snippet(), c.score(), c.chunkId(), c.source());
        }
    }

    public static ChatReply of(Answer a, String conversationId) {
        return new ChatReply(a.answer(), a.mode().wireName(), a.citations().stream().map(CitationView::of).toList(),
                a.model(), a.adapter(), a.timings(), conversationId, a.historyDropped());
    }
}
