package ai.hybridchat.server.cli;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.tuning.pretrain.Corpus;
import ai.hybridchat.tuning.pretrain.ReadingExercises;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform reading-exercises --corpus PATH... --out FILE}: generic reading-comprehension
 * SFT data made from any prose (passages, a question naming a sentence's words, that sentence as
 * the answer), to teach a base model to answer from retrieved passages before any domain tuning.
 */
@Command(name = "reading-exercises", mixinStandardHelpOptions = true,
        description = "Write generic reading-comprehension exercises (JSONL messages) made from a text corpus.")
final class ReadingExercisesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", arity = "1..*", required = true, paramLabel = "PATH", description = "Text, .txt.gz, Markdown or HTML files or folders.")
    List<Path> corpus;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the JSONL.")
    Path out;

    @Option(names = "--count", defaultValue = "12000", paramLabel = "N", description = "Exercises to write (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--passages", defaultValue = "3", paramLabel = "N", description = "Passages per exercise (default: ${DEFAULT-VALUE}).")
    int passages;

    @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        corpus.forEach(p -> PathChecks.requireExists(p, "--corpus"));
        if (count < 1 || passages < 1) {
            throw new IllegalArgumentException("--count and --passages must be at least 1");
        }
        ReadingExercises generator = new ReadingExercises(Corpus.read(corpus), seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ReadingExercises.Exercise ex = generator.next(passages);
            ObjectNode node = Json.MAPPER.createObjectNode();
            ArrayNode messages = node.putArray("messages");
            messages.addObject().put("role", "user").put("content", ex.userMessage());
            messages.addObject().put("role", "assistant").put("content", ex.answer());
            sb.append(Json.MAPPER.writeValueAsString(node)).append('\n');
        }
        AtomicFiles.writeString(out, sb.toString());
        spec.commandLine().getOut().println("wrote " + count + " exercises from " + generator.paragraphCount()
                + " passages to " + out);
        return 0;
    }
}
