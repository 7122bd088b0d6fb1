package ai.hybridchat.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A three-document, two-query benchmark in BEIR's layout (corpus, queries, qrels/test.tsv), each query with one relevant document. */
public final class TinyBeir {
    private TinyBeir() {
    }

    /** Writes it into {@code dir} and returns {@code dir}. */
    public static Path write(Path dir) throws IOException {
        Path qrels = Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("corpus.jsonl"), """
                {"_id": "d1", "title": "Glass furnaces", "text": "The furnace melts sand, soda and lime into glass."}
                {"_id": "d2", "title": "Lamps", "text": "The Wren lamp has an amber shade blown by hand."}
                {"_id": "d3", "title": "Travel", "text": "Staff are paid a mileage rate for private cars."}
                """);
        Files.writeString(dir.resolve("queries.jsonl"), """
                {"_id": "q1", "text": "how is glass melted in a furnace"}
                {"_id": "q2", "text": "amber lamp shade"}
                """);
        Files.writeString(qrels.resolve("test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n");
        return dir;
    }
}
