package ai.hybridchat.server.demo;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.Retriever;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.prompt.RagPrompt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Builds the demo adapter's SFT data from question/answer pairs, in the spirit of RAFT (Zhang
 * et al., 2024): each question appears twice, once with the passages retrieval returns for it
 * (the oracle passage swapped in when retrieval missed it, so the answer is always readable in
 * the context) and once without context, so the adapter both reads passages and remembers facts.
 * Every fifth question also appears with distractor passages only (RAFT's share of examples
 * without the oracle), so the adapter answers from memory when retrieval misses.
 * {@code platform rag-data} writes this data, and {@code platform tune --docs} builds it itself.
 */
public final class DemoTuningData {
    private final Retriever retriever;
    private final Function<String, List<Chunk>> chunksOfDocument;
    private final int passages;

    public DemoTuningData(Retriever retriever, Function<String, List<Chunk>> chunksOfDocument, int passages) {
        this.retriever = retriever;
        this.chunksOfDocument = chunksOfDocument;
        this.passages = passages;
    }

    /** Reads {@code {"question","answer","doc_id"}} lines and writes {@code {"messages":[...]}} lines; returns how many. */
    public int build(Path qaFile, Path out) throws IOException {
        List<String> lines = Files.readAllLines(qaFile, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        int written = 0;
        int oracleSwaps = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode qa = Json.MAPPER.readTree(lines.get(i));
            String question = qa.path("question").asText();
            String answer = qa.path("answer").asText();
            String docId = qa.hasNonNull("doc_id") ? qa.get("doc_id").asText() : qa.path("doc_ids").path(0).asText("");
            if (question.isBlank() || answer.isBlank()) {
                throw new IllegalArgumentException(qaFile + " line " + (i + 1) + ": question and answer are required");
            }
            List<String> context = new ArrayList<>();
            List<String> distractors = new ArrayList<>();
            boolean found = false;
            for (RetrievedPassage p : retriever.retrieve(question, passages + 2)) {
                boolean oracle = p.chunk().docId().equals(docId) || containsAnswer(p.chunk().text(), answer);
                if (context.size() < passages) {
                    context.add(p.chunk().text());
                }
                if (!oracle && distractors.size() < passages) {
                    distractors.add(p.chunk().text());
                }
                found |= context.contains(p.chunk().text()) && p.chunk().docId().equals(docId) && containsAnswer(p.chunk().text(), answer);
            }
            if (!found) {
                Chunk oracle = oracle(docId, answer);
                if (oracle != null) {
                    if (context.size() >= passages) {
                        context.remove(context.size() - 1);
                    }
                    context.add(oracle.text());
                    oracleSwaps++;
                }
            }
            sb.append(example(RagPrompt.userMessage(question, context), answer)).append('\n');
            sb.append(example(RagPrompt.userMessage(question, List.of()), answer)).append('\n');
            written += 2;
            if (i % 5 == 4 && !distractors.isEmpty()) {
                sb.append(example(RagPrompt.userMessage(question, distractors), answer)).append('\n');
                written++;
            }
        }
        AtomicFiles.writeString(out, sb.toString());
        System.err.println("demo tuning data: " + written + " examples, oracle passage swapped in " + oracleSwaps + " times");
        return written;
    }

    private Chunk oracle(String docId, String answer) {
        Chunk best = null;
        double bestScore = -1;
        for (Chunk c : chunksOfDocument.apply(docId)) {
            double score = overlap(c.text(), answer);
            if (score > bestScore) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    static boolean containsAnswer(String passage, String answer) {
        return overlap(passage, answer) >= 0.8;
    }

    /** Share of the answer's words that occur in the passage. */
    static double overlap(String passage, String answer) {
        String p = passage.toLowerCase(Locale.ROOT);
        String[] words = answer.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} ]", " ").trim().split("\\s+");
        int hit = 0;
        for (String w : words) {
            hit += p.contains(w) ? 1 : 0;
        }
        return words.length == 0 ? 0 : (double) hit / words.length;
    }

    private static String example(String user, String answer) throws IOException {
        ObjectNode node = Json.MAPPER.createObjectNode();
        ArrayNode messages = node.putArray("messages");
        messages.addObject().put("role", "user").put("content", user);
        messages.addObject().put("role", "assistant").put("content", answer);
        return Json.MAPPER.writeValueAsString(node);
    }
}
