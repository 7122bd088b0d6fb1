package ai.hybridchat.retrieval;

import ai.hybridchat.core.Document;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A retrieval benchmark in the BEIR layout: {@code corpus.jsonl} ({@code _id}, {@code title},
 * {@code text}), {@code queries.jsonl} ({@code _id}, {@code text}) and {@code qrels/<split>.tsv}
 * ({@code query-id}, {@code corpus-id}, {@code score}, with a header line).
 *
 * <p>Each corpus entry becomes one {@link Document} whose text is the title, a blank line and the
 * text, so both are searchable; entries with neither are left out. Judgements keep their graded
 * scores; a score of 0 or less means judged not relevant.
 */
public record BeirDataset(String name, List<Document> corpus, Map<String, String> queries,
                          Map<String, Map<String, Integer>> qrels) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public BeirDataset {
        corpus = List.copyOf(corpus);
        queries = Map.copyOf(queries);
        qrels = Map.copyOf(qrels);
    }

    /** Loads the {@code test} split. */
    public static BeirDataset load(Path dir) {
        return load(dir, "test");
    }

    /** @throws IllegalArgumentException when a file is missing or malformed */
    public static BeirDataset load(Path dir, String split) {
        Path corpusFile = dir.resolve("corpus.jsonl");
        Path queriesFile = dir.resolve("queries.jsonl");
        Path qrelsFile = dir.resolve("qrels").resolve(split + ".tsv");
        for (Path required : List.of(corpusFile, queriesFile, qrelsFile)) {
            if (!Files.isRegularFile(required)) {
                throw new IllegalArgumentException("not a BEIR folder: " + required + " is missing");
            }
        }
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        List<Document> corpus = new ArrayList<>();
        for (JsonNode row : jsonLines(corpusFile)) {
            String id = required(row, "_id", corpusFile);
            String title = row.path("title").asText("").strip();
            String text = row.path("text").asText("").strip();
            String body = title.isEmpty() ? text : text.isEmpty() ? title : title + "\n\n" + text;
            if (!body.isEmpty()) {
                corpus.add(new Document(id, title.isEmpty() ? id : title, name, body, Map.of()));
            }
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode row : jsonLines(queriesFile)) {
            queries.put(required(row, "_id", queriesFile), row.path("text").asText(""));
        }
        return new BeirDataset(name, corpus, queries, qrels(qrelsFile));
    }

    /**
     * The queries to evaluate: those with text and at least one relevant (score &gt; 0) judgement,
     * ordered by id (numerically when the ids are numbers).
     */
    public List<String> judgedQueryIds() {
        List<String> ids = new ArrayList<>();
        qrels.forEach((qid, judged) -> {
            String text = queries.get(qid);
            if (text != null && !text.isBlank() && judged.values().stream().anyMatch(s -> s > 0)) {
                ids.add(qid);
            }
        });
        ids.sort(Comparator.comparing((String s) -> s.matches("\\d{1,18}") ? Long.parseLong(s) : Long.MAX_VALUE)
                .thenComparing(Comparator.naturalOrder()));
        return ids;
    }

    private static List<JsonNode> jsonLines(Path file) {
        List<JsonNode> rows = new ArrayList<>();
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                rows.add(it.next());
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return rows;
    }

    private static String required(JsonNode row, String field, Path file) {
        JsonNode value = row.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            throw new IllegalArgumentException(file + ": a line has no '" + field + "'");
        }
        return value.asText();
    }

    private static Map<String, Map<String, Integer>> qrels(Path file) {
        Map<String, Map<String, Integer>> qrels = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cols = line.strip().split("\\s+");
                if (cols.length < 3) {
                    throw new IllegalArgumentException(file + ":" + number + ": expected query-id, corpus-id, score");
                }
                int score;
                try {
                    score = (int) Math.round(Double.parseDouble(cols[2]));
                } catch (NumberFormatException e) {
                    if (number == 1) {
                        continue; // the header
                    }
                    throw new IllegalArgumentException(file + ":" + number + ": score '" + cols[2] + "' is not a number");
                }
                qrels.computeIfAbsent(cols[0], q -> new HashMap<>()).put(cols[1], score);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return qrels;
    }
}
