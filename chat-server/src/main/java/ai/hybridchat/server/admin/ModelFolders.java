package ai.hybridchat.server.admin;

import ai.hybridchat.core.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The model folders a tuning job wrote under one directory, for the admin lists. */
final class ModelFolders {
    private ModelFolders() {
    }

    /**
     * Each folder that holds a model ({@code config.json}, or a PEFT adapter's
     * {@code adapter_config.json}) by name, with its {@code training.json}'s metrics and, for a
     * classifier, its labels and validation scores.
     */
    static List<Map<String, Object>> list(Path dir) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            for (Path d : dirs.filter(ModelFolders::isModel).sorted().toList()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", d.getFileName().toString());
                Path meta = d.resolve("training.json");
                if (Files.isRegularFile(meta)) {
                    var training = Json.MAPPER.readTree(meta.toFile());
                    row.put("metrics", training.path("metrics"));
                    if (training.has("classification")) {
                        row.put("classification", training.get("classification"));
                        row.put("labels", training.path("labels"));
                    }
                }
                out.add(row);
            }
        }
        return out;
    }

    private static boolean isModel(Path d) {
        return !d.getFileName().toString().startsWith(".")
                && (Files.isRegularFile(d.resolve("config.json")) || Files.isRegularFile(d.resolve("adapter_config.json")));
    }
}
