package ai.hybridchat.core.encoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A sentence-embedding model as sentence-transformers builds one: a {@link BertModel}, a
 * {@link Pooling} of its token vectors, and L2 normalisation, with the model's own WordPiece
 * {@code tokenizer.json} (through DJL's Hugging Face tokenizers, the binding LangChain4j's
 * in-process models use too; a text longer than the tokenizer's truncation setting is cut there,
 * as LangChain4j's are). A LangChain4j {@link EmbeddingModel}, so the retrieval module can use it
 * wherever it uses LangChain4j's ONNX ones. Thread-safe for embedding.
 */
public final class SentenceEncoder implements EmbeddingModel, AutoCloseable {
    private static final int BATCH = 32;

    private final BertModel model;
    private final byte[] tokenizerJson;
    private final HuggingFaceTokenizer tokenizer;
    private final Pooling pooling;
    private final NDManager manager;
    private final String name;

    public SentenceEncoder(BertModel model, byte[] tokenizerJson, Pooling pooling) {
        this(model, tokenizerJson, pooling, "bert-encoder");
    }

    /** {@code name}: what an index records as its embedding model, so that a search with another is refused. */
    public SentenceEncoder(BertModel model, byte[] tokenizerJson, Pooling pooling, String name) {
        this.model = model;
        this.name = name;
        this.tokenizerJson = tokenizerJson.clone();
        this.pooling = pooling;
        this.manager = model.manager();
        try {
            this.tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), Map.of("padding", "false"));
        } catch (IOException e) {
            throw new ModelFormatException("cannot read the encoder's tokenizer.json: " + e.getMessage());
        }
    }

    /** Loads a sentence-transformers folder: the model, {@code tokenizer.json}, and {@code 1_Pooling/config.json} if present (else mean). */
    public static SentenceEncoder load(Path dir, NDManager parent) throws IOException {
        Path tok = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tok)) {
            throw new ModelFormatException("missing " + tok + " (an encoder folder needs its tokenizer.json)");
        }
        Pooling pooling = Pooling.MEAN;
        Path poolingConfig = dir.resolve("1_Pooling").resolve("config.json");
        if (Files.isRegularFile(poolingConfig)) {
            JsonNode p = Json.MAPPER.readTree(poolingConfig.toFile());
            pooling = p.path(Pooling.CLS.configKey).asBoolean(false) ? Pooling.CLS : Pooling.MEAN;
        }
        return new SentenceEncoder(BertModel.load(dir, parent), Files.readAllBytes(tok), pooling, folderName(dir));
    }

    /**
     * A folder's model name: its file name and the first 12 hex digits of its weights' SHA-256, so
     * two tunings written to folders of the same name are still told apart.
     */
    static String folderName(Path dir) throws IOException {
        Path weights = dir.resolve("model.safetensors");
        String digest = "";
        if (Files.isRegularFile(weights)) {
            try (InputStream in = Files.newInputStream(weights)) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
                digest = "@" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return dir.toAbsolutePath().normalize().getFileName() + digest;
    }

    @Override
    public String modelName() {
        return name;
    }

    /** Writes a sentence-transformers folder that {@link #load} and sentence-transformers read. */
    public void save(Path dir) throws IOException {
        model.save(dir);
        Files.write(dir.resolve("tokenizer.json"), tokenizerJson);
        var modules = Json.MAPPER.createArrayNode();
        modules.addObject().put("idx", 0).put("name", "0").put("path", "").put("type", "sentence_transformers.models.Transformer");
        modules.addObject().put("idx", 1).put("name", "1").put("path", "1_Pooling").put("type", "sentence_transformers.models.Pooling");
        modules.addObject().put("idx", 2).put("name", "2").put("path", "2_Normalize").put("type", "sentence_transformers.models.Normalize");
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("modules.json").toFile(), modules);
        ObjectNode p = Json.MAPPER.createObjectNode().put("word_embedding_dimension", model.config().hiddenSize);
        for (Pooling mode : Pooling.values()) {
            p.put(mode.configKey, mode == pooling);
        }
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.createDirectories(dir.resolve("2_Normalize"));
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("1_Pooling").resolve("config.json").toFile(), p);
    }

    /** Token ids with {@code [CLS]} and {@code [SEP]}, cut to the tokenizer's and the model's limits. */
    public long[] tokenIds(String text) {
        return tokenIds(text, model.config().maxPositionEmbeddings);
    }

    /** As {@link #tokenIds(String)}, and to at most {@code maxLength} tokens, the final {@code [SEP]} kept. */
    public long[] tokenIds(String text, int maxLength) {
        Encoding e = tokenizer.encode(text, true, false);
        long[] ids = e.getIds();
        int max = Math.min(maxLength, model.config().maxPositionEmbeddings);
        if (ids.length > max) {
            long sep = ids[ids.length - 1];
            ids = Arrays.copyOf(ids, max);
            ids[max - 1] = sep;
        }
        return ids;
    }

    /** A text pair's token ids and segment ids: {@code [CLS] a [SEP] b [SEP]}, cut by the tokenizer's truncation. */
    public record PairIds(long[] ids, long[] typeIds) {
    }

    public PairIds pairIds(String a, String b) {
        Encoding e = tokenizer.encode(a, b, true, false);
        long[] ids = e.getIds();
        long[] types = e.getTypeIds();
        int max = model.config().maxPositionEmbeddings;
        if (ids.length > max) {
            long sep = ids[ids.length - 1];
            ids = Arrays.copyOf(ids, max);
            types = Arrays.copyOf(types, max);
            ids[max - 1] = sep;
        }
        return new PairIds(ids, types);
    }

    /**
     * A query and passage as one input, {@code [CLS] query [SEP] passage [SEP]}, in at most
     * {@code maxLength} tokens: the query keeps up to half of them, the passage is cut to the rest
     * (what a cross-encoder reads; BERT's segment ids 0 and 1).
     */
    public PairIds pairIds(String query, String passage, int maxLength) {
        long[] q = tokenizer.encode(query, false, false).getIds();
        long[] p = tokenizer.encode(passage, false, false).getIds();
        long[] specials = tokenizer.encode("", true, false).getIds();
        long cls = specials[0];
        long sep = specials[specials.length - 1];
        int room = Math.min(maxLength, model.config().maxPositionEmbeddings) - 3;
        int qLen = Math.min(q.length, Math.max(1, room / 2));
        int pLen = Math.max(0, Math.min(p.length, room - qLen));
        long[] ids = new long[qLen + pLen + 3];
        long[] types = new long[ids.length];
        ids[0] = cls;
        System.arraycopy(q, 0, ids, 1, qLen);
        ids[qLen + 1] = sep;
        System.arraycopy(p, 0, ids, qLen + 2, pLen);
        ids[ids.length - 1] = sep;
        Arrays.fill(types, qLen + 2, ids.length, 1);
        return new PairIds(ids, types);
    }

    /** The normalised sentence vectors of {@code texts}, in order. */
    public float[][] embed(List<String> texts) {
        List<long[]> ids = texts.stream().map(this::tokenIds).toList();
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // batches of similar length: little padding
        Arrays.sort(order, Comparator.comparingInt(i -> ids.get(i).length));
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < order.length; from += BATCH) {
            int to = Math.min(order.length, from + BATCH);
            List<long[]> batch = new ArrayList<>();
            for (int i = from; i < to; i++) {
                batch.add(ids.get(order[i]));
            }
            float[][] vectors = embedBatch(batch);
            for (int i = from; i < to; i++) {
                out[order[i]] = vectors[i - from];
            }
        }
        return out;
    }

    private float[][] embedBatch(List<long[]> batch) {
        try (NDManager step = manager.newSubManager()) {
            float[] values = encode(batch, step).toFloatArray();
            int h = model.config().hiddenSize;
            float[][] out = new float[batch.size()][];
            for (int b = 0; b < out.length; b++) {
                out[b] = Arrays.copyOfRange(values, b * h, (b + 1) * h);
            }
            return out;
        }
    }

    /**
     * The normalised sentence vectors {@code [B, H]} of token-id rows (from {@link #tokenIds}),
     * padded to the longest, in {@code m}.
     */
    public NDArray encode(List<long[]> batch, NDManager m) {
        PaddedIds padded = PaddedIds.of(batch, null, model.config().padTokenId);
        Shape shape = new Shape(padded.rows(), padded.length());
        return encode(m.create(padded.ids(), shape), m.create(padded.mask(), shape));
    }

    /**
     * The normalised sentence vectors {@code [B, H]} of padded ids {@code [B, T]} and their
     * attention mask (1 for a token, 0 for padding): the forward pass training differentiates.
     */
    public NDArray encode(NDArray ids, NDArray attentionMask) {
        NDArray hidden = model.forward(ids, null, attentionMask);
        NDArray pooled = pooling.pool(hidden, attentionMask);
        return pooled.div(pooled.norm(new int[] {-1}, true).maximum(1e-12f));
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        float[][] vectors = embed(segments.stream().map(TextSegment::text).toList());
        List<Embedding> out = new ArrayList<>(vectors.length);
        for (float[] v : vectors) {
            out.add(Embedding.from(v));
        }
        return Response.from(out);
    }

    @Override
    public int dimension() {
        return model.config().hiddenSize;
    }

    public BertModel model() {
        return model;
    }

    /** The tokenizer's {@code tokenizer.json}, as read. */
    public byte[] tokenizerJson() {
        return tokenizerJson.clone();
    }

    public Pooling pooling() {
        return pooling;
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
