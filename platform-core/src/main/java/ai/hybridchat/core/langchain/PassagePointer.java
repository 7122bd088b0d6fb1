package ai.hybridchat.core.langchain;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.model.CopyPointer;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.reader.AnswerType;
import ai.hybridchat.core.reader.ReaderFeatures;
import ai.hybridchat.core.reader.SentenceScorer;
import ai.hybridchat.core.reader.SentenceUnit;
import ai.hybridchat.core.reader.SentenceUnits;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the {@link CopyPointer} for a question with retrieved passages: the passages' sentences
 * ({@link SentenceUnits}: headings are context, never sentences) are the source, each weighted by
 * how likely it is to answer the question, by a learned {@link SentenceScorer} over
 * {@link ReaderFeatures} (MiniLM cosines of the sentence alone and in its document's context,
 * the passage's retrieval score and rank, word overlap). The passages come from a slowly
 * changing index, so sentence vectors are kept (the last {@value #CACHED_SENTENCES}) and a
 * question costs one embedding, not one per sentence read. Thread-safe.
 */
public final class PassagePointer {
    static final int CACHED_SENTENCES = 20_000;

    private final EmbeddingModel embeddings;
    private final double weight;
    private final SentenceScorer scorer;
    private final ReaderFeatures.Terms terms;
    private final Map<String, float[]> vectors = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                    return size() > CACHED_SENTENCES;
                }
            });

    /** With the bundled trained scorer. */
    public PassagePointer(EmbeddingModel embeddings, double weight) {
        this(embeddings, weight, SentenceScorer.bundled());
    }

    /**
     * @param embeddings the sentence-embedding model behind the cosine features
     * @param weight     the pointer's gate λ in (0, 1)
     * @param scorer     how the features become a distribution over sentences
     */
    public PassagePointer(EmbeddingModel embeddings, double weight, SentenceScorer scorer) {
        this(embeddings, weight, scorer, ReaderFeatures.Terms.PLAIN);
    }

    /** @param terms the content-word analysis of the overlap features (the retrieval's analyser in the platform) */
    public PassagePointer(EmbeddingModel embeddings, double weight, SentenceScorer scorer, ReaderFeatures.Terms terms) {
        this.terms = Objects.requireNonNull(terms, "terms");
        this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
        if (!(weight > 0 && weight < 1)) {
            throw new IllegalArgumentException("the copy weight must be in (0, 1), got " + weight);
        }
        this.weight = weight;
        this.scorer = Objects.requireNonNull(scorer, "scorer");
    }

    /** One candidate sentence with its features and its probability of being the answer. */
    public record Candidate(SentenceUnit unit, double[] features, double probability) {
    }

    /**
     * The candidate sentences of {@code passages} (best-ranked first) for {@code question}, scored;
     * empty when the passages have no sentence.
     */
    public List<Candidate> candidates(String question, List<RetrievedPassage> passages) {
        List<SentenceUnit> units = SentenceUnits.of(passages.stream().map(RetrievedPassage::chunk).toList());
        if (units.isEmpty()) {
            return List.of();
        }
        List<String> texts = new ArrayList<>();
        units.forEach(u -> {
            texts.add(u.sentence());
            texts.add(u.inContext());
            texts.add(u.withPrevious());
        });
        List<String> titles = passages.stream().map(p -> title(p.chunk())).toList();
        List<String> asked = new ArrayList<>();
        asked.add(question);
        titles.forEach(t -> asked.add(ReaderFeatures.withoutTitle(question, t)));
        Map<String, float[]> known = vectorsOf(asked, texts);
        float[] q = known.get(question);
        double[] passageScores = passages.stream().mapToDouble(RetrievedPassage::score).toArray();
        Set<String> askedTerms = terms.of(AnswerType.withoutWhPhrase(question));
        List<Set<String>> attributeTerms = titles.stream()
                .map(t -> ReaderFeatures.attribute(askedTerms, terms.of(t))).toList();
        AnswerType type = AnswerType.askedBy(question);
        List<double[]> features = new ArrayList<>();
        for (SentenceUnit u : units) {
            String title = titles.get(u.passage());
            float[] attribute = known.get(ReaderFeatures.withoutTitle(question, title));
            ReaderFeatures.Cosines cosines = new ReaderFeatures.Cosines(cosine(q, known.get(u.sentence())),
                    cosine(q, known.get(u.inContext())), cosine(attribute, known.get(u.sentence())),
                    cosine(attribute, known.get(u.withPrevious())));
            features.add(ReaderFeatures.of(question, askedTerms, attributeTerms.get(u.passage()), type, u, cosines,
                    passageScores, terms));
        }
        double[] p = scorer.distribution(features);
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            out.add(new Candidate(units.get(i), features.get(i), p[i]));
        }
        return out;
    }

    /**
     * The pointer over the sentence the scorer finds likeliest to answer, or null when the passages
     * have none. One sentence, not a mixture over all of them: many sentences of a collection start
     * alike ("It costs ...", "The ... is ..."), and a mixture lets the model's favourite opening
     * word pick among them instead of the reader (measured: on the kite catalogue, rag answered 64%
     * of doc-only questions with the mixture). The sentence is followed by {@code endOfAnswer} (-1: a
     * model without one): once it is copied the answer is pointed to its end, which the model may
     * overrule when it is sure it has more to say.
     */
    public CopyPointer forPassages(String question, List<RetrievedPassage> passages, TextTokenizer tokenizer, long endOfAnswer) {
        List<Candidate> candidates = candidates(question, passages);
        if (candidates.isEmpty()) {
            return null;
        }
        // the likeliest; restricting the choice to sentences that hold the asked kind of answer (a
        // hard expected-answer-type filter) was measured worse on the choosing domains (kites doc-only
        // 96% -> 92%, handbook 92% -> 88%, demo reworded 11/12 -> 10/12; bridges 72% -> 76%), and so
        // was a fallback to the document's likeliest sentence of that kind when the chosen one has
        // none (session 9: as many tuned-fact answers lost as doc-only ones won, docs/MODEL_CARD.md)
        Candidate best = candidates.get(0);
        for (Candidate c : candidates) {
            best = c.probability() > best.probability() ? c : best;
        }
        String answer = withContinuation(question, best.unit(), candidates);
        long[] ids = tokenizer.encodeLiteral(answer);
        if (endOfAnswer >= 0) {
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = endOfAnswer;
        }
        return new CopyPointer(List.of(ids), new double[] {1}, weight);
    }

    /**
     * The chosen sentence, followed by the next one of its paragraph when the chosen sentence lacks
     * the kind of answer the question asks for and the next holds it: "A full restoration followed
     * in 1996." alone does not say who paid; "The Stavely Canal Society paid for it." does. When
     * the question asks for no kind, the next sentence follows if it refers back ({@link #ANAPHOR}).
     */
    static String withContinuation(String question, SentenceUnit chosen, List<Candidate> candidates) {
        AnswerType type = AnswerType.askedBy(question);
        if (type != null && type.foundIn(chosen.sentence(), question)) {
            return chosen.sentence();
        }
        for (int i = 0; i + 1 < candidates.size(); i++) {
            SentenceUnit here = candidates.get(i).unit();
            SentenceUnit next = candidates.get(i + 1).unit();
            if (here == chosen && next.passage() == chosen.passage() && next.previous().equals(chosen.sentence())) {
                boolean continues = type == null ? ANAPHOR.matcher(next.sentence()).lookingAt() : type.foundIn(next.sentence(), question);
                return continues ? chosen.sentence() + " " + next.sentence() : chosen.sentence();
            }
        }
        return chosen.sentence();
    }

    /**
     * A sentence that opens with a pronoun pointing back ("It is 109 pounds.", "Their rate is 79
     * pounds.") says more about what the sentence before it introduced: for a question that asks
     * for no particular kind of answer ("Is there a discount for pensioners?"), that is the rest
     * of the answer.
     */
    private static final Pattern ANAPHOR = Pattern.compile(
            "(It|Its|This|That|These|Those|They|Their)\\b");

    private static String title(Chunk chunk) {
        return chunk.title() == null || chunk.title().equals(chunk.docId()) ? "" : chunk.title();
    }

    /** The vectors of the question's forms (never cached: questions do not repeat) and the texts (cached). */
    private Map<String, float[]> vectorsOf(List<String> questions, List<String> texts) {
        Map<String, float[]> known = new HashMap<>();
        List<String> asked = new ArrayList<>(new LinkedHashSet<>(questions));
        List<String> missing = new ArrayList<>();
        // read each cached vector once: another request may evict it meanwhile
        for (String t : texts) {
            if (!known.containsKey(t) && !missing.contains(t)) {
                float[] cached = vectors.get(t);
                if (cached != null) {
                    known.put(t, cached);
                } else {
                    missing.add(t);
                }
            }
        }
        List<TextSegment> segments = new ArrayList<>();
        asked.forEach(q -> segments.add(TextSegment.from(q)));
        missing.forEach(s -> segments.add(TextSegment.from(s)));
        List<Embedding> embedded = embeddings.embedAll(segments).content();
        for (int i = 0; i < missing.size(); i++) {
            float[] v = embedded.get(asked.size() + i).vector();
            known.put(missing.get(i), v);
            vectors.put(missing.get(i), v);
        }
        for (int i = 0; i < asked.size(); i++) {
            known.put(asked.get(i), embedded.get(i).vector());
        }
        return known;
    }

    /** A passage's sentences, by the JDK's English sentence rules. */
    static List<String> sentences(String passage) {
        return SentenceUnits.sentences(passage);
    }

    /** A stand-in chunk for tests and tools that have text but no index. */
    static RetrievedPassage passage(String docId, String title, String text, double score) {
        return new RetrievedPassage(new Chunk(docId + "#0", docId, title, "", 0, text, ""), score, text);
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
