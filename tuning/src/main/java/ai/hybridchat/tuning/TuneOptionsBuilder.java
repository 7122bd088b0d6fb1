package ai.hybridchat.tuning;

import java.nio.file.Path;
import java.util.List;

/** {@link TuneOptions} one setting at a time, over the defaults of {@link #of}. */
public final class TuneOptionsBuilder {
    private final String method;
    private final Path base;
    private final Path data;
    private final Path out;
    private Path validation;
    private int epochs;
    private int steps;
    private int batchSize = TuneOptions.DEFAULT_BATCH;
    private int maxLength = TuneOptions.DEFAULT_MAX_LENGTH;
    private double learningRate;
    private double weightDecay = TuneOptions.DEFAULT_WEIGHT_DECAY;
    private int warmupSteps = TuneOptions.DEFAULT_WARMUP_STEPS;
    private int evalEvery;
    private long seed = TuneOptions.DEFAULT_SEED;
    private int rank;
    private Double alpha;
    private double dropout = TuneOptions.DEFAULT_DROPOUT;
    private List<String> targetModules;
    private int earlyStopping;
    private int checkpointEvery;
    private boolean resume;
    private boolean forceResume;
    private int gradientAccumulation = 1;
    private TuneOptions.MethodOptions methodOptions = TuneOptions.MethodOptions.DEFAULTS;

    /**
     * A run of {@code method} with every setting at its default: the method's recipe
     * ({@link TuningMethod#recipe()}: epochs, learning rate, LoRA rank and targets) and the shared
     * ones of {@link TuneOptions}; alpha is twice the rank unless set.
     */
    public static TuneOptionsBuilder of(String method, Path base, Path data, Path out) {
        return new TuneOptionsBuilder(method, base, data, out);
    }

    private TuneOptionsBuilder(String method, Path base, Path data, Path out) {
        this.method = method;
        this.base = base;
        this.data = data;
        this.out = out;
        TuningDefaults.Recipe recipe = TuningMethods.recipe(method);
        epochs = recipe.epochs();
        learningRate = recipe.learningRate();
        rank = recipe.rank();
        targetModules = recipe.targetModules();
    }

    public TuneOptionsBuilder validation(Path file) { validation = file; return this; }
    public TuneOptionsBuilder epochs(int n) { epochs = n; return this; }
    public TuneOptionsBuilder steps(int n) { steps = n; return this; }
    public TuneOptionsBuilder batchSize(int n) { batchSize = n; return this; }
    public TuneOptionsBuilder maxLength(int n) { maxLength = n; return this; }
    public TuneOptionsBuilder learningRate(double lr) { learningRate = lr; return this; }
    public TuneOptionsBuilder weightDecay(double d) { weightDecay = d; return this; }
    public TuneOptionsBuilder warmupSteps(int n) { warmupSteps = n; return this; }
    public TuneOptionsBuilder evalEvery(int n) { evalEvery = n; return this; }
    public TuneOptionsBuilder seed(long s) { seed = s; return this; }
    public TuneOptionsBuilder rank(int r) { rank = r; return this; }
    public TuneOptionsBuilder alpha(double a) { alpha = a; return this; }
    public TuneOptionsBuilder dropout(double d) { dropout = d; return this; }
    public TuneOptionsBuilder targetModules(List<String> names) { targetModules = names; return this; }
    public TuneOptionsBuilder earlyStopping(int patience) { earlyStopping = patience; return this; }
    public TuneOptionsBuilder checkpoints(int every, boolean resumeRun) { checkpointEvery = every; resume = resumeRun; return this; }
    public TuneOptionsBuilder forcedResume() { resume = true; forceResume = true; return this; }
    public TuneOptionsBuilder gradientAccumulation(int n) { gradientAccumulation = n; return this; }
    public TuneOptionsBuilder methodOptions(TuneOptions.MethodOptions o) { methodOptions = o; return this; }

    public TuneOptions build() {
        return new TuneOptions(method, base, data, validation, out, epochs, steps, batchSize, maxLength, learningRate,
                weightDecay, warmupSteps, evalEvery, seed, rank, alpha != null ? alpha : 2.0 * rank, dropout, targetModules,
                earlyStopping, checkpointEvery, resume, gradientAccumulation, methodOptions, forceResume);
    }
}
