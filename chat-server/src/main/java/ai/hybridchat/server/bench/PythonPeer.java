package ai.hybridchat.server.bench;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a peer benchmark script (a classpath resource under {@code /bench}) with a Python that has
 * PyTorch (Debian's {@code python3-torch}), and reads the one JSON object per line it prints.
 */
public final class PythonPeer {
    private final String python;

    public PythonPeer(String python) {
        this.python = python;
    }

    /** True when {@code python} runs and imports torch. */
    public boolean available() {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The module every peer imports (the shared Llama weights), copied beside the script. */
    static final String SHARED_MODULE = "llama_peer.py";

    public List<JsonNode> run(String script, List<String> args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("peer-");
        try {
            Path file = copy(script, dir);
            copy(SHARED_MODULE, dir);
            List<String> command = new ArrayList<>(List.of(python, file.toString()));
            command.addAll(args);
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(script + " failed with exit code " + p.exitValue());
            }
            List<JsonNode> rows = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.startsWith("{")) {
                    rows.add(Json.MAPPER.readTree(line));
                }
            }
            return rows;
        } finally {
            AtomicFiles.deleteRecursively(dir);
        }
    }

    private static Path copy(String resource, Path dir) throws IOException {
        try (InputStream in = PythonPeer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " beside " + PythonPeer.class.getName());
            }
            Path file = dir.resolve(resource);
            Files.write(file, in.readAllBytes());
            return file;
        }
    }
}
