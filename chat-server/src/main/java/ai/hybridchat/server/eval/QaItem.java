package ai.hybridchat.server.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One question of an evaluation set: JSONL rows {@code {"question", "answer", "doc_ids"?}}
 * ({@code doc_id} for a single document is read too), and optionally {@code fact}: a short
 * string a correct answer must contain.
 */
public record QaItem(String question, String answer, List<String> docIds, String fact) {
    public QaItem {
        docIds = docIds == null ? List.of() : List.copyOf(docIds);
    }

    /** @throws IllegalArgumentException naming the file and line of a bad row */
    public static List<QaItem> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--qa: no such file: " + file);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        ObjectMapper json = new ObjectMapper();
        List<QaItem> items = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            JsonNode row;
            try {
                row = json.readTree(line);
            } catch (IOException e) {
                throw new IllegalArgumentException(where + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            String question = row.path("question").asText("").strip();
            String answer = row.path("answer").asText("").strip();
            if (question.isEmpty() || answer.isEmpty()) {
                throw new IllegalArgumentException(where + ": needs \"question\" and \"answer\"");
            }
            List<String> docIds = new ArrayList<>();
            row.path("doc_ids").forEach(id -> docIds.add(id.asText()));
            if (row.hasNonNull("doc_id")) {
                docIds.add(row.get("doc_id").asText());
            }
            String fact = row.hasNonNull("fact") ? row.get("fact").asText().strip() : null;
            items.add(new QaItem(question, answer, docIds, fact == null || fact.isEmpty() ? null : fact));
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no questions");
        }
        return items;
    }
}
