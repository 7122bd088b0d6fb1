package ai.hybridchat.tuning.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.prompt.RagPrompt;
import ai.hybridchat.tuning.TrainingRun;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.data.Batches;
import ai.hybridchat.tuning.data.ChatEncoder;
import ai.hybridchat.tuning.data.SftDataset;
import ai.hybridchat.tuning.data.SftExample;
import ai.hybridchat.tuning.train.CrossEntropy;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The checked data of a supervised run, encoded with the base's tokenizer and chat template, and
 * the next-token training over it that the supervised methods (full, last-layer, LoRA, QLoRA,
 * prompt tuning) share.
 *
 * @param closedBook the training examples that ask a question without passages (what the tuned mode reads)
 * @param questions  the distinct training questions, which an adapter keeps for the tuned mode's scope
 */
public record SupervisedData(List<ChatEncoder.Encoded> train, List<TokenBatch> validation, Batches batches, int steps,
                             int skipped, List<String> questions, List<ChatEncoder.Encoded> closedBook) {
    /** At most this many training questions are kept in an adapter's {@code training.json}. */
    static final int MAX_QUESTIONS = 10_000;

    /** Reads, encodes and batches the run's data; examples longer than {@code maxLength} are skipped and said so. */
    public static SupervisedData prepare(TuneOptions o, TextTokenizer tokenizer, ProgressListener listener) throws IOException {
        List<SftExample> train = SftDataset.read(o.data());
        List<SftExample> validation = o.validation() == null ? List.of() : SftDataset.read(o.validation());
        ChatEncoder encoder = new ChatEncoder(tokenizer);
        List<ChatEncoder.Encoded> encoded = encode(train, encoder);
        List<ChatEncoder.Encoded> fitting = ChatEncoder.fitting(encoded, o.maxLength());
        int skipped = encoded.size() - fitting.size();
        if (skipped > 0) {
            listener.onMessage("skipping " + skipped + " example(s) longer than " + o.maxLength() + " tokens");
        }
        long pad = TrainingRun.padId(tokenizer);
        Batches batches = new Batches(fitting, o.batchSize(), pad, o.seed());
        int steps = o.steps() > 0 ? o.steps()
                : Math.max(1, o.epochs() * batches.batchesPerEpoch() / o.gradientAccumulation());
        List<TokenBatch> val = Batches.inOrder(ChatEncoder.fitting(encode(validation, encoder), o.maxLength()), o.batchSize(), pad);
        List<ChatEncoder.Encoded> closedBook = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            if (encoded.get(i).length() - 1 <= o.maxLength() && isClosedBook(train.get(i))) {
                closedBook.add(encoded.get(i));
            }
        }
        return new SupervisedData(fitting, val, batches, steps, skipped, questions(train), closedBook);
    }

    /**
     * The distinct questions of chat examples (the last user message, its passages left out), which
     * an adapter keeps so serving can tell a question it was tuned on from one it was not.
     */
    static List<String> questions(List<SftExample> examples) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (SftExample e : examples) {
            if (e.prompt() == null || e.prompt().isEmpty() || out.size() >= MAX_QUESTIONS) {
                continue;
            }
            ChatTemplate.Message last = e.prompt().get(e.prompt().size() - 1);
            if (last.role().equals("user")) {
                String q = RagPrompt.parse(last.content()).question().strip();
                if (!q.isEmpty()) {
                    out.add(q);
                }
            }
        }
        return List.copyOf(out);
    }

    /** A chat example whose last user message is a question with no passages. */
    private static boolean isClosedBook(SftExample e) {
        if (e.prompt() == null || e.prompt().isEmpty()) {
            return false;
        }
        ChatTemplate.Message last = e.prompt().get(e.prompt().size() - 1);
        return last.role().equals("user") && RagPrompt.parse(last.content()).passages().isEmpty();
    }

    /** Runs the shared loop over {@code params} with the next-token loss of {@code model}. */
    TrainingLoop.Result train(TuneOptions o, LlamaModel model, List<NDArray> params, ProgressListener listener,
                              BooleanSupplier cancelled) {
        return train(o, model, params, listener, cancelled, null);
    }

    /** As above; {@code learned} (nullable) must also hold before a run stops at its target loss. */
    TrainingLoop.Result train(TuneOptions o, LlamaModel model, List<NDArray> params, ProgressListener listener,
                              BooleanSupplier cancelled, BooleanSupplier learned) {
        return TrainingRun.runLoop(o, steps, (batch, m) -> CrossEntropy.nextToken(
                        model, batch.inputArray(m), batch.targetArray(m), batch.maskArray(m)),
                params, batches::get, validation, listener, cancelled,
                learned == null ? 0 : batches.batchesPerEpoch() / o.gradientAccumulation(), learned);
    }

    /**
     * Whether greedy decoding reproduces every answer the tuned mode is asked for: each completion
     * token of every question-only training example has a probability above 0.5 after the tokens
     * before it (dropout off while it is asked). The examples with passages are left out: there the
     * hybrid mode reads the passages, and some with distractors only stay unlearned at the end of a
     * full run (measured on the water-board handbook: one token at 0.008 from step 150 to 330).
     */
    BooleanSupplier everyAnswerLearned(LlamaModel model, List<LoraLinear> loras, TuneOptions o, TextTokenizer tokenizer,
                                       ProgressListener listener) {
        List<ChatEncoder.Encoded> checked = closedBook.isEmpty() ? train : closedBook;
        List<TokenBatch> all = Batches.inOrder(checked, o.batchSize(), TrainingRun.padId(tokenizer));
        return () -> {
            loras.forEach(l -> l.setTraining(false));
            try (NDManager scratch = model.manager().newSubManager()) {
                CrossEntropy.LeastTarget least = null;
                int example = -1;
                for (int b = 0; b < all.size(); b++) {
                    CrossEntropy.LeastTarget t = CrossEntropy.leastTargetProbability(model, all.get(b), scratch);
                    if (least == null || t.probability() < least.probability()) {
                        least = t;
                        example = b * o.batchSize() + t.row();
                    }
                }
                boolean learned = least.probability() > 0.5;
                listener.onMessage(String.format(Locale.ROOT, "least probability of a question-only training answer token: %.3f%s",
                        least.probability(), learned ? "" : " (not all learned yet: example " + (example + 1) + ", "
                                + Json.MAPPER.valueToTree(tokenizer.decode(new long[] {least.token()})) + " in "
                                + Json.MAPPER.valueToTree(completion(checked.get(example), tokenizer)) + ")"));
                return learned;
            } finally {
                loras.forEach(l -> l.setTraining(true));
            }
        };
    }

    /** The trained (completion) text of an encoded example. */
    private static String completion(ChatEncoder.Encoded e, TextTokenizer tokenizer) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < e.ids().length; i++) {
            if (e.trained()[i]) {
                ids.add(e.ids()[i]);
            }
        }
        return tokenizer.decode(ids.stream().mapToLong(Long::longValue).toArray());
    }

    private static List<ChatEncoder.Encoded> encode(List<SftExample> examples, ChatEncoder encoder) {
        List<ChatEncoder.Encoded> out = new ArrayList<>();
        for (SftExample e : examples) {
            out.add(e.encode(encoder));
        }
        return out;
    }
}
