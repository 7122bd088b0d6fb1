package ai.hybridchat.server.demo;

import ai.hybridchat.core.io.ClasspathFolder;
import ai.hybridchat.server.chat.SampleQuestion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The demo that ships inside the jar: the documents of a fictional glass cooperative, a small
 * base model trained for them, its LoRA adapter, and sample questions. {@code platform serve}
 * without a config copies them under the data folder on first start.
 */
public final class DemoBundle {
    static final String DOCS = "demo/docs";
    static final String MODEL = "demo/model";
    static final String ADAPTER = "demo/adapter";
    static final String SAMPLES = "demo/qa/sample-questions.json";

    private DemoBundle() {
    }

    public static boolean hasModel() {
        return new ClasspathFolder(MODEL).exists();
    }

    public static boolean hasAdapter() {
        return new ClasspathFolder(ADAPTER).exists();
    }

    /** Copies the demo documents into {@code docsDir} unless it already holds files. Returns how many were copied. */
    public static int copyDocsIfEmpty(Path docsDir) {
        if (hasFiles(docsDir)) {
            return 0;
        }
        return new ClasspathFolder(DOCS).copyTo(docsDir);
    }

    /** The demo base model as a folder: {@code demoDir/demo-model} (the folder name is the model name the API reports). */
    public static Path extractModel(Path demoDir) {
        Path dir = demoDir.resolve("demo-model");
        new ClasspathFolder(MODEL).copyTo(dir);
        return dir;
    }

    /** The demo LoRA adapter as a folder: {@code demoDir/demo-adapter}. */
    public static Path extractAdapter(Path demoDir) {
        Path dir = demoDir.resolve("demo-adapter");
        new ClasspathFolder(ADAPTER).copyTo(dir);
        return dir;
    }

    public static List<String> sampleQuestions() {
        return samples().stream().map(SampleQuestion::question).toList();
    }

    /** The demo's sample questions, each labelled with its split: tuned, documents only, reworded. */
    public static List<SampleQuestion> samples() {
        try (InputStream in = DemoBundle.class.getClassLoader().getResourceAsStream(SAMPLES)) {
            if (in == null) {
                return List.of();
            }
            return SampleQuestion.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SAMPLES + ": " + e.getMessage(), e);
        }
    }

    static boolean hasFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(Files::isRegularFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
