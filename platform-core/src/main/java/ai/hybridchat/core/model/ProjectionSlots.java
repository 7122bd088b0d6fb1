package ai.hybridchat.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A layer's named linear projections, under Hugging Face's module names ({@code self_attn.q_proj},
 * {@code attention.self.query}), each slot swappable for a wrapper around what it holds (LoRA,
 * quantized weights). Decoder and encoder layers both keep theirs here.
 */
public final class ProjectionSlots {
    private final String owner;
    private final Map<String, Projection> slots = new LinkedHashMap<>();

    /** {@code owner} names the layer in error messages, e.g. "layer 3". */
    public ProjectionSlots(String owner, Map<String, Projection> initial) {
        this.owner = owner;
        slots.putAll(initial);
    }

    public Projection get(String name) {
        Projection p = slots.get(name);
        if (p == null) {
            throw new IllegalArgumentException(owner + " has no projection " + name);
        }
        return p;
    }

    /** Swaps the projection in an existing slot; an unknown name is refused. */
    public void replace(String name, Projection projection) {
        get(name);
        slots.put(name, projection);
    }

    public Map<String, Projection> view() {
        return Collections.unmodifiableMap(slots);
    }
}
