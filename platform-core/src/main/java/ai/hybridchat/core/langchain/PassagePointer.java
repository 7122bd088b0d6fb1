package ai.hybridchat.core.langchain;

import ai.hybridchat.core.model.CopyPointer;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.prompt.RagPrompt;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Builds the {@link CopyPointer} for a question with retrieved passages: the passages' sentences
 * are the source, each weighted by its relevance to the question, so the pointer prefers to copy
 * the sentence that answers it. Relevance is the cosine of the question's and the sentence's
 * embeddings (the retriever's sentence-embedding model), sharpened by a softmax at temperature
 * {@value #TEMPERATURE}: sentences whose cosines differ by 0.1 then differ by e^2 in weight.
 *
 * @param embeddings the sentence-embedding model that scores relevance
 * @param weight     the pointer's gate λ in (0, 1)
 */
public record PassagePointer(EmbeddingModel embeddings, double weight) {
    static final double TEMPERATURE = 0.05;

    public PassagePointer {
        Objects.requireNonNull(embeddings, "embeddings");
        if (!(weight > 0 && weight < 1)) {
            throw new IllegalArgumentException("the copy weight must be in (0, 1), got " + weight);
        }
    }

    /**
     * The pointer for a {@link RagPrompt} user message, or null when it carries no passages. Each
     * sentence is followed by {@code endOfAnswer}: an answer that has copied a whole sentence is
     * pointed to its end, which the model may overrule when it is sure it has more to say.
     */
    public CopyPointer forMessage(String userMessage, TextTokenizer tokenizer, long endOfAnswer) {
        RagPrompt.Parsed parsed = RagPrompt.parse(userMessage);
        List<String> sentences = new ArrayList<>();
        for (String passage : parsed.passages()) {
            sentences.addAll(sentences(passage));
        }
        if (sentences.isEmpty()) {
            return null;
        }
        List<TextSegment> segments = new ArrayList<>();
        segments.add(TextSegment.from(parsed.question()));
        sentences.forEach(s -> segments.add(TextSegment.from(s)));
        List<Embedding> vectors = embeddings.embedAll(segments).content();
        double[] priors = new double[sentences.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < priors.length; i++) {
            priors[i] = cosine(vectors.get(0).vector(), vectors.get(i + 1).vector()) / TEMPERATURE;
            max = Math.max(max, priors[i]);
        }
        List<long[]> tokens = new ArrayList<>();
        for (int i = 0; i < priors.length; i++) {
            priors[i] = Math.exp(priors[i] - max);
            long[] ids = tokenizer.encode(sentences.get(i));
            long[] withEnd = java.util.Arrays.copyOf(ids, ids.length + 1);
            withEnd[ids.length] = endOfAnswer;
            tokens.add(withEnd);
        }
        return new CopyPointer(tokens, priors, weight);
    }

    /** A passage's sentences, by the JDK's English sentence rules. */
    static List<String> sentences(String passage) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        it.setText(passage);
        List<String> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String sentence = passage.substring(start, end).strip();
            if (!sentence.isEmpty()) {
                out.add(sentence);
            }
        }
        return out;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
