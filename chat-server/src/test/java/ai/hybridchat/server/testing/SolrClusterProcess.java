package ai.hybridchat.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real two-node SolrCloud in a child JVM (retrieval's {@code SolrTestCluster} on retrieval's
 * test classpath, which its build writes to {@code target/solr-test-cluster.classpath}): Solr's
 * Jetty 10 cannot live beside the server's Jetty 12 in one JVM. Closing it ends the cluster.
 */
public final class SolrClusterProcess implements AutoCloseable {
    static final Path RETRIEVAL = Path.of("..", "retrieval", "target");

    private final Process process;
    private final List<String> urls;

    private SolrClusterProcess(Process process, List<String> urls) {
        this.process = process;
        this.urls = urls;
    }

    public static SolrClusterProcess start(int nodes) throws IOException, InterruptedException {
        Path classpathFile = RETRIEVAL.resolve("solr-test-cluster.classpath");
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException(classpathFile.toAbsolutePath() + " is missing: build the retrieval module's tests first "
                    + "(./mvnw test-compile -pl retrieval, or the whole reactor)");
        }
        String classpath = RETRIEVAL.resolve("test-classes").toAbsolutePath() + java.io.File.pathSeparator
                + RETRIEVAL.resolve("classes").toAbsolutePath() + java.io.File.pathSeparator
                + Files.readString(classpathFile, StandardCharsets.UTF_8).strip();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = Files.createTempFile("solr-cluster-", ".log");
        Process p = new ProcessBuilder(java.toString(), "-Xmx1g", "-cp", classpath, "ai.hybridchat.retrieval.testing.SolrTestCluster",
                String.valueOf(nodes)).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    if (l.startsWith("SOLR_URLS=")) {
                        return l.substring("SOLR_URLS=".length());
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String urls = line.get(180, TimeUnit.SECONDS);
            if (urls == null) {
                throw new IllegalStateException("the Solr cluster did not start: " + Files.readString(log));
            }
            return new SolrClusterProcess(p, Arrays.asList(urls.split(",")));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("the Solr cluster did not start in time: " + Files.readString(log), e);
        }
    }

    public List<String> urls() {
        return urls;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
