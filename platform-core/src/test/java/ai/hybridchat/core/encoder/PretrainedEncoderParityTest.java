package ai.hybridchat.core.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pretrained all-MiniLM-L6-v2, its weights read from the ONNX file in LangChain4j's jar and run
 * on DJL, against LangChain4j's own embeddings of the same file through ONNX Runtime (an engine
 * nobody here wrote): 200 varied texts, each vector at cosine >= 0.9999.
 */
class PretrainedEncoderParityTest {
    private static NDManager manager;
    private static SentenceEncoder encoder;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        encoder = BundledEncoder.ALL_MINILM_L6_V2.load(manager);
    }

    @AfterAll
    static void close() {
        encoder.close();
        manager.close();
    }

    @Test
    void embeddingsOf200TextsEqualOnnxRuntimes() {
        List<String> texts = texts();
        assertEquals(200, texts.size());
        EmbeddingModel onnx = new AllMiniLmL6V2EmbeddingModel();
        float[][] ours = encoder.embed(texts);
        double worst = 1;
        String worstText = "";
        for (int i = 0; i < texts.size(); i++) {
            float[] theirs = onnx.embed(TextSegment.from(texts.get(i))).content().vector();
            double c = cosine(ours[i], theirs);
            if (c < worst) {
                worst = c;
                worstText = texts.get(i);
            }
        }
        assertTrue(worst >= 0.9999, "lowest cosine " + worst + " for: " + worstText);
        assertEquals(384, encoder.dimension());
    }

    @Test
    void aSavedFolderLoadsBackToTheSameVectors() throws Exception {
        List<String> texts = texts().subList(0, 20);
        float[][] before = encoder.embed(texts);
        encoder.save(tmp.resolve("minilm"));
        try (SentenceEncoder copy = SentenceEncoder.load(tmp.resolve("minilm"), manager)) {
            float[][] after = copy.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertTrue(cosine(before[i], after[i]) > 0.999999, texts.get(i));
            }
            assertEquals(Pooling.MEAN, copy.pooling());
        }
    }

    @Test
    void batchingAndPaddingDoNotChangeAVector() {
        List<String> texts = texts();
        float[][] batched = encoder.embed(texts.subList(0, 40));
        for (int i = 0; i < 40; i += 7) {
            float[] alone = encoder.embed(List.of(texts.get(i)))[0];
            assertTrue(cosine(alone, batched[i]) > 0.99999, texts.get(i));
        }
    }

    /** Questions, document sentences, headings, numbers, punctuation, accents, other scripts, tiny and over-long text, word salad (LangChain4j refuses blank text). */
    static List<String> texts() {
        List<String> t = new ArrayList<>(List.of(
                "What is the price of the Kestrel 300?", "It costs 85 euros.", "# Ferry timetable",
                "Pensioners pay 52 pounds.", "Is there a cheaper rate for the choir if I'm retired?",
                "The bridge was rebuilt in 1767 after the flood.", "Key facts: span 42 m, three arches, Grade II listed.",
                "Claims over £250 need the Finance Officer's approval within 14 days.", "naïve café résumé déjà vu",
                "Ünïcödé, ümlauts and ß", "東京は日本の首都です。", "Привет, как дела?", "مرحبا بالعالم", "😀 emoji 🚢 ferry",
                "-", "x y", "a", "A.", "???", "3.14159 2.71828 1.41421", "e-mail: someone@example.org, https://example.org/x?y=1",
                "line one\nline two\n\nline four", "tab\tseparated\tvalues", "ALL CAPS SHOUTING TEXT",
                "Semi-colons; dashes — and ellipses…", "C++ and C# and F# are languages.", "2026-12-02T06:34:34Z",
                "The quick brown fox jumps over the lazy dog.", "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
                "Return tickets are valid for one month; singles only on the day of travel.",
                "Dogs travel free on all routes if kept on a lead.", "unbelievably uncharacteristically antidisestablishmentarianism"));
        t.add("word ".repeat(300).trim()); // beyond the tokenizer's 128-token truncation
        t.add(String.join(" ", java.util.Collections.nCopies(60, "The ferry leaves at 09:15 from Quillon harbour.")));
        Random random = new Random(2026);
        String[] vocab = ("ferry bridge kite handbook claim officer price route ticket river arch flood stone mill class "
                + "course teacher evening fee refund deadline manager summer winter north south harbour island "
                + "the a of to and in is was for on with by at it this that from as be are 12 1889 42 7.50 £ € % ( ) , . ? !").split(" ");
        while (t.size() < 200) {
            int n = 1 + random.nextInt(random.nextInt(4) == 0 ? 90 : 20);
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < n; i++) {
                s.append(i == 0 ? "" : " ").append(vocab[random.nextInt(vocab.length)]);
            }
            t.add(s.toString());
        }
        return t;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
