package ai.hybridchat.tuning.data;

import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a JSONL dataset record by record: blank lines are skipped, and every line that is not JSON
 * or that {@code parse} refuses (with an {@link IllegalArgumentException}) is reported with its
 * number, all of them at once, before any record is used.
 */
public final class JsonLines {
    private JsonLines() {
    }

    public static <T> List<T> read(Path file, Function<JsonNode, T> parse, String whatIsMissing) throws IOException {
        Read<T> read = readSkippingMalformed(file, parse);
        if (!read.problems().isEmpty()) {
            throw new DatasetException(file, read.problems());
        }
        if (read.records().isEmpty()) {
            throw new IllegalArgumentException(file + " has no " + whatIsMissing);
        }
        return read.records();
    }

    /** The first record of the file, or null when the file has none or its first line is not JSON: what a format sniff reads. */
    public static JsonNode first(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                try {
                    return Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The records that parse, and a description of every line that does not. */
    record Read<T>(List<T> records, List<String> problems) {
    }

    static <T> Read<T> readSkippingMalformed(Path file, Function<JsonNode, T> parse) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("dataset not found: " + file);
        }
        List<T> records = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                records.add(parse.apply(Json.MAPPER.readTree(line)));
            } catch (IOException e) {
                problems.add("line " + (i + 1) + ": not JSON");
            } catch (IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Read<>(records, problems);
    }
}
