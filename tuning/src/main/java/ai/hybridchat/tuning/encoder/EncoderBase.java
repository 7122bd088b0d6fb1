package ai.hybridchat.tuning.encoder;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.BundledEncoder;
import ai.hybridchat.core.encoder.SentenceEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * The pretrained encoder a run starts from: {@code --base} names a sentence-transformers or
 * Hugging Face BERT folder, or one of the encoders bundled in LangChain4j's embedding jars
 * ({@code all-minilm-l6-v2}).
 */
public final class EncoderBase {
    private EncoderBase() {
    }

    public static SentenceEncoder load(Path base, NDManager manager) throws IOException {
        if (Files.isDirectory(base)) {
            return SentenceEncoder.load(base, manager);
        }
        return BundledEncoder.named(base.toString())
                .orElseThrow(() -> new IllegalArgumentException("--base " + base + ": no such folder, and no bundled encoder of that name ("
                        + BundledEncoder.all().stream().map(BundledEncoder::name).collect(Collectors.joining(", ")) + ")"))
                .load(manager);
    }

    /** True when {@code base} is a bundled encoder's name rather than a folder. */
    public static boolean isBundled(Path base) {
        return !Files.isDirectory(base) && BundledEncoder.named(base.toString()).isPresent();
    }
}
