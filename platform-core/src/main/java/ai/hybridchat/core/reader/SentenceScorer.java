package ai.hybridchat.core.reader;

import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Which sentence of the retrieved passages answers the question: a linear score over
 * {@link ReaderFeatures}, turned into a distribution over the candidate sentences by a softmax
 * (a listwise ranker, trained by {@code platform reader-train} on question/answer-sentence pairs
 * with the softmax's cross-entropy). The weights the platform uses are
 * {@code reader/sentence-scorer.json}, with the data that chose them written in the file.
 */
public final class SentenceScorer {
    private static final String RESOURCE = "/reader/sentence-scorer.json";

    private final double[] weights;
    private final String about;

    public SentenceScorer(double[] weights, String about) {
        if (weights.length != ReaderFeatures.NAMES.size()) {
            throw new IllegalArgumentException("a scorer needs " + ReaderFeatures.NAMES.size() + " weights, got " + weights.length);
        }
        this.weights = weights.clone();
        this.about = about;
    }

    /** Raw MiniLM cosine at softmax temperature 0.05, the pointer's relevance before it was learned. */
    public static SentenceScorer cosineBaseline() {
        double[] w = new double[ReaderFeatures.NAMES.size()];
        w[0] = 1 / 0.05;
        return new SentenceScorer(w, "baseline: cosine / 0.05");
    }

    /** The bundled, trained scorer. */
    public static SentenceScorer bundled() {
        try (InputStream in = SentenceScorer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE);
            }
            return fromJson(Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SentenceScorer fromJson(JsonNode json) {
        JsonNode w = json.path("weights");
        double[] weights = new double[ReaderFeatures.NAMES.size()];
        for (int i = 0; i < weights.length; i++) {
            JsonNode v = w.path(ReaderFeatures.NAMES.get(i));
            if (!v.isNumber()) {
                throw new IllegalArgumentException("sentence scorer: no weight for " + ReaderFeatures.NAMES.get(i));
            }
            weights[i] = v.asDouble();
        }
        return new SentenceScorer(weights, json.path("trainedOn").asText(""));
    }

    public double score(double[] features) {
        double s = 0;
        for (int i = 0; i < weights.length; i++) {
            s += weights[i] * features[i];
        }
        return s;
    }

    /** The softmax of the scores: how likely each candidate is the answer sentence. */
    public double[] distribution(List<double[]> features) {
        double[] p = new double[features.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < p.length; i++) {
            p[i] = score(features.get(i));
            max = Math.max(max, p[i]);
        }
        double z = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(p[i] - max);
            z += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= z;
        }
        return p;
    }

    public double[] weights() {
        return weights.clone();
    }

    public String about() {
        return about;
    }

    @Override
    public String toString() {
        return "SentenceScorer" + Arrays.toString(weights);
    }
}
