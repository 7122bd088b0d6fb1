package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.io.Half;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * mapping tensor names to dtype, shape and byte offsets, then the raw little-endian data. Written
 * by hand because it is 100 lines and no Java library for it is on Maven Central in a kept state.
 */
public final class Safetensors {
    private Safetensors() {
    }

    /** Loads every tensor of one file as FLOAT32 arrays owned by {@code manager}. */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new ModelFormatException(file + ": too short to be a safetensors file");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000) {
                throw new ModelFormatException(file + ": invalid safetensors header length " + headerLen);
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            channel.read(headerBuf, 8);
            JsonNode header;
            try {
                header = Json.MAPPER.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ModelFormatException(file + ": safetensors header is not JSON: " + e.getMessage());
            }
            long dataStart = 8 + headerLen;
            ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart, size - dataStart).order(ByteOrder.LITTLE_ENDIAN);
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                tensors.put(e.getKey(), toArray(file, e.getKey(), e.getValue(), data, manager));
            }
        }
        return tensors;
    }

    private static NDArray toArray(Path file, String name, JsonNode info, ByteBuffer data, NDManager manager) {
        String dtype = info.path("dtype").asText();
        JsonNode shapeNode = info.path("shape");
        long[] dims = new long[shapeNode.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shapeNode.get(i).asLong();
        }
        long begin = info.path("data_offsets").get(0).asLong();
        long end = info.path("data_offsets").get(1).asLong();
        DataType type = switch (dtype) {
            case "F32" -> DataType.FLOAT32;
            case "F16" -> DataType.FLOAT16;
            case "BF16" -> DataType.BFLOAT16;
            default -> throw new ModelFormatException(file + ": tensor " + name + " has unsupported dtype " + dtype
                    + " (expected F32, F16 or BF16)");
        };
        Shape shape = new Shape(dims);
        long expected = shape.size() * type.getNumOfBytes();
        if (end - begin != expected || end > data.capacity()) {
            throw new ModelFormatException(file + ": tensor " + name + " has " + (end - begin)
                    + " bytes but shape " + shape + " of " + dtype + " needs " + expected);
        }
        ByteBuffer slice = data.duplicate().position((int) begin).limit((int) end).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (type == DataType.FLOAT32) {
            ByteBuffer direct = ByteBuffer.allocateDirect((int) expected).order(ByteOrder.nativeOrder());
            direct.asFloatBuffer().put(slice.asFloatBuffer());
            return manager.create(direct.asFloatBuffer(), shape);
        }
        // Half-precision is widened here rather than by DJL: creating a BFLOAT16 array from a
        // buffer aborts the PyTorch engine 0.36 process.
        float[] values = new float[(int) shape.size()];
        var halves = slice.asShortBuffer();
        for (int i = 0; i < values.length; i++) {
            short h = halves.get(i);
            values[i] = type == DataType.BFLOAT16 ? Float.intBitsToFloat((h & 0xFFFF) << 16) : halfToFloat(h);
        }
        return manager.create(values, shape);
    }

    /** IEEE 754 binary16 to binary32 (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        return Half.toFloat(half);
    }

    /**
     * Writes tensors as F32 (or BF16 when {@code bf16}), names sorted as PyTorch's safetensors
     * writer does, atomically.
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata, boolean bf16) throws IOException {
        Map<String, NDArray> sorted = new TreeMap<>(tensors);
        ObjectNode header = Json.MAPPER.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        meta.put("format", "pt");
        if (metadata != null) {
            metadata.forEach(meta::put);
        }
        long offset = 0;
        Map<String, byte[]> payloads = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
            NDArray array = e.getValue();
            byte[] bytes = bf16 ? toBf16(array) : toF32(array);
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", bf16 ? "BF16" : "F32");
            var shape = t.putArray("shape");
            for (long d : array.getShape().getShape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + bytes.length);
            offset += bytes.length;
            payloads.put(e.getKey(), bytes);
        }
        byte[] headerBytes = Json.MAPPER.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] headerPadded = new byte[padded];
        Arrays.fill(headerPadded, (byte) ' ');
        System.arraycopy(headerBytes, 0, headerPadded, 0, headerBytes.length);
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(headerPadded);
            for (byte[] p : payloads.values()) {
                out.write(p);
            }
        });
    }

    private static byte[] toF32(NDArray array) {
        float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    private static byte[] toBf16(NDArray array) {
        float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
        ByteBuffer buf = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            int bits = Float.floatToRawIntBits(v);
            // round to nearest even, as torch does when casting to bfloat16
            int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
            buf.putShort((short) (rounded >>> 16));
        }
        return buf.array();
    }

    /** Reads a whole model: one file or the shards named in {@code model.safetensors.index.json}. */
    public static Map<String, NDArray> readModel(Path modelDir, NDManager manager) throws IOException {
        Path single = modelDir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return read(single, manager);
        }
        Path index = modelDir.resolve("model.safetensors.index.json");
        if (!Files.isRegularFile(index)) {
            throw new ModelFormatException("missing " + single + " (or a sharded model.safetensors.index.json) in " + modelDir);
        }
        JsonNode map = Json.MAPPER.readTree(index.toFile()).path("weight_map");
        Map<String, NDArray> all = new LinkedHashMap<>();
        Set<String> shards = new TreeSet<>();
        map.forEach(n -> shards.add(n.asText()));
        for (String shard : shards) {
            Path shardFile = modelDir.resolve(shard).normalize();
            if (!shardFile.startsWith(modelDir.normalize()) || !Files.isRegularFile(shardFile)) {
                throw new ModelFormatException(index + " names shard " + shard + " which is missing");
            }
            all.putAll(read(shardFile, manager));
        }
        return all;
    }

}
