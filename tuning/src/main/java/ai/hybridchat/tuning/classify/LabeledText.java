package ai.hybridchat.tuning.classify;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.tuning.data.DatasetException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** One {@code {"text","label"}} line of a classification dataset (DESIGN.md). */
public record LabeledText(String text, String label) {
    /** Whether the first non-blank line of {@code file} is a classification example. */
    public static boolean isClassificationData(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                try {
                    return Json.MAPPER.readTree(line).has("label");
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * The sorted labels of {@code train}; refused when there are fewer than two, or when a
     * validation example carries a label training never shows.
     */
    public static List<String> labels(List<LabeledText> train, Path trainFile, List<LabeledText> validation, Path validationFile) {
        List<String> labels = new ArrayList<>(new TreeSet<>(train.stream().map(LabeledText::label).toList()));
        if (labels.size() < 2) {
            throw new IllegalArgumentException(trainFile + ": a classifier needs at least two labels, found " + labels);
        }
        for (LabeledText v : validation) {
            if (!labels.contains(v.label())) {
                throw new IllegalArgumentException(validationFile + ": label '" + v.label() + "' never occurs in the training data");
            }
        }
        return labels;
    }

    /** Every line, or every problem with its line number before anything trains. */
    public static List<LabeledText> read(Path file) throws IOException {
        List<LabeledText> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(lines.get(i));
            } catch (IOException e) {
                problems.add("line " + (i + 1) + ": not JSON");
                continue;
            }
            JsonNode label = node.path("label");
            if (!node.path("text").isTextual() || node.get("text").asText().isBlank()) {
                problems.add("line " + (i + 1) + ": \"text\" must be a non-empty string");
            } else if (!(label.isTextual() || label.isIntegralNumber()) || label.asText().isBlank()) {
                problems.add("line " + (i + 1) + ": \"label\" must be a string or an integer");
            } else {
                out.add(new LabeledText(node.get("text").asText(), label.asText()));
            }
        }
        if (!problems.isEmpty()) {
            throw new DatasetException(file, problems);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " has no examples");
        }
        return out;
    }
}
