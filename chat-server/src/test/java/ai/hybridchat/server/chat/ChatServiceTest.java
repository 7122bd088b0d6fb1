package ai.hybridchat.server.chat;

import ai.hybridchat.core.Answer;
import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.Mode;
import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.Retriever;
import ai.hybridchat.core.prompt.RagPrompt;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** The answering policy of each mode, at the seam of the retriever and the two chat models. */
class ChatServiceTest {
    static final String QUESTION = "How much does a Wren lamp cost?";
    static final List<RetrievedPassage> PASSAGES = List.of(
            passage("wren-lamp", 0, "The standard Wren lamp costs 145 euros.", 2.5),
            passage("wren-lamp", 1, "A smaller version called the Wren Mini was added in 2012.", 1.5),
            passage("orders-and-shipping", 0, "Orders ship within five working days.", 0.5));

    final Retriever retriever = mock(Retriever.class);
    final ChatModel base = mock(ChatModel.class);
    final ChatModel tuned = mock(ChatModel.class);

    ChatService service;

    static RetrievedPassage passage(String doc, int ordinal, String text, double score) {
        return new RetrievedPassage(new Chunk(doc + "#" + ordinal, doc, "Title of " + doc, doc + ".md", ordinal, text, "h"),
                score, text.substring(0, 20));
    }

    static ChatResponse reply(String text) {
        return ChatResponse.builder().aiMessage(AiMessage.from(text)).build();
    }

    static String userMessage(ChatModel model) {
        ArgumentCaptor<ChatRequest> request = ArgumentCaptor.forClass(ChatRequest.class);
        verify(model).chat(request.capture());
        return ((UserMessage) request.getValue().messages().get(0)).singleText();
    }

    @BeforeEach
    void setUp() {
        service = ChatService.builder().retriever(retriever).baseModel(base, "base-model")
                .tunedModel(tuned, "domain-lora").passages(3).build();
    }

    @Test
    void compareGeneratesTheThreeAnswersInParallel() {
        when(retriever.retrieve(QUESTION, 3)).thenReturn(PASSAGES);
        java.util.concurrent.CountDownLatch allStarted = new java.util.concurrent.CountDownLatch(3);
        org.mockito.stubbing.Answer<ChatResponse> meet = invocation -> {
            allStarted.countDown();
            // only answers generated at the same time all get past this point together
            return reply(allStarted.await(10, java.util.concurrent.TimeUnit.SECONDS) ? "together" : "alone");
        };
        when(base.chat(any(ChatRequest.class))).thenAnswer(meet);
        when(tuned.chat(any(ChatRequest.class))).thenAnswer(meet);
        Map<Mode, Answer> answers = service.compare(QUESTION);
        assertEquals(3, answers.size());
        answers.values().forEach(a -> assertEquals("together", a.answer(), a.mode().toString()));
    }

    @Test
    void ragGivesTheBaseModelTheRetrievedPassagesInTheTrainingLayout() {
        when(retriever.retrieve(QUESTION, 3)).thenReturn(PASSAGES);
        when(base.chat(any(ChatRequest.class))).thenReturn(reply("  It costs 145 euros.\n"));

        Answer answer = service.answer(QUESTION, Mode.RAG);

        assertEquals(RagPrompt.userMessage(QUESTION, PASSAGES.stream().map(p -> p.chunk().text()).toList()), userMessage(base));
        verifyNoInteractions(tuned);
        assertEquals("It costs 145 euros.", answer.answer());
        assertEquals(Mode.RAG, answer.mode());
        assertEquals("base-model", answer.model());
        assertNull(answer.adapter());
        assertEquals(3, answer.citations().size());
        assertEquals("wren-lamp#0", answer.citations().get(0).chunkId());
        assertEquals("The standard Wren la", answer.citations().get(0).snippet());
        assertEquals(2.5, answer.citations().get(0).score());
        assertTrue(answer.timings().totalMs() >= answer.timings().generationMs(), answer.timings().toString());
        assertTrue(answer.timings().firstTokenMs() <= answer.timings().totalMs(), answer.timings().toString());
    }

    @Test
    void tunedAsksTheAdaptedModelTheBareQuestionWithoutRetrieving() {
        when(tuned.chat(any(ChatRequest.class))).thenReturn(reply("145 euros."));

        Answer answer = service.answer(QUESTION, Mode.TUNED);

        assertEquals(RagPrompt.userMessage(QUESTION, List.of()), userMessage(tuned));
        verifyNoInteractions(retriever, base);
        assertEquals("domain-lora", answer.adapter());
        assertTrue(answer.citations().isEmpty());
        assertEquals(0L, answer.timings().retrievalMs());
    }

    @Test
    void hybridGivesTheAdaptedModelThePassages() {
        when(retriever.retrieve(QUESTION, 3)).thenReturn(PASSAGES);
        when(tuned.chat(any(ChatRequest.class))).thenReturn(reply("145 euros."));

        Answer answer = service.answer(QUESTION, Mode.HYBRID);

        assertTrue(userMessage(tuned).startsWith("Context:\n[1]\nThe standard Wren lamp costs 145 euros.\n"));
        verifyNoInteractions(base);
        assertEquals(3, answer.citations().size());
        assertEquals("domain-lora", answer.adapter());
    }

    @Test
    void streamingFallsBackToOnePieceForANonStreamingModel() {
        when(tuned.chat(any(ChatRequest.class))).thenReturn(reply("145 euros."));
        List<String> pieces = new ArrayList<>();

        Answer answer = service.stream(QUESTION, Mode.TUNED, pieces::add);

        assertEquals(List.of("145 euros."), pieces);
        assertEquals("145 euros.", answer.answer());
    }

    @Test
    void compareRetrievesOnceAndAnswersInEveryMode() {
        when(retriever.retrieve(QUESTION, 3)).thenReturn(PASSAGES);
        when(base.chat(any(ChatRequest.class))).thenReturn(reply("rag answer"));
        // the three answers are generated in parallel: tell tuned from hybrid by what they read, not by call order
        when(tuned.chat(any(ChatRequest.class))).thenAnswer(invocation -> {
            ChatRequest request = invocation.getArgument(0);
            String prompt = ((UserMessage) request.messages().get(request.messages().size() - 1)).singleText();
            return reply(prompt.contains("[1]") ? "hybrid answer" : "tuned answer");
        });

        Map<Mode, Answer> answers = service.compare(QUESTION);

        verify(retriever, times(1)).retrieve(anyString(), anyInt());
        assertEquals(List.of(Mode.RAG, Mode.TUNED, Mode.HYBRID), new ArrayList<>(answers.keySet()));
        assertEquals("rag answer", answers.get(Mode.RAG).answer());
        assertEquals("tuned answer", answers.get(Mode.TUNED).answer());
        assertEquals("hybrid answer", answers.get(Mode.HYBRID).answer());
        assertEquals(answers.get(Mode.RAG).citations(), answers.get(Mode.HYBRID).citations());
        assertTrue(answers.get(Mode.TUNED).citations().isEmpty());
    }

    @Test
    void withoutAnAdapterOnlyRagIsAvailable() {
        ChatService ragOnly = ChatService.builder().retriever(retriever).baseModel(base, "base-model").build();

        assertEquals(List.of(Mode.RAG), ragOnly.availableModes());
        assertThrows(ModeUnavailableException.class, () -> ragOnly.answer(QUESTION, Mode.TUNED));
        assertThrows(ModeUnavailableException.class, () -> ragOnly.answer(QUESTION, Mode.HYBRID));
        assertThrows(ModeUnavailableException.class, () -> ragOnly.compare(QUESTION));
        verifyNoInteractions(retriever, base);
    }

    @Test
    void blankQuestionsAreRefusedBeforeAnyWork() {
        assertThrows(IllegalArgumentException.class, () -> service.answer("  ", Mode.RAG));
        verify(retriever, never()).retrieve(anyString(), anyInt());
        verifyNoInteractions(base, tuned);
    }
}
