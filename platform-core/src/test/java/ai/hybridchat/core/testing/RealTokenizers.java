package ai.hybridchat.core.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Published tokenizers and chat templates of real models (Llama 3.1, Qwen3, Llama 2, Gemma 3),
 * extracted by {@code .ci/real-tokenizers} from npm packages that ship Hugging Face's files. Where
 * they are missing a test is skipped on a developer's machine and fails on CI, which installs them.
 */
public final class RealTokenizers {
    private RealTokenizers() {
    }

    /** The folder with {@code tokenizer.json} and {@code tokenizer_config.json} of {@code name}. */
    public static Path folder(String name) {
        String dir = System.getProperty("realTokenizers.dir", "../.ci/artifacts/models");
        Path folder = Path.of(dir).resolve(name);
        boolean present = Files.isRegularFile(folder.resolve("tokenizer.json"))
                && Files.isRegularFile(folder.resolve("tokenizer_config.json"));
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("real tokenizer " + name + " missing in " + dir + ": run .ci/real-tokenizers");
        }
        assumeTrue(present, "real tokenizer " + name + " not installed (run .ci/real-tokenizers)");
        return folder;
    }

    /** The bundled demo model's folder (its tokenizer and template). */
    public static Path demoModel() {
        return DemoModel.folder();
    }
}
