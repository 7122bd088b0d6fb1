package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for the positions already processed, preallocated to the
 * sequence capacity so decoding writes one slot per token instead of concatenating. It owns its
 * native memory: closing it frees everything a request used.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;
    private int length;

    public KvCache(LlamaConfig config, int batch, int capacity, NDManager parent) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[config.numHiddenLayers];
        this.values = new NDArray[config.numHiddenLayers];
        Shape shape = new Shape(batch, config.kvHeads(), capacity, config.headDim());
        for (int i = 0; i < keys.length; i++) {
            keys[i] = manager.zeros(shape);
            values[i] = manager.zeros(shape);
        }
    }

    /** Positions already in the cache; the next token's position. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    public NDManager manager() {
        return manager;
    }

    /** Stores {@code k, v} of shape {@code [B, kvHeads, T, headDim]} at positions {@code start..start+T} and returns everything so far. */
    NDArray[] append(int layer, int start, NDArray k, NDArray v) {
        long t = k.getShape().get(2);
        if (start + t > capacity) {
            throw new IllegalArgumentException("KV cache capacity " + capacity + " exceeded");
        }
        NDIndex slot = new NDIndex(":, :, {}:{}", start, start + t);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex upTo = new NDIndex(":, :, :{}", start + t);
        NDArray kAll = keys[layer].get(upTo);
        NDArray vAll = values[layer].get(upTo);
        kAll.attach(k.getManager());
        vAll.attach(k.getManager());
        return new NDArray[] {kAll, vAll};
    }

    /**
     * Layer {@code layer}'s keys {@code [B, kvHeads, capacity, headDim]}, for a decoder that writes
     * its slots itself (the fast decode path writes through a direct buffer on this array's memory).
     */
    public NDArray keys(int layer) {
        return keys[layer];
    }

    /** Layer {@code layer}'s values, laid out as {@link #keys}. */
    public NDArray values(int layer) {
        return values[layer];
    }

    /** Counts {@code tokens} more positions as held: called once their keys and values are written. */
    public void advance(int tokens) {
        if (length + tokens > capacity) {
            throw new IllegalArgumentException("KV cache capacity " + capacity + " exceeded");
        }
        length += tokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}
