package ai.hybridchat.server.eval;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.Mode;
import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.Retriever;
import ai.hybridchat.server.chat.ChatService;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class EvalRunnerTest {
    static ChatResponse reply(String text) {
        return ChatResponse.builder().aiMessage(AiMessage.from(text)).build();
    }

    @Test
    void scoresEachModeAndSummarises() {
        Retriever retriever = mock(Retriever.class);
        when(retriever.retrieve(anyString(), anyInt())).thenReturn(List.of(new RetrievedPassage(
                new Chunk("wren-lamp#0", "wren-lamp", "The Wren Lamp", "wren-lamp.md", 0, "The Wren lamp costs 145 euros.", "h"),
                1.0, "The Wren lamp costs 145 euros.")));
        ChatModel base = mock(ChatModel.class);
        ChatModel tuned = mock(ChatModel.class);
        when(base.chat(any(ChatRequest.class))).thenReturn(reply("It costs 145 euros."));
        when(tuned.chat(any(ChatRequest.class))).thenReturn(reply("I do not know."));
        ChatService chat = ChatService.builder().retriever(retriever).baseModel(base, "b").tunedModel(tuned, "t").build();
        List<QaItem> items = List.of(
                new QaItem("How much does a Wren lamp cost?", "The Wren lamp costs 145 euros.", List.of("wren-lamp"), "145 euros"),
                new QaItem("Who designed it?", "Greta Pennimore designed it.", List.of("history"), null));

        EvalRunner.Result result = new EvalRunner(chat).run(items, List.of(Mode.RAG, Mode.TUNED), line -> { });

        assertEquals(4, result.rows().size());
        EvalRunner.ModeSummary rag = result.summaries().get(0);
        assertEquals("rag", rag.mode());
        assertEquals(2, rag.questions());
        assertEquals(0.5, rag.factAccuracy(), 1e-9, "the first item's fact is there; the second's, derived from "
                + "its reference (Greta Pennimore), is not");
        assertEquals(0.5, rag.supportedRate(), 1e-9, "the found fact is in the cited passage");
        assertNull(rag.crossDocumentErrors(), "no collection to check against");
        assertEquals("greta pennimore", result.rows().get(1).fact());
        assertEquals(0.5, rag.citationHitRate(), 1e-9, "wren-lamp cited for both, named by the first only");
        EvalRunner.ModeSummary tunedSummary = result.summaries().get(1);
        assertEquals(0.0, tunedSummary.factAccuracy(), 1e-9);
        assertNull(tunedSummary.citationHitRate(), "tuned answers cite nothing, so there is no citation score");
    }

    @Test
    void percentilesUseTheNearestRank() {
        assertEquals(3, EvalRunner.percentile(List.of(1L, 2L, 3L, 4L, 5L), 0.5));
        assertEquals(5, EvalRunner.percentile(List.of(1L, 2L, 3L, 4L, 5L), 0.95));
        assertEquals(0, EvalRunner.percentile(List.of(), 0.5));
    }

    @Test
    void modesThatNeedAnAdapterAreRefusedUpFront() {
        ChatService ragOnly = ChatService.builder().retriever(mock(Retriever.class)).baseModel(mock(ChatModel.class), "b").build();
        List<QaItem> items = List.of(new QaItem("q", "a", List.of(), null));
        assertThrows(IllegalStateException.class, () -> new EvalRunner(ragOnly).run(items, List.of(Mode.HYBRID), line -> { }));
    }
}
