package ai.hybridchat.retrieval;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The Solr configset of a chunk collection ({@code solrconfig.xml} and {@code schema.xml}): the
 * local index's fields ({@link ChunkSchema}) with a vector field of one embedding dimension, so
 * each dimension has its own configset ({@code hybridchat-chunks-d384}; {@code -lexical} without
 * vectors). {@link SolrChunkIndex} uploads it when the cluster lacks it; an operator can take it
 * from {@code platform solr-config} and create collections by hand.
 */
public final class SolrConfigset {
    static final String PREFIX = "hybridchat-chunks-";

    private SolrConfigset() {
    }

    /** The configset's name for vectors of {@code dimension} (0: lexical only). */
    public static String name(int dimension) {
        return PREFIX + (dimension > 0 ? "d" + dimension : "lexical");
    }

    /** File name to content. */
    public static Map<String, String> files(int dimension) {
        if (dimension < 0) {
            throw new IllegalArgumentException("dimension must be >= 0, got " + dimension);
        }
        String schema = resource("schema.xml")
                .replace("@VECTOR_DIMENSION@", dimension > 0 ? String.valueOf(dimension) : "none")
                .replace("@VECTOR_TYPE@", dimension > 0 ? "  <fieldType name=\"knn_vector\" class=\"solr.DenseVectorField\" vectorDimension=\""
                        + dimension + "\" similarityFunction=\"cosine\" knnAlgorithm=\"hnsw\" hnswMaxConnections=\"16\" hnswBeamWidth=\"100\"/>"
                        : "")
                .replace("@VECTOR_FIELD@", dimension > 0 ? "  <field name=\"vector\" type=\"knn_vector\" indexed=\"true\" stored=\"true\"/>" : "");
        Map<String, String> out = new LinkedHashMap<>();
        out.put("solrconfig.xml", resource("solrconfig.xml"));
        out.put("schema.xml", schema);
        return out;
    }

    /** Writes the configset's files into {@code dir} (created if needed). */
    public static void write(Path dir, int dimension) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> f : files(dimension).entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
        }
    }

    /** The configset as the ConfigSets API's UPLOAD takes it: a zip with the files at its root. */
    static byte[] zip(int dimension) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> f : files(dimension).entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String resource(String name) {
        try (InputStream in = SolrConfigset.class.getResourceAsStream("solr/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks its Solr configset file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
