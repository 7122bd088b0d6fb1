package ai.hybridchat.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.Generator;
import ai.hybridchat.core.testing.DemoModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streaming, stop strings, length and cancellation of the generator, on the real demo model and
 * its byte-level BPE tokenizer (greedy, so every run writes the same text).
 */
class GenerationStreamingTest {
    static final List<ChatTemplate.Message> PROMPT = List.of(new ChatTemplate.Message("user", "Question: What does the workshop make?"));

    static LocalLanguageModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LocalLanguageModel.load(DemoModel.folder());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static GenerationConfig greedy(int max, List<String> stops) {
        GenerationConfig g = GenerationConfig.greedy(max);
        return new GenerationConfig(g.maxNewTokens(), g.temperature(), g.topK(), g.topP(), g.repetitionPenalty(), g.seed(), stops);
    }

    @Test
    void streamedPiecesAddUpToTheDecodedTokens() {
        List<String> pieces = new ArrayList<>();
        Generator.Result r = model.chat(PROMPT, greedy(60, List.of()), pieces::add, null);
        assertTrue(r.text().length() > 20, r.text());
        assertTrue(pieces.size() > 5, pieces.toString());
        assertEquals(r.text(), String.join("", pieces));
        assertEquals(model.tokenizer().decode(r.tokenIds()), r.text());
    }

    @Test
    void aStopStringEndsTheTextBeforeIt() {
        String full = model.chat(PROMPT, greedy(60, List.of()), null, null).text();
        String stop = full.substring(12, 16);
        int at = full.indexOf(stop);
        List<String> pieces = new ArrayList<>();
        Generator.Result r = model.chat(PROMPT, greedy(60, List.of(stop, "never-written")), pieces::add, null);
        assertEquals(Generator.FinishReason.STOP_STRING, r.finishReason());
        assertEquals(full.substring(0, at), r.text());
        assertEquals(r.text(), String.join("", pieces), "nothing of the stop string reaches the listener");
    }

    @Test
    void lengthAndCancellationStopGeneration() {
        Generator.Result shortOne = model.chat(PROMPT, greedy(5, List.of()), null, null);
        assertEquals(5, shortOne.tokenIds().length);
        assertEquals(Generator.FinishReason.LENGTH, shortOne.finishReason());

        List<String> pieces = new ArrayList<>();
        Generator.Result cancelled = model.chat(PROMPT, greedy(60, List.of()), pieces::add, () -> pieces.size() >= 3);
        assertEquals(Generator.FinishReason.CANCELLED, cancelled.finishReason());
        assertTrue(cancelled.tokenIds().length < 10, "stopped soon after the third piece: " + cancelled.tokenIds().length);
    }
}
