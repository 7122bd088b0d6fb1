package ai.hybridchat.tuning;

import ai.hybridchat.tuning.train.ProgressListener;
import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One way of tuning a base model ({@code lora}, {@code dpo}, ...): it reads its data, trains on the
 * shared {@link TrainingRun}, and writes its result with {@link TuningOutputs}. A method is
 * registered by naming its class in {@code META-INF/services/ai.hybridchat.tuning.TuningMethod}
 * (the JDK's {@link java.util.ServiceLoader}, as Lucene registers its codecs), so adding one is one
 * new class and one line there, and nothing above the methods spells their names.
 */
public interface TuningMethod {
    /** The name users type: {@code tune --method NAME}, the admin API's {@code "method"}. */
    String name();

    TuningResult run(TuneOptions options, ProgressListener listener, BooleanSupplier cancelled) throws IOException;

    /** What the method trains with when the user names nothing. */
    default TuningDefaults.Recipe recipe() {
        return TuningDefaults.OTHERS;
    }

    /** The method's own hyper-parameters, recorded in {@code training.json} after the shared ones. */
    default Map<String, Object> hyperparameters(TuneOptions options) {
        return Map.of();
    }

    /** False when the loss the loop reports is not a token cross-entropy, so a perplexity of it means nothing. */
    default boolean lossIsTokenCrossEntropy() {
        return true;
    }

    /**
     * True when the method needs nothing but a base and one data file and writes an adapter the
     * server can swap in: the methods the admin API runs as jobs.
     */
    default boolean writesSwappableAdapter() {
        return false;
    }
}
