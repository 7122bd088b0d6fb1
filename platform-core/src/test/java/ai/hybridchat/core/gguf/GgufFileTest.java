package ai.hybridchat.core.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.testing.DemoModel;
import ai.hybridchat.core.testing.TinyModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GGUF's published layout (ggml docs/gguf.md) byte by byte, the reader on what the writer made, and hostile files. */
class GgufFileTest {
    @TempDir
    Path dir;

    @Test
    void theHeaderKeyValuesAndTensorInfosAreLaidOutAsGgufDefinesThem() throws Exception {
        Path file = dir.resolve("t.gguf");
        byte[] values = new byte[3 * 2 * 4];
        ByteBuffer.wrap(values).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(new float[] {1, 2, 3, 4, 5, 6});
        new GgufWriter().string("general.architecture", "llama").uint32("llama.block_count", 7)
                .tensor(new GgufWriter.Tensor("w", new long[] {2, 3}, GgmlType.F32, Arrays.copyOf(values, 24))).write(file);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("GGUF", new String(Arrays.copyOf(b.array(), 4), StandardCharsets.US_ASCII));
        b.position(4);
        assertEquals(3, b.getInt(), "version");
        assertEquals(1, b.getLong(), "tensor count");
        assertEquals(3, b.getLong(), "key-values: the two given and general.alignment");
        assertEquals("general.architecture", string(b));
        assertEquals(8, b.getInt(), "GGUF_TYPE_STRING");
        assertEquals("llama", string(b));
        assertEquals("llama.block_count", string(b));
        assertEquals(4, b.getInt(), "GGUF_TYPE_UINT32");
        assertEquals(7, b.getInt());
        assertEquals("general.alignment", string(b));
        assertEquals(4, b.getInt());
        assertEquals(32, b.getInt());
        assertEquals("w", string(b));
        assertEquals(2, b.getInt(), "dimensions");
        assertEquals(3, b.getLong(), "ne[0] is the innermost dimension");
        assertEquals(2, b.getLong());
        assertEquals(0, b.getInt(), "GGML_TYPE_F32");
        assertEquals(0, b.getLong(), "offset into the data section");
        int data = (b.position() + 31) / 32 * 32;
        assertEquals(1f, b.getFloat(data), "the data section starts at the next multiple of the alignment");
        assertEquals(6f, b.getFloat(data + 20));

        GgufFile read = GgufFile.read(file);
        assertEquals("llama", read.metadata().get("general.architecture"));
        assertEquals(7L, read.metadata().get("llama.block_count"));
        GgufFile.TensorInfo w = read.tensors().get("w");
        assertArrayEquals(new long[] {2, 3}, w.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, read.floats(w));
    }

    @Test
    void aModelWrittenAndReadBackInF32ComputesTheSameLogits() throws Exception {
        Path model = TinyModels.writeRandom(dir.resolve("m"), TinyModels.llama(false, false, 4, 2), 5, 1f);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(DemoModel.folder().resolve(f), model.resolve(f));
        }
        Path file = dir.resolve("m.gguf");
        Path back = dir.resolve("back");
        try (NDManager m = NDManager.newBaseManager(); LlamaModel original = LlamaModel.load(model, m)) {
            // the tiny model has a 50-token vocabulary: the demo tokenizer's first 50 tokens stand for it
            GgufExport.write(original, model, "tiny", GgmlType.F32, file);
            GgufImport.toHuggingFace(file, back);
            try (LlamaModel reread = LlamaModel.load(back, m)) {
                long[] ids = {1, 7, 3, 22, 9};
                float[] a = original.forward(m.create(ids, new Shape(1, 5)), null, false).toFloatArray();
                float[] b = reread.forward(m.create(ids, new Shape(1, 5)), null, false).toFloatArray();
                assertArrayEquals(a, b, 1e-5f, "q/k rows permuted for ggml and back, every tensor under its name");
                assertEquals(original.config().tieWordEmbeddings, reread.config().tieWordEmbeddings);
                assertEquals(original.config().kvHeads(), reread.config().kvHeads());
            }
        }
    }

    @Test
    void quantizedBlocksReadBackAsTheirQuantizedValues() throws Exception {
        Path model = TinyModels.writeRandom(dir.resolve("m"), TinyModels.llama(true, false, 4, 2), 6, 1f);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(DemoModel.folder().resolve(f), model.resolve(f));
        }
        try (NDManager m = NDManager.newBaseManager(); LlamaModel original = LlamaModel.load(model, m)) {
            for (GgmlType type : List.of(GgmlType.Q8_0, GgmlType.Q4_0)) {
                Path file = dir.resolve(type + ".gguf");
                GgufExport.write(original, model, "tiny", type, file);
                GgufFile read = GgufFile.read(file);
                GgufFile.TensorInfo down = read.tensors().get("blk.0.ffn_down.weight");
                assertEquals(type, down.type());
                float[] expected = (type == GgmlType.Q8_0
                        ? ai.hybridchat.core.quant.Q8Weight.quantize(original.weights().get("model.layers.0.mlp.down_proj.weight"), m)
                        : ai.hybridchat.core.quant.Q4Weight.quantize(original.weights().get("model.layers.0.mlp.down_proj.weight"), m))
                        .dequantize(m).toFloatArray();
                float[] got = read.floats(down);
                for (int i = 0; i < got.length; i++) {
                    // the file holds each scale in F16: a relative error of at most 2^-11 on every value
                    assertEquals(expected[i], got[i], Math.abs(expected[i]) * 1e-3 + 1e-7, type + " value " + i);
                }
                assertEquals(GgmlType.F32, read.tensors().get("blk.0.attn_norm.weight").type(), "norms stay F32");
                assertEquals(type == GgmlType.Q4_0 ? GgmlType.Q8_0 : type, read.tensors().get("token_embd.weight").type());
            }
        }
    }

    @Test
    void hostileFilesFailWithAReasonNotACrash() throws Exception {
        Path good = dir.resolve("g.gguf");
        new GgufWriter().string("general.architecture", "llama")
                .tensor(new GgufWriter.Tensor("w", new long[] {1, 32}, GgmlType.Q8_0, new byte[34])).write(good);
        byte[] bytes = Files.readAllBytes(good);
        // the 34 bytes of the one block, padded to 64: cutting 32 leaves the block short
        Path truncated = Files.write(dir.resolve("t.gguf"), Arrays.copyOf(bytes, bytes.length - 32));
        assertTrue(assertThrows(GgufFormatException.class, () -> GgufFile.read(truncated)).getMessage().contains("outside the file"));
        byte[] magic = bytes.clone();
        magic[0] = 'X';
        Path notGguf = Files.write(dir.resolve("x.gguf"), magic);
        assertTrue(assertThrows(GgufFormatException.class, () -> GgufFile.read(notGguf)).getMessage().contains("magic"));
        byte[] huge = bytes.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(16, Long.MAX_VALUE / 2);
        Path counts = Files.write(dir.resolve("c.gguf"), huge);
        assertTrue(assertThrows(GgufFormatException.class, () -> GgufFile.read(counts)).getMessage().contains("plausible"));
        Path cut = Files.write(dir.resolve("h.gguf"), Arrays.copyOf(bytes, 40));
        assertThrows(GgufFormatException.class, () -> GgufFile.read(cut));
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[(int) b.getLong()];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
