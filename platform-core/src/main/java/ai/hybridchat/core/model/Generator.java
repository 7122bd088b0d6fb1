package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Autoregressive decoding with a KV cache: one prefill pass over the prompt, then one forward
 * pass per new token. All native memory of a request lives in a sub-manager closed at the end,
 * so a server answering many requests does not grow.
 */
public final class Generator {
    /** Receives each piece of new text as soon as it is decoded. */
    public interface TokenListener {
        void onText(String piece);
    }

    public enum FinishReason { EOS, STOP_STRING, LENGTH, CANCELLED }

    /**
     * @param logprobs each new token's log-probability in the distribution it was drawn from (the
     *                 model's, mixed with the copy pointer's when there is one), before sampling's
     *                 temperature and filters
     */
    public record Result(long[] tokenIds, String text, FinishReason finishReason, int promptTokens,
                         long prefillNanos, long decodeNanos, float[] logprobs) {
        /**
         * The mean log-probability of the new tokens, the length-normalised sequence likelihood
         * (0 for an empty answer): how sure the model was of what it said.
         */
        public double meanLogprob() {
            double sum = 0;
            for (float lp : logprobs) {
                sum += lp;
            }
            return logprobs.length == 0 ? 0 : sum / logprobs.length;
        }
    }

    private final LlamaModel model;
    private final TextTokenizer tokenizer;
    private final Set<Long> eosIds;
    private final StepDecoder steps;

    /** Every step on libtorch. */
    public Generator(LlamaModel model, TextTokenizer tokenizer, Set<Long> eosIds) {
        this(model, tokenizer, eosIds, null);
    }

    /**
     * Decode steps on {@code steps} where it can compute the model exactly ({@code FastDecoder.STEPS},
     * the vector-API path), on libtorch otherwise and when {@code steps} is null (the A/B of
     * {@code bench generation} and of the tests that check the two agree).
     */
    public Generator(LlamaModel model, TextTokenizer tokenizer, Set<Long> eosIds, StepDecoder steps) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.eosIds = Set.copyOf(eosIds);
        this.steps = steps;
    }

    public Result generate(long[] prompt, GenerationConfig config, TokenListener listener, BooleanSupplier cancelled) {
        return generate(prompt, config, listener, cancelled, null);
    }

    /** As above, with {@code processor} (null: none) applied to every step's next-token logits. */
    public Result generate(long[] prompt, GenerationConfig config, TokenListener listener, BooleanSupplier cancelled,
                           LogitsProcessor processor) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give at least one token");
        }
        int capacity = model.virtualTokens() + prompt.length + config.maxNewTokens();
        if (capacity > model.config().contextLength()) {
            throw new ContextLengthExceededException("prompt of " + prompt.length + " tokens plus " + config.maxNewTokens()
                    + " new tokens exceeds the model's context of " + model.config().contextLength());
        }
        for (long id : prompt) {
            if (id < 0 || id >= model.config().vocabSize) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + model.config().vocabSize);
            }
        }
        Sampler sampler = new Sampler(config);
        Set<Integer> seen = new HashSet<>();
        for (long id : prompt) {
            seen.add((int) id);
        }
        List<Long> generated = new ArrayList<>();
        List<Float> logprobs = new ArrayList<>();
        IncrementalDetokenizer detokenizer = tokenizer == null ? null : new IncrementalDetokenizer(tokenizer);
        StringBuilder text = new StringBuilder();
        int emitted = 0;
        FinishReason reason = FinishReason.LENGTH;
        long t0 = System.nanoTime();
        long prefill = 0;
        try (NDManager request = model.manager().newSubManager(); KvCache cache = model.newCache(1, capacity)) {
            float[] logits;
            try (NDManager step = request.newSubManager()) {
                NDArray ids = step.create(prompt, new Shape(1, prompt.length));
                logits = model.forward(ids, cache, true).toType(DataType.FLOAT32, false).toFloatArray();
            }
            prefill = System.nanoTime() - t0;
            // decode steps on the faster path when it can compute this model exactly; libtorch otherwise
            StepDecoder.Session session = steps == null ? null : steps.start(model, cache);
            while (generated.size() < config.maxNewTokens()) {
                if (cancelled != null && cancelled.getAsBoolean()) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
                if (processor != null) {
                    logits = processor.process(logits, generated);
                }
                // the sampler may penalise repeats and add biases in place: read the chosen token's log-probability first
                float[] drawnFrom = config.repetitionPenalty() != 1.0 || config.adjustsLogits() ? logits.clone() : logits;
                double normaliser = logSumExp(logits);
                int next = sampler.next(logits, seen);
                float logprob = (float) (drawnFrom[next] - normaliser);
                if (eosIds.contains((long) next)) {
                    reason = FinishReason.EOS;
                    break;
                }
                generated.add((long) next);
                logprobs.add(logprob);
                seen.add(next);
                if (detokenizer != null) {
                    String piece = detokenizer.add(next);
                    if (!piece.isEmpty()) {
                        // a stop string may straddle the old text and the new piece: search just that tail
                        int from = Math.max(0, text.length() - maxLength(config.stopStrings()));
                        text.append(piece);
                        int stopAt = firstStop(text, from, config.stopStrings());
                        if (stopAt >= 0) {
                            text.setLength(stopAt);
                            emitted = emit(listener, text, emitted, text.length());
                            reason = FinishReason.STOP_STRING;
                            break;
                        }
                        // hold back text that may be the start of a stop string
                        emitted = emit(listener, text, emitted, safePrefix(text, config.stopStrings()));
                    }
                }
                if (generated.size() >= config.maxNewTokens()) {
                    break;
                }
                if (session != null) {
                    logits = session.step(next);
                    continue;
                }
                try (NDManager step = request.newSubManager()) {
                    NDArray ids = step.create(new long[] {next}, new Shape(1, 1));
                    logits = model.forward(ids, cache, true).toType(DataType.FLOAT32, false).toFloatArray();
                }
            }
        }
        if (reason != FinishReason.STOP_STRING) {
            emit(listener, text, emitted, text.length());
        }
        long total = System.nanoTime() - t0;
        float[] lp = new float[logprobs.size()];
        for (int i = 0; i < lp.length; i++) {
            lp[i] = logprobs.get(i);
        }
        return new Result(toArray(generated), text.toString(), reason, prompt.length, prefill, total - prefill, lp);
    }

    /** Sends {@code text[emitted, upTo)} if not empty; returns the new emitted length. */
    private static int emit(TokenListener listener, CharSequence text, int emitted, int upTo) {
        if (upTo > emitted) {
            if (listener != null) {
                listener.onText(text.subSequence(emitted, upTo).toString());
            }
            return upTo;
        }
        return emitted;
    }

    static int firstStop(StringBuilder text, int from, List<String> stops) {
        int best = -1;
        for (String stop : stops) {
            int i = text.indexOf(stop, from);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private static int maxLength(List<String> stops) {
        int max = 0;
        for (String s : stops) {
            max = Math.max(max, s.length());
        }
        return max;
    }

    /** Length of the prefix that can be shown: no partial stop string at the end. */
    static int safePrefix(StringBuilder text, List<String> stops) {
        int end = text.length();
        // only the last (longest stop - 1) characters can start a stop string: look at just those
        String tail = text.substring(Math.max(0, end - maxLength(stops)));
        int offset = end - tail.length();
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, tail.length()); k > 0; k--) {
                if (tail.startsWith(s.substring(0, k), tail.length() - k)) {
                    end = Math.min(end, offset + tail.length() - k);
                    break;
                }
            }
        }
        return end;
    }

    private static double logSumExp(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : logits) {
            sum += Math.exp(x - max);
        }
        return max + Math.log(sum);
    }

    static long[] toArray(List<Long> ids) {
        long[] out = new long[ids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.get(i);
        }
        return out;
    }
}
