package ai.hybridchat.core.gguf;

import ai.hybridchat.core.io.Half;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file read (versions 2 and 3): its metadata (numbers as {@code Long} or {@code Double},
 * strings, booleans, lists) and its tensors, whose values {@link #floats} expands to F32 (F32,
 * F16, Q8_0, Q4_0). The file is memory-mapped; every offset and size is checked against its
 * length before it is used, so a truncated or hostile file fails with a {@link GgufFormatException}.
 */
public final class GgufFile {
    /** A tensor's entry: its shape as PyTorch writes it (outermost first). */
    public record TensorInfo(String name, long[] shape, GgmlType type, long offset) {
        public long values() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private static final int MAX_DIMS = 4;
    private static final long MAX_ITEMS = 1L << 28;

    private final Map<String, Object> metadata;
    private final Map<String, TensorInfo> tensors;
    private final ByteBuffer data;

    private GgufFile(Map<String, Object> metadata, Map<String, TensorInfo> tensors, ByteBuffer data) {
        this.metadata = metadata;
        this.tensors = tensors;
        this.data = data;
    }

    public static GgufFile read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new GgufFormatException(file + ": files over 2 GiB are not read here yet");
            }
            ByteBuffer b = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            try {
                return parse(b);
            } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
                throw new GgufFormatException(file + ": truncated or malformed GGUF");
            }
        }
    }

    private static GgufFile parse(ByteBuffer b) {
        if (b.remaining() < 24 || b.getInt() != GgufWriter.MAGIC) {
            throw new GgufFormatException("not a GGUF file (no GGUF magic)");
        }
        int version = b.getInt();
        if (version != 2 && version != 3) {
            throw new GgufFormatException("GGUF version " + version + " is not read here (2 and 3 are)");
        }
        long tensorCount = count(b.getLong(), "tensors", b);
        long kvCount = count(b.getLong(), "metadata entries", b);
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = string(b);
            metadata.put(key, value(b, b.getInt()));
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = string(b);
            int dims = b.getInt();
            if (dims < 1 || dims > MAX_DIMS) {
                throw new GgufFormatException("tensor " + name + " has " + dims + " dimensions");
            }
            long[] shape = new long[dims];
            for (int d = 0; d < dims; d++) {
                shape[dims - 1 - d] = dimension(b.getLong(), name);
            }
            GgmlType type = GgmlType.of(b.getInt());
            long offset = b.getLong();
            tensors.put(name, new TensorInfo(name, shape, type, offset));
        }
        long alignment = metadata.get("general.alignment") instanceof Long a ? a : GgufWriter.ALIGNMENT;
        if (alignment <= 0 || alignment > 1 << 20) {
            throw new GgufFormatException("general.alignment " + alignment);
        }
        long start = (b.position() + alignment - 1) / alignment * alignment;
        if (start > b.limit()) {
            throw new GgufFormatException("the tensor data starts past the end of the file");
        }
        ByteBuffer data = b.position((int) start).slice().order(ByteOrder.LITTLE_ENDIAN);
        for (TensorInfo t : tensors.values()) {
            long bytes = t.type().bytes(t.values());
            if (t.offset() < 0 || t.offset() + bytes > data.limit() || t.shape()[t.shape().length - 1] % t.type().blockValues != 0) {
                throw new GgufFormatException("tensor " + t.name() + " (" + bytes + " bytes at " + t.offset() + ") is outside the file");
            }
        }
        return new GgufFile(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors), data);
    }

    /** A count of items that follow in the file: each takes at least one byte, so more than remain is a lie. */
    private static long count(long n, String what, ByteBuffer b) {
        if (n < 0 || n > MAX_ITEMS || n > b.remaining()) {
            throw new GgufFormatException(n + " " + what + " is not a plausible count");
        }
        return n;
    }

    private static long dimension(long n, String tensor) {
        if (n < 1 || n > MAX_ITEMS) {
            throw new GgufFormatException(n + " values in a dimension of " + tensor + " is not a plausible count");
        }
        return n;
    }

    private static String string(ByteBuffer b) {
        long n = b.getLong();
        if (n < 0 || n > b.remaining()) {
            throw new GgufFormatException("a string of " + n + " bytes runs past the end of the file");
        }
        byte[] bytes = new byte[(int) n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Object value(ByteBuffer b, int type) {
        return switch (type) {
            case 0 -> (long) (b.get() & 0xFF);
            case 1 -> (long) b.get();
            case 2 -> (long) (b.getShort() & 0xFFFF);
            case 3 -> (long) b.getShort();
            case 4 -> b.getInt() & 0xFFFFFFFFL;
            case 5 -> (long) b.getInt();
            case 6 -> (double) b.getFloat();
            case 7 -> b.get() != 0;
            case 8 -> string(b);
            case 9 -> {
                int element = b.getInt();
                long n = count(b.getLong(), "array elements", b);
                List<Object> values = new ArrayList<>((int) Math.min(n, 1 << 16));
                for (long i = 0; i < n; i++) {
                    values.add(value(b, element));
                }
                yield values;
            }
            case 10, 11 -> b.getLong();
            case 12 -> b.getDouble();
            default -> throw new GgufFormatException("metadata value type " + type + " is not GGUF's");
        };
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The tensor's values as F32, blocks expanded ({@code d * q} for Q8_0, {@code d * (q - 8)} for Q4_0). */
    public float[] floats(TensorInfo t) {
        if (t.values() > Integer.MAX_VALUE) {
            throw new GgufFormatException(t.name() + " is too large for one array");
        }
        float[] out = new float[(int) t.values()];
        int at = (int) t.offset();
        switch (t.type()) {
            case F32 -> data.slice(at, out.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Half.toFloat(data.getShort(at + 2 * i));
                }
            }
            case Q8_0 -> {
                for (int blk = 0; blk < out.length / 32; blk++) {
                    int o = at + blk * 34;
                    float d = Half.toFloat(data.getShort(o));
                    for (int j = 0; j < 32; j++) {
                        out[blk * 32 + j] = d * data.get(o + 2 + j);
                    }
                }
            }
            case Q4_0 -> {
                for (int blk = 0; blk < out.length / 32; blk++) {
                    int o = at + blk * 18;
                    float d = Half.toFloat(data.getShort(o));
                    for (int j = 0; j < 16; j++) {
                        int packed = data.get(o + 2 + j) & 0xFF;
                        out[blk * 32 + j] = d * ((packed & 15) - 8);
                        out[blk * 32 + j + 16] = d * ((packed >>> 4) - 8);
                    }
                }
            }
        }
        return out;
    }

    /** A metadata size (a whole number from 0 to 2^31 - 1), or an error naming the key. */
    public int size(String key) {
        if (metadata.get(key) instanceof Long v && v >= 0 && v <= Integer.MAX_VALUE) {
            return v.intValue();
        }
        throw new GgufFormatException("metadata " + key + " is missing or not a size: " + metadata.get(key));
    }
}
