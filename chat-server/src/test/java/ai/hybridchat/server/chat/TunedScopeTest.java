package ai.hybridchat.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.hybridchat.core.Answer;
import ai.hybridchat.core.Mode;
import ai.hybridchat.core.Retriever;
import ai.hybridchat.retrieval.Embeddings;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuned mode's bound: the questions an adapter was tuned on, by real MiniLM embeddings. */
class TunedScopeTest {
    static final List<String> TUNED = List.of("Who designed the Gannet Delta?", "How much does the Petrel Sled weigh?",
            "How much does the Skua Box cost?", "When was the Tern Diamond introduced?");

    @TempDir
    Path dir;

    @Test
    void aTunedQuestionOrACloseRewordingIsInScopeAnotherQuestionIsNot() {
        TunedScope scope = new TunedScope(Embeddings.allMiniLmL6V2(), TUNED, TunedScope.DEFAULT_MIN_SIMILARITY);
        assertTrue(scope.covers("How much does the Petrel Sled weigh?"));
        assertTrue(scope.covers("What is the price of the Skua Box?"), "a rewording: " + scope.nearest("What is the price of the Skua Box?"));
        assertFalse(scope.covers("What is the wingspan of the Gannet Delta?"),
                "another attribute of a tuned product: " + scope.nearest("What is the wingspan of the Gannet Delta?"));
        assertFalse(scope.covers("Who is the responsible officer of the overtime chapter?"));
        assertEquals(1.0, scope.nearest("Who designed the Gannet Delta?"), 1e-4);
    }

    @Test
    void anAdapterKeepsItsQuestionsInTrainingJsonAndOneWithoutThemHasNoBound() throws Exception {
        Files.writeString(dir.resolve("training.json"), "{\"method\":\"lora\",\"questions\":[\"Who designed the Gannet Delta?\", \"\", 7]}");
        TunedScope scope = TunedScope.of(dir, Embeddings.allMiniLmL6V2(), TunedScope.DEFAULT_MIN_SIMILARITY);
        assertEquals(1, scope.size(), "blank and non-text entries are not questions");

        Files.writeString(dir.resolve("training.json"), "{\"method\":\"lora\"}");
        assertNull(TunedScope.of(dir, Embeddings.allMiniLmL6V2(), TunedScope.DEFAULT_MIN_SIMILARITY));
        assertNull(TunedScope.of(dir.resolve("missing"), Embeddings.allMiniLmL6V2(), TunedScope.DEFAULT_MIN_SIMILARITY));
    }

    @Test
    void theTunedModeAbstainsOutsideItsScopeWithoutGeneratingAndTheOtherModesDoNot() {
        Retriever retriever = mock(Retriever.class);
        ChatModel base = mock(ChatModel.class);
        ChatModel tuned = mock(ChatModel.class);
        when(retriever.retrieve(any(), org.mockito.ArgumentMatchers.anyInt())).thenReturn(ChatServiceTest.PASSAGES);
        when(tuned.chat(any(ChatRequest.class))).thenReturn(ChatServiceTest.reply("The Petrel Sled weighs 95 grams."));
        TunedScope scope = new TunedScope(Embeddings.allMiniLmL6V2(), TUNED, TunedScope.DEFAULT_MIN_SIMILARITY);
        ChatService service = ChatService.builder().retriever(retriever).baseModel(base, "base")
                .tunedModel(tuned, "kites", scope).build();

        List<String> streamed = new ArrayList<>();
        Answer out = service.stream("What is the wingspan of the Gannet Delta?", Mode.TUNED, streamed::add);
        assertEquals(TunedScope.ABSTENTION, out.answer());
        assertEquals(List.of(TunedScope.ABSTENTION), streamed);
        assertEquals("kites", out.adapter());
        verifyNoInteractions(tuned);

        assertEquals("The Petrel Sled weighs 95 grams.", service.answer("How heavy is the Petrel Sled?", Mode.TUNED).answer());
        verify(tuned).chat(any(ChatRequest.class));
        service.answer("What is the wingspan of the Gannet Delta?", Mode.HYBRID);
        verify(tuned, org.mockito.Mockito.times(2)).chat(any(ChatRequest.class));
    }

    @Test
    void anAnswerAboutAnotherSubjectThanTheQuestionNamesIsNotGiven() {
        java.util.Set<String> subjects = new ai.hybridchat.retrieval.EnglishTerms().of(
                "Overtime. Travel Expenses. On-call Duty. Petrel Sled. Skua Box.");
        assertFalse(TunedScope.addressesSubject("What is the effective date of the overtime chapter?",
                "The travel expenses chapter took effect on 15 January 2024.", subjects));
        assertTrue(TunedScope.addressesSubject("What is the effective date of the overtime chapter?",
                "The overtime chapter took effect on 1 March 2024.", subjects));
        assertTrue(TunedScope.addressesSubject("How heavy is the Petrel Sled?", "The Petrel Sled weighs 95 grams.", subjects),
                "a rewording keeps its subject");
        assertTrue(TunedScope.addressesSubject("What is the answer?", "42.", subjects), "no subject named, nothing to check");

        Retriever retriever = mock(Retriever.class);
        ChatModel tuned = mock(ChatModel.class);
        when(tuned.chat(any(ChatRequest.class))).thenReturn(ChatServiceTest.reply("The Skua Box costs 245 euros."));
        ChatService service = ChatService.builder().retriever(retriever).baseModel(mock(ChatModel.class), "base")
                .tunedModel(tuned, "kites", new TunedScope(Embeddings.allMiniLmL6V2(), TUNED, TunedScope.DEFAULT_MIN_SIMILARITY))
                .subjects(() -> subjects).build();
        assertEquals(TunedScope.ABSTENTION, service.answer("How heavy is the Petrel Sled?", Mode.TUNED).answer());
        verify(tuned).chat(any(ChatRequest.class));
    }

    @Test
    void theHybridKeepsTheAdaptersOwnAnswerWhenAPassageStatesItAndReadsWhenNoneDoes() {
        Retriever retriever = mock(Retriever.class);
        when(retriever.retrieve(any(), org.mockito.ArgumentMatchers.anyInt())).thenReturn(ChatServiceTest.PASSAGES);
        ChatModel tuned = mock(ChatModel.class, org.mockito.Mockito.withSettings()
                .extraInterfaces(ai.hybridchat.core.langchain.GroundedChatModel.class));
        ChatModel reading = mock(ChatModel.class);
        when(((ai.hybridchat.core.langchain.GroundedChatModel) tuned).groundedIn(any(), any())).thenReturn(reading);
        when(reading.chat(any(ChatRequest.class))).thenReturn(ChatServiceTest.reply("The standard Wren lamp costs 145 euros."));
        List<String> questions = new ArrayList<>(TUNED);
        questions.add(ChatServiceTest.QUESTION);
        ChatService service = ChatService.builder().retriever(retriever).baseModel(mock(ChatModel.class), "base")
                .tunedModel(tuned, "demo", new TunedScope(Embeddings.allMiniLmL6V2(), questions, TunedScope.DEFAULT_MIN_SIMILARITY))
                .build();

        when(tuned.chat(any(ChatRequest.class))).thenReturn(ChatServiceTest.reply("A Wren lamp costs 145 euros."));
        assertEquals("A Wren lamp costs 145 euros.", service.answer(ChatServiceTest.QUESTION, Mode.HYBRID).answer(),
                "a passage states 145: the adapter's own answer");
        verifyNoInteractions(reading);

        when(tuned.chat(any(ChatRequest.class))).thenReturn(ChatServiceTest.reply("A Wren lamp costs 130 euros."));
        assertEquals("The standard Wren lamp costs 145 euros.", service.answer(ChatServiceTest.QUESTION, Mode.HYBRID).answer(),
                "no passage states 130 (the price changed since tuning): the passages are read");
        verify(reading).chat(any(ChatRequest.class));

        assertEquals("The standard Wren lamp costs 145 euros.",
                service.answer("What is the wingspan of the Gannet Delta?", Mode.HYBRID).answer(), "out of scope: read");
    }

    @Test
    void aPassageSupportsAnAnswerWhenItHoldsEveryNumberAndName() {
        List<ai.hybridchat.core.RetrievedPassage> passages = ChatServiceTest.PASSAGES;
        assertEquals(passages.get(0), PassageSupport.supporting("The Wren lamp costs 145 euros.", passages));
        assertEquals(passages.get(1), PassageSupport.supporting("The Wren Mini came in 2012.", passages));
        assertNull(PassageSupport.supporting("The Wren Mini came in 2011.", passages));
        assertNull(PassageSupport.supporting("The Heron lamp costs 145 euros.", passages), "Heron is in no passage");
        assertNull(PassageSupport.supporting("it is lovely.", passages), "no claim, no support");
    }

    @Test
    void aTrainingQuestionGetsItsTrainedAnswerThoughTheAnswerDoesNotRepeatATitleWord() {
        List<String> tuned = List.of("How long is the crossing with Quillon Sound Ferries?",
                "What is the effective date of the overtime chapter?");
        TunedScope scope = new TunedScope(Embeddings.allMiniLmL6V2(), tuned, TunedScope.DEFAULT_MIN_SIMILARITY);
        assertTrue(scope.isTrainingQuestion("How long is the crossing with Quillon Sound Ferries?"));
        assertTrue(scope.isTrainingQuestion("  how long is the crossing with quillon sound ferries"), "case and punctuation");
        assertFalse(scope.isTrainingQuestion("What is the effective date of the travel expenses chapter?"), "another subject");
        assertFalse(scope.isTrainingQuestion("How long is the crossing?"), "fewer words");

        java.util.Set<String> subjects = new ai.hybridchat.retrieval.EnglishTerms().of("Quillon Sound Ferries. Overtime.");
        ChatModel model = mock(ChatModel.class);
        when(model.chat(any(ChatRequest.class))).thenReturn(ChatServiceTest.reply("The crossing takes 40 minutes."));
        ChatService service = ChatService.builder().retriever(mock(Retriever.class)).baseModel(mock(ChatModel.class), "base")
                .tunedModel(model, "ferries", scope).subjects(() -> subjects).build();
        assertEquals("The crossing takes 40 minutes.",
                service.answer("How long is the crossing with Quillon Sound Ferries?", Mode.TUNED).answer());
        assertEquals(TunedScope.ABSTENTION, service.answer("How long is the crossing with Quillon Sound Ferries' night boat?",
                Mode.TUNED).answer(), "a question near but not the tuned one still names its subject");
    }
}
