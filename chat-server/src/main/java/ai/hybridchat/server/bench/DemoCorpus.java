package ai.hybridchat.server.bench;

import ai.hybridchat.core.Document;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.retrieval.FileDocumentLoader;
import ai.hybridchat.server.demo.DemoBundle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The bundled demo as benchmark material: its documents' sentences and its training questions. */
final class DemoCorpus {
    private DemoCorpus() {
    }

    /** The demo documents' sentences longer than 30 characters, headings left out (copied into {@code docs} first). */
    static List<String> sentences(Path docs) throws IOException {
        DemoBundle.copyDocsIfEmpty(docs);
        List<String> sentences = new ArrayList<>();
        for (Document d : new FileDocumentLoader().load(docs).documents()) {
            for (String sentence : d.text().split("(?<=[.!?])\\s+")) {
                if (sentence.length() > 30 && !sentence.startsWith("#")) {
                    sentences.add(sentence.strip());
                }
            }
        }
        return sentences;
    }

    /** The first {@code n} questions of the demo's training set. */
    static List<String> questions(int n) throws IOException {
        List<String> questions = new ArrayList<>();
        try (InputStream in = DemoCorpus.class.getClassLoader().getResourceAsStream("demo/qa/train.jsonl")) {
            if (in == null) {
                throw new IOException("demo/qa/train.jsonl is missing from the classpath");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && questions.size() < n) {
                    questions.add(Json.MAPPER.readTree(line).path("question").asText());
                }
            }
        }
        return questions;
    }
}
