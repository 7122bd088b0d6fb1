package ai.hybridchat.server.demo;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.IndexedDocument;
import ai.hybridchat.retrieval.LuceneRetriever;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.tuning.encoder.InverseCloze;
import ai.hybridchat.tuning.encoder.TextPair;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Retrieval training pairs for {@code tune --method embedding} from the files the domain adapter
 * learns from: each {@code {"question","answer","doc_id"?}} line becomes (question, the chunk that
 * holds the answer, the best BM25 chunk that does not, as a hard negative); or, with no questions
 * at all, pseudo-queries from the indexed chunks themselves ({@link InverseCloze}).
 */
public final class RetrievalPairs {
    /** BM25 candidates searched for the answer's chunk and for a hard negative. */
    static final int CANDIDATES = 10;

    private final ChunkIndex index;
    private final LuceneRetriever bm25;
    private final Consumer<String> log;

    /** {@code index}: the documents, chunked as the retriever chunks them (lexical-only is enough); {@code log}: what was built. */
    public RetrievalPairs(ChunkIndex index, Consumer<String> log) {
        this.index = index;
        this.bm25 = new LuceneRetriever(index, SearchMode.BM25);
        this.log = log;
    }

    /** Pairs for the questions of {@code qaFile}; a question whose answer no chunk holds is left out. */
    public List<TextPair> fromQuestions(Path qaFile) throws IOException {
        List<TextPair> out = new ArrayList<>();
        int missed = 0;
        List<String> lines = Files.readAllLines(qaFile, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode qa = Json.MAPPER.readTree(lines.get(i));
            String question = qa.path("question").asText();
            String answer = qa.path("answer").asText();
            if (question.isBlank() || answer.isBlank()) {
                throw new IllegalArgumentException(qaFile + " line " + (i + 1) + ": question and answer are required");
            }
            String docId = qa.hasNonNull("doc_id") ? qa.get("doc_id").asText() : qa.path("doc_ids").path(0).asText("");
            List<RetrievedPassage> found = bm25.retrieve(question, CANDIDATES);
            Chunk positive = answerChunk(docId, answer, found);
            if (positive == null) {
                missed++;
                continue;
            }
            String negative = null;
            for (RetrievedPassage p : found) {
                if (!p.chunk().docId().equals(positive.docId()) && !DemoTuningData.containsAnswer(p.chunk().text(), answer)) {
                    negative = p.chunk().text();
                    break;
                }
            }
            out.add(new TextPair(question, positive.text(), negative));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(qaFile + ": no question's answer was found in the documents");
        }
        log.accept("retrieval pairs: " + out.size() + " questions with their answer's chunk"
                + (missed > 0 ? ", " + missed + " left out (no chunk holds the answer)" : ""));
        // a pair without a hard negative would drop every negative (they are all or none)
        return out.stream().allMatch(p -> p.negative() != null) ? out
                : out.stream().map(p -> new TextPair(p.query(), p.positive(), null)).toList();
    }

    /** Inverse-cloze pairs from every indexed chunk. */
    public List<TextPair> fromDocuments(long seed) {
        List<String> passages = new ArrayList<>();
        for (IndexedDocument d : index.documents()) {
            index.chunks(d.docId()).forEach(c -> passages.add(c.text()));
        }
        List<TextPair> pairs = InverseCloze.pairs(passages, new Random(seed));
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("the documents have no passage of two sentences or more to make pseudo-queries from");
        }
        log.accept("retrieval pairs: " + pairs.size() + " pseudo-queries (inverse cloze) from " + passages.size() + " chunks");
        return pairs;
    }

    /** The chunk of {@code docId} that holds most of the answer, else the best BM25 candidate that holds it. */
    private Chunk answerChunk(String docId, String answer, List<RetrievedPassage> found) {
        Chunk best = null;
        double bestScore = 0;
        List<Chunk> candidates = new ArrayList<>();
        if (!docId.isEmpty()) {
            candidates.addAll(index.chunks(docId));
        }
        found.forEach(p -> candidates.add(p.chunk()));
        for (Chunk c : candidates) {
            double score = DemoTuningData.overlap(c.text(), answer);
            if (score > bestScore && (c.docId().equals(docId) || score >= 0.8)) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }
}
