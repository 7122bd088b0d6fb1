package ai.hybridchat.core.langchain;

import ai.hybridchat.core.model.CopyPointer;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.prompt.RagPrompt;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the {@link CopyPointer} for a question with retrieved passages: the passages' sentences
 * are the source, each weighted by its relevance to the question, so the pointer prefers to copy
 * the sentence that answers it. Relevance is the cosine of the question's and the sentence's
 * embeddings (the retriever's sentence-embedding model), sharpened by a softmax at temperature
 * {@value #TEMPERATURE}: sentences whose cosines differ by 0.1 then differ by e^2 in weight.
 * The passages come from a slowly changing index, so sentence vectors are kept (the last
 * {@value #CACHED_SENTENCES}) and a question costs one embedding, not one per sentence read.
 * Thread-safe.
 */
public final class PassagePointer {
    static final double TEMPERATURE = 0.05;
    static final int CACHED_SENTENCES = 20_000;

    private final EmbeddingModel embeddings;
    private final double weight;
    private final Map<String, float[]> sentenceVectors = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                    return size() > CACHED_SENTENCES;
                }
            });

    /**
     * @param embeddings the sentence-embedding model that scores relevance
     * @param weight     the pointer's gate λ in (0, 1)
     */
    public PassagePointer(EmbeddingModel embeddings, double weight) {
        this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
        if (!(weight > 0 && weight < 1)) {
            throw new IllegalArgumentException("the copy weight must be in (0, 1), got " + weight);
        }
        this.weight = weight;
    }

    /**
     * The pointer for a {@link RagPrompt} user message, or null when it carries no passages. Each
     * sentence is followed by {@code endOfAnswer} (-1: a model without one): an answer that has
     * copied a whole sentence is pointed to its end, which the model may overrule when it is sure
     * it has more to say.
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
        // read each cached vector once: another request may evict it meanwhile
        Map<String, float[]> known = new java.util.HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String sentence : sentences) {
            if (!known.containsKey(sentence) && !missing.contains(sentence)) {
                float[] cached = sentenceVectors.get(sentence);
                if (cached != null) {
                    known.put(sentence, cached);
                } else {
                    missing.add(sentence);
                }
            }
        }
        missing.forEach(s -> segments.add(TextSegment.from(s)));
        List<Embedding> vectors = embeddings.embedAll(segments).content();
        float[] question = vectors.get(0).vector();
        for (int i = 0; i < missing.size(); i++) {
            known.put(missing.get(i), vectors.get(i + 1).vector());
            sentenceVectors.put(missing.get(i), vectors.get(i + 1).vector());
        }
        double[] priors = new double[sentences.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < priors.length; i++) {
            priors[i] = cosine(question, known.get(sentences.get(i))) / TEMPERATURE;
            max = Math.max(max, priors[i]);
        }
        List<long[]> tokens = new ArrayList<>();
        for (int i = 0; i < priors.length; i++) {
            priors[i] = Math.exp(priors[i] - max);
            long[] ids = tokenizer.encodeLiteral(sentences.get(i));
            if (endOfAnswer >= 0) {
                ids = java.util.Arrays.copyOf(ids, ids.length + 1);
                ids[ids.length - 1] = endOfAnswer;
            }
            tokens.add(ids);
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
