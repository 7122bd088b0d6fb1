package ai.hybridchat.core.langchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.hybridchat.core.model.CopyPointer;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.reader.SentenceScorer;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassagePointerTest {
    private static final List<String> WORDS = List.of("<end>", "the", "lamp", "costs", "145", "euros.", "chair", "is",
            "tobias.", "who", "what", "does", "cost?", "is?", "board", "of");

    /** Texts the stand-in embedding model was asked for, in order. */
    private static final List<String> EMBEDDED = java.util.Collections.synchronizedList(new ArrayList<>());

    /** A stand-in for the sentence-embedding seam: bag of words, so relevance is word overlap. */
    private static final EmbeddingModel BAG_OF_WORDS = new EmbeddingModel() {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            segments.forEach(s -> EMBEDDED.add(s.text()));
            List<Embedding> out = new ArrayList<>();
            for (TextSegment s : segments) {
                float[] v = new float[WORDS.size()];
                for (String w : s.text().toLowerCase(Locale.ROOT).split(" ")) {
                    int i = WORDS.indexOf(w);
                    if (i > 0) {
                        v[i] += 1;
                    }
                }
                out.add(Embedding.from(v));
            }
            return Response.from(out);
        }
    };

    @TempDir
    Path dir;

    @Test
    void passagesSplitIntoTheirSentences() {
        assertEquals(List.of("The lamp costs 145 euros.", "It is 38 cm tall!", "Who made it?", "Greta did."),
                PassagePointer.sentences("The lamp costs 145 euros. It is 38 cm tall!  Who made it? Greta did."));
    }

    @Test
    void thePointerEntersTheSentenceMostRelevantToTheQuestionAndEndsWithIt() throws IOException {
        TextTokenizer tokenizer = wordTokenizer();
        PassagePointer pointer = new PassagePointer(BAG_OF_WORDS, 0.5, SentenceScorer.cosineBaseline());
        CopyPointer copy = pointer.forPassages("What does the lamp cost?", List.of(
                PassagePointer.passage("board", "board", "The chair of the board is Tobias.", 1),
                PassagePointer.passage("lamp", "lamp", "Tobias is chair. The lamp costs 145 euros.", 1)), tokenizer, 0);
        float[] flat = new float[WORDS.size() + 1];
        long[] answer = tokenizer.encode("The lamp costs 145 euros.");
        List<Long> sofar = new ArrayList<>();
        for (long expected : answer) {
            assertEquals(expected, argmax(copy.mix(flat.clone(), sofar)), "after " + sofar);
            sofar.add(expected);
        }
        assertEquals(0, argmax(copy.mix(flat.clone(), sofar)), "the copied sentence ends the answer");
        assertNull(pointer.forPassages("What does the lamp cost?", List.of(), tokenizer, 0));
        assertThrows(IllegalArgumentException.class, () -> new PassagePointer(BAG_OF_WORDS, 0));
    }

    @Test
    void aSentenceIsEmbeddedOnceAcrossQuestions() throws IOException {
        TextTokenizer tokenizer = wordTokenizer();
        PassagePointer pointer = new PassagePointer(BAG_OF_WORDS, 0.5, SentenceScorer.cosineBaseline());
        List<ai.hybridchat.core.RetrievedPassage> passages = List.of(
                PassagePointer.passage("a", "a", "The lamp costs 145 euros. The chair is Tobias.", 2),
                PassagePointer.passage("b", "b", "The lamp costs 145 euros.", 1));
        EMBEDDED.clear();
        pointer.forPassages("What does the lamp cost?", passages, tokenizer, 0);
        assertEquals(List.of("What does the lamp cost?", "The lamp costs 145 euros.", "The chair is Tobias.",
                "The lamp costs 145 euros. The chair is Tobias."), EMBEDDED, "each text once: sentences, and a sentence after the one before it");
        EMBEDDED.clear();
        pointer.forPassages("Who is the chair?", passages, tokenizer, 0);
        assertEquals(List.of("Who is the chair?"), EMBEDDED, "the second question reuses the sentences' vectors");
    }

    @Test
    void headingsAreContextNeverSentencesAndEverySentenceKnowsItsDocument() {
        var units = ai.hybridchat.core.reader.SentenceUnits.of(List.of(
                PassagePointer.passage("tallow", "Tallow lamp", "# Tallow lamp\n\nThe Tallow lamp costs 99 crowns.\n\n"
                        + "## Care\n\n- It needs new wicks. Clean it weekly.", 1).chunk()));
        assertEquals(List.of("The Tallow lamp costs 99 crowns.", "It needs new wicks.", "Clean it weekly."),
                units.stream().map(ai.hybridchat.core.reader.SentenceUnit::sentence).toList());
        assertEquals("Tallow lamp", units.get(0).context());
        assertEquals("Tallow lamp, Care: It needs new wicks.", units.get(1).inContext());
    }

    private TextTokenizer wordTokenizer() throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        WORDS.forEach(w -> vocab.put(w, vocab.size()));
        vocab.put("[UNK]", vocab.size());
        StringBuilder json = new StringBuilder("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
                + "\"normalizer\":{\"type\":\"Lowercase\"},\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},"
                + "\"post_processor\":null,\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"unk_token\":\"[UNK]\",\"vocab\":{");
        vocab.forEach((w, i) -> json.append('"').append(w).append("\":").append(i).append(','));
        json.setLength(json.length() - 1);
        json.append("}}}");
        Files.writeString(dir.resolve("tokenizer.json"), json);
        return TextTokenizer.load(dir);
    }

    private static int argmax(float[] xs) {
        int best = 0;
        for (int i = 1; i < xs.length; i++) {
            if (xs[i] > xs[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void aSentenceWithoutTheAskedKindOfAnswerIsFollowedByTheNextThatHasIt() {
        ai.hybridchat.core.reader.SentenceUnit topic = new ai.hybridchat.core.reader.SentenceUnit(0,
                "A full restoration followed in 1996.", "Wharf Street Bridge", "");
        ai.hybridchat.core.reader.SentenceUnit next = new ai.hybridchat.core.reader.SentenceUnit(0,
                "It was funded by the Stavely Canal Society.", "Wharf Street Bridge", topic.sentence());
        List<PassagePointer.Candidate> both = List.of(new PassagePointer.Candidate(topic, new double[0], 0.7), new PassagePointer.Candidate(next, new double[0], 0.3));

        assertEquals("A full restoration followed in 1996. It was funded by the Stavely Canal Society.",
                PassagePointer.withContinuation("Which group funded the restoration?", topic, both));
        assertEquals("A full restoration followed in 1996.",
                PassagePointer.withContinuation("In what year was it restored?", topic, both), "the sentence has a year");
        assertEquals("It was funded by the Stavely Canal Society.",
                PassagePointer.withContinuation("Which group funded the restoration?", next, both));
        ai.hybridchat.core.reader.SentenceUnit elsewhere = new ai.hybridchat.core.reader.SentenceUnit(1,
                "It was funded by the Lisk Trust.", "Other", "");
        assertEquals("A full restoration followed in 1996.", PassagePointer.withContinuation("Who funded it?", topic,
                List.of(new PassagePointer.Candidate(topic, new double[0], 0.7), new PassagePointer.Candidate(elsewhere, new double[0], 0.3))),
                "never a sentence of another paragraph");
    }

    @Test
    void theQuestionsOwnNamesAreNotTheAnswerItAsksFor() {
        ai.hybridchat.core.reader.SentenceUnit topic = new ai.hybridchat.core.reader.SentenceUnit(0,
                "The deck of Swan Meadow Bridge was resurfaced in 2017.", "Swan Meadow Bridge", "");
        ai.hybridchat.core.reader.SentenceUnit next = new ai.hybridchat.core.reader.SentenceUnit(0,
                "The Ashcombe Rotary Club paid for the work.", "Swan Meadow Bridge", topic.sentence());
        List<PassagePointer.Candidate> both = List.of(new PassagePointer.Candidate(topic, new double[0], 0.7),
                new PassagePointer.Candidate(next, new double[0], 0.3));
        // "Swan Meadow Bridge" looks like a name, but the question gives it: the payer is in the next sentence
        assertEquals(topic.sentence() + " " + next.sentence(),
                PassagePointer.withContinuation("Who paid to resurface Swan Meadow Bridge in 2017?", topic, both));
    }

    @Test
    void aQuestionOfNoKindTakesTheNextSentenceWhenItRefersBack() {
        ai.hybridchat.core.reader.SentenceUnit topic = new ai.hybridchat.core.reader.SentenceUnit(0,
                "A concession rate is offered to students and pensioners.", "Pottery", "");
        ai.hybridchat.core.reader.SentenceUnit refersBack = new ai.hybridchat.core.reader.SentenceUnit(0,
                "It is 109 pounds.", "Pottery", topic.sentence());
        ai.hybridchat.core.reader.SentenceUnit newTopic = new ai.hybridchat.core.reader.SentenceUnit(0,
                "Clay is included in the fee.", "Pottery", topic.sentence());
        assertEquals("A concession rate is offered to students and pensioners. It is 109 pounds.",
                PassagePointer.withContinuation("Is there a discount for pensioners?", topic, List.of(
                        new PassagePointer.Candidate(topic, new double[0], 0.7), new PassagePointer.Candidate(refersBack, new double[0], 0.3))));
        assertEquals(topic.sentence(), PassagePointer.withContinuation("Is there a discount for pensioners?", topic, List.of(
                new PassagePointer.Candidate(topic, new double[0], 0.7), new PassagePointer.Candidate(newTopic, new double[0], 0.3))),
                "a sentence that starts a new topic is not the rest of the answer");
    }
}
