package ai.hybridchat.tuning.pretrain;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ByteLevelBpeJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a byte-level BPE vocabulary (Sennrich et al., 2016; GPT-2's byte-to-unicode mapping)
 * and writes it as a Hugging Face {@code tokenizer.json}, which DJL's tokenizer binding then
 * runs. Written here because DJL binds only the inference side of Hugging Face tokenizers and
 * no Java library trains BPE; the output is the standard format, so any HF tooling reads it.
 *
 * <p>Pair counts are kept incrementally: a merge only revisits the words that contain the
 * merged pair, so training a few thousand merges over megabytes of text takes seconds.
 */
public final class ByteLevelBpeTrainer {
    /** GPT-2's pre-tokenisation regex, the one Hugging Face's ByteLevel pre-tokenizer applies. */
    static final Pattern PRE_TOKENIZE = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    public static final List<String> SPECIAL_TOKENS =
            List.of("<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "<|pad|>");

    public static final String CHAT_TEMPLATE = "{% for message in messages %}<|{{ message.role }}|>\n"
            + "{{ message.content }}<|end|>\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

    private final int vocabSize;
    private final char[] byteToChar = byteToUnicode();

    public ByteLevelBpeTrainer(int vocabSize) {
        if (vocabSize < SPECIAL_TOKENS.size() + 256 + 1) {
            throw new IllegalArgumentException("vocab size must exceed " + (SPECIAL_TOKENS.size() + 256) + ", got " + vocabSize);
        }
        this.vocabSize = vocabSize;
    }

    /** The trained vocabulary: token strings in id order, and merges in rank order. */
    public record Vocabulary(List<String> tokens, List<String[]> merges) {
    }

    public Vocabulary train(Iterable<String> texts) {
        Map<String, Integer> wordCounts = new HashMap<>();
        for (String text : texts) {
            Matcher m = PRE_TOKENIZE.matcher(text);
            while (m.find()) {
                wordCounts.merge(toByteLevel(m.group()), 1, Integer::sum);
            }
        }
        List<String> tokens = new ArrayList<>(SPECIAL_TOKENS);
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
        for (int b = 0; b < 256; b++) {
            String s = String.valueOf(byteToChar[b]);
            ids.put(s, tokens.size());
            tokens.add(s);
        }
        int n = wordCounts.size();
        int[][] words = new int[n][];
        int[] freq = new int[n];
        int w = 0;
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            String word = e.getKey();
            words[w] = new int[word.length()];
            for (int i = 0; i < word.length(); i++) {
                words[w][i] = ids.get(String.valueOf(word.charAt(i)));
            }
            freq[w++] = e.getValue();
        }
        Map<Long, Long> pairCounts = new HashMap<>();
        Map<Long, Set<Integer>> pairWords = new HashMap<>();
        for (int i = 0; i < n; i++) {
            addPairs(words[i], freq[i], i, pairCounts, pairWords);
        }
        List<String[]> merges = new ArrayList<>();
        while (tokens.size() < vocabSize && !pairCounts.isEmpty()) {
            long best = -1;
            long bestCount = 0;
            for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
                long c = e.getValue();
                // ties go to the smaller pair key so training is deterministic
                if (c > bestCount || (c == bestCount && e.getKey() < best)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (bestCount < 2) {
                break;
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            int merged = tokens.size();
            tokens.add(tokens.get(left) + tokens.get(right));
            merges.add(new String[] {tokens.get(left), tokens.get(right)});
            for (int wi : new ArrayList<>(pairWords.getOrDefault(best, Set.of()))) {
                removePairs(words[wi], freq[wi], wi, pairCounts, pairWords);
                words[wi] = merge(words[wi], left, right, merged);
                addPairs(words[wi], freq[wi], wi, pairCounts, pairWords);
            }
        }
        return new Vocabulary(tokens, merges);
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    private static void addPairs(int[] word, int f, int wi, Map<Long, Long> counts, Map<Long, Set<Integer>> where) {
        for (int i = 0; i + 1 < word.length; i++) {
            long k = key(word[i], word[i + 1]);
            counts.merge(k, (long) f, Long::sum);
            where.computeIfAbsent(k, x -> new HashSet<>()).add(wi);
        }
    }

    private static void removePairs(int[] word, int f, int wi, Map<Long, Long> counts, Map<Long, Set<Integer>> where) {
        for (int i = 0; i + 1 < word.length; i++) {
            long k = key(word[i], word[i + 1]);
            long c = counts.merge(k, (long) -f, Long::sum);
            if (c <= 0) {
                counts.remove(k);
            }
            Set<Integer> s = where.get(k);
            if (s != null) {
                s.remove(wi);
                if (s.isEmpty()) {
                    where.remove(k);
                }
            }
        }
    }

    private static int[] merge(int[] word, int left, int right, int merged) {
        int[] out = new int[word.length];
        int j = 0;
        for (int i = 0; i < word.length; i++) {
            if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                out[j++] = merged;
                i++;
            } else {
                out[j++] = word[i];
            }
        }
        return Arrays.copyOf(out, j);
    }

    String toByteLevel(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = byteToChar[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** GPT-2's reversible map from bytes to printable unicode characters. */
    static char[] byteToUnicode() {
        char[] map = new char[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            printable[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            printable[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            printable[b] = true;
        }
        int next = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = printable[b] ? (char) b : (char) (256 + next++);
        }
        return map;
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} (with the chat template) into {@code dir}. */
    public static void write(Vocabulary vocab, Path dir, int modelMaxLength) throws IOException {
        Map<Integer, String> specials = new LinkedHashMap<>();
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            specials.put(i, SPECIAL_TOKENS.get(i));
        }
        List<String> merges = new ArrayList<>();
        for (String[] m : vocab.merges()) {
            merges.add(m[0] + " " + m[1]);
        }
        ObjectNode root = ByteLevelBpeJson.of(vocab.tokens(), merges, specials);
        AtomicFiles.writeString(dir.resolve("tokenizer.json"), Json.MAPPER.writeValueAsString(root));

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("bos_token", null);
        config.put("eos_token", "<|end|>");
        config.put("pad_token", "<|pad|>");
        config.put("unk_token", null);
        config.put("model_max_length", modelMaxLength);
        config.put("chat_template", CHAT_TEMPLATE);
        AtomicFiles.writeString(dir.resolve("tokenizer_config.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    }
}
