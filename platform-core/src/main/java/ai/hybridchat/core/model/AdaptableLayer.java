package ai.hybridchat.core.model;

import java.util.Map;

/**
 * A transformer layer whose linear projections adapters wrap (LoRA, quantized weights): named
 * slots ({@link ProjectionSlots}), each swappable. Decoder and encoder layers both are.
 */
public interface AdaptableLayer {
    ProjectionSlots slots();

    /** The layer's position in its stack, from 0. */
    int index();

    default Projection projection(String name) {
        return slots().get(name);
    }

    /** Swaps a projection, e.g. for a LoRA wrapper around it. */
    default void replace(String name, Projection projection) {
        slots().replace(name, projection);
    }

    default Map<String, Projection> projections() {
        return slots().view();
    }
}
