package ai.hybridchat.server.chat;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.retrieval.EnglishTerms;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.CosineSimilarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a tuned adapter can answer without passages: the questions it was tuned on (kept in its
 * {@code training.json}), and a question is in scope when its MiniLM embedding is close to one of
 * them (nearest-neighbour out-of-distribution detection, as in Sun et al., "Out-of-distribution
 * detection with deep nearest neighbors", 2022).
 *
 * <p>Why not the model's own confidence: a small adapter that memorised its answers states another
 * subject's memorised fact just as surely (measured on the kite catalogue: the mean and the least
 * token log-probability of wrong tuned answers to untuned questions overlap those of right answers
 * to tuned ones), so its likelihood cannot tell what it does not know. The tuned mode answers a
 * question out of scope, or with an answer that is not about the subject the question names
 * ({@link #addressesSubject}), with {@link #ABSTENTION} instead of a confident fact of another
 * document.
 */
public final class TunedScope {
    /** Nearest-question cosine below which the tuned mode abstains; chosen in docs/EVALUATION.md. */
    public static final double DEFAULT_MIN_SIMILARITY = 0.80;

    /**
     * Nearest-question cosine from which the hybrid mode tries the adapter's own answer first. Higher
     * than the tuned mode's bound: between 0.80 and 0.90 sit other questions about a tuned subject
     * ("At what rate is overtime on Sundays paid?" next to "At what rate is weekday overtime paid?",
     * measured on the handbook), whose memorised answer a passage may well hold.
     */
    public static final double OWN_ANSWER_MIN_SIMILARITY = 0.90;

    public static final String ABSTENTION = "I was not tuned on that question, so I will not guess. The rag and hybrid "
            + "modes read the documents and can answer it.";

    private final EmbeddingModel embeddings;
    private final List<String> questions;
    private final Set<String> normalised;
    private final List<Embedding> vectors;
    private final double minSimilarity;

    public TunedScope(EmbeddingModel embeddings, List<String> questions, double minSimilarity) {
        if (questions.isEmpty()) {
            throw new IllegalArgumentException("a tuned scope needs at least one training question");
        }
        this.embeddings = embeddings;
        this.questions = List.copyOf(questions);
        this.normalised = this.questions.stream().map(TunedScope::normalise).collect(Collectors.toUnmodifiableSet());
        this.minSimilarity = minSimilarity;
        List<TextSegment> segments = this.questions.stream().map(TextSegment::from).toList();
        List<Embedding> out = new ArrayList<>();
        for (int from = 0; from < segments.size(); from += 256) {
            out.addAll(embeddings.embedAll(segments.subList(from, Math.min(segments.size(), from + 256))).content());
        }
        this.vectors = List.copyOf(out);
    }

    /**
     * The scope of the adapter in {@code adapterDir}, or null when its {@code training.json} keeps
     * no questions (an adapter from elsewhere, or from before they were kept): then the tuned mode
     * answers everything, as before.
     */
    public static TunedScope of(Path adapterDir, EmbeddingModel embeddings, double minSimilarity) throws IOException {
        Path meta = adapterDir.resolve("training.json");
        if (minSimilarity <= 0 || !Files.isRegularFile(meta)) {
            return null;
        }
        JsonNode qs = Json.MAPPER.readTree(meta.toFile()).path("questions");
        List<String> questions = new ArrayList<>();
        qs.forEach(q -> {
            if (q.isTextual() && !q.asText().isBlank()) {
                questions.add(q.asText());
            }
        });
        return questions.isEmpty() ? null : new TunedScope(embeddings, questions, minSimilarity);
    }

    /** The cosine of {@code question} with the nearest training question. */
    public double nearest(String question) {
        Embedding q = embeddings.embed(question).content();
        double best = -1;
        for (Embedding v : vectors) {
            best = Math.max(best, CosineSimilarity.between(q, v));
        }
        return best;
    }

    public boolean covers(String question) {
        return nearest(question) >= minSimilarity;
    }

    /**
     * Whether {@code question} is one the adapter was tuned on, the same words in other case or
     * punctuation at most: its answer is the one the adapter was trained to give, so the subject
     * check ({@link #addressesSubject}) does not apply to it. A memorised answer seldom repeats a
     * title word its question carries ("How long is the crossing with Quillon Sound Ferries?",
     * taught "The crossing takes 40 minutes."), and the check had the tuned mode abstain on its
     * own training questions (4 of 40 on the ferry pages).
     */
    public boolean isTrainingQuestion(String question) {
        return normalised.contains(normalise(question));
    }

    private static String normalise(String question) {
        return String.join(" ", question.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")).strip();
    }

    /** Whether {@code question} is (nearly) one the adapter was tuned on: the hybrid tries its own answer first. */
    public boolean wasTunedOn(String question) {
        return nearest(question) >= Math.max(minSimilarity, OWN_ANSWER_MIN_SIMILARITY);
    }

    /**
     * Whether {@code answer} is about what {@code question} names: every word of a document title
     * that the question uses ({@code subjects}, the titles' content words) is in the answer too.
     * Embeddings place "the effective date of the overtime chapter" next to "the effective date of
     * the travel expenses chapter"; an answer about travel expenses to the first is another
     * subject's fact (measured on the water-board handbook: all four cross-document answers of the
     * tuned mode that passed {@link #covers} named another chapter or none).
     */
    public static boolean addressesSubject(String question, String answer, Set<String> subjects) {
        Set<String> named = new HashSet<>(TERMS.of(question));
        named.retainAll(subjects);
        return TERMS.of(answer).containsAll(named);
    }

    private static final EnglishTerms TERMS = new EnglishTerms();

    public int size() {
        return questions.size();
    }
}
