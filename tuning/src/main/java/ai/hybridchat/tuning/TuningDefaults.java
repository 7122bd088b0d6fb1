package ai.hybridchat.tuning;

import java.util.List;

/**
 * The one home of the settings a tuning run takes when the user names none, per method, for the
 * command line and the admin API alike.
 *
 * <p>Supervised LoRA and QLoRA (chosen by measurement, docs/MODEL_CARD.md "Defaults that learn"):
 * rank 16, alpha 32, every projection of every block, peak learning rate 5e-3, 30 epochs. On the
 * bundled base, with 40 kite-catalogue pairs and 100 demo pairs, fewer epochs (10, 15), the
 * attention projections alone (q, v) or a learning rate of 1e-2 all left facts unlearned
 * (5-65% exact); these learned 100%. Chosen on the demo and the kite catalogue; the water-board
 * handbook was not used to choose them. A run stops once its smoothed training loss is below
 * 0.02 and every training answer is learned (each completion token above probability 0.5, so
 * greedy decoding reproduces it): a kite run stopped at 0.048 learned 92.5% of its facts, one that
 * went on to 0.009 all of them (0.16 gave 99% on the demo set, 0.28 gave 62%), and one stopped at
 * 0.02 on another machine 90%.
 *
 * <p>The other methods keep the settings they were measured with: 3 epochs at 2e-3 for full and
 * last-layer tuning and prompt tuning, and rank 8 on q and v at 2e-3 for DPO (style preference
 * 60/60 on held-out pairs, MODEL_CARD.md).
 */
public final class TuningDefaults {
    public static final List<String> ALL_PROJECTIONS = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj");

    /** What a method trains with by default. */
    /** {@code stopBelowLoss}: the run ends once the smoothed training loss is below it (0: never). */
    public record Recipe(int epochs, double learningRate, int rank, double alpha, List<String> targetModules,
                         double stopBelowLoss) {
    }

    /** Supervised LoRA and QLoRA. */
    public static final Recipe SUPERVISED_LORA = new Recipe(30, 5e-3, 16, 32, ALL_PROJECTIONS, 0.02);
    /** Every other method, unless it names its own ({@link TuningMethod#recipe()}). */
    public static final Recipe OTHERS = new Recipe(3, 2e-3, 8, 16, List.of("q_proj", "v_proj"), 0);

    private TuningDefaults() {
    }


}
