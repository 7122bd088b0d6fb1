// The llama.cpp peer of `platform bench generation`: node-llama-cpp's prebuilt llama.cpp on a GGUF
// file, batch 1, greedy, the same prompt length and number of new tokens as the Java side, one
// untimed generation then three timed ones (medians), on every thread count from 1 to THREADS;
// the best decode is reported with its thread count (on this 2-core machine llama.cpp with 2
// threads was 12x slower than with 1 at the demo shape: its threads contend with node's own).
// Prints one JSON line.
// Usage: node llama_cpp_peer.mjs FILE THREADS PROMPT_TOKENS NEW_TOKENS VOCAB
import {getLlama} from "node-llama-cpp";

const [file, threads, promptTokens, newTokens, vocab] = process.argv.slice(2).map((v, i) => i === 0 ? v : Number(v));
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath: file});
let seed = 2;
const prompt = Array.from({length: promptTokens}, () => (seed = (seed * 1103515245 + 12345) % 2147483648) % vocab);

async function run(context) {
    const sequence = context.getSequence();
    const t0 = performance.now();
    let t1 = 0;
    let n = 0;
    for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
        if (n === 0) {
            t1 = performance.now(); // the prompt is evaluated and the first token sampled
        }
        n++;
        if (n >= newTokens) {
            break;
        }
    }
    const t2 = performance.now();
    sequence.dispose();
    return {prefill: promptTokens / ((t1 - t0) / 1000), decode: (n - 1) / ((t2 - t1) / 1000)};
}

let best = null;
for (let t = 1; t <= threads; t++) {
    const context = await model.createContext({contextSize: promptTokens + newTokens + 8, threads: t, batchSize: promptTokens});
    await run(context);
    const runs = [await run(context), await run(context), await run(context)];
    const median = key => runs.map(r => r[key]).sort((a, b) => a - b)[1];
    const result = {threads: t, prefill_tokens_per_s: median("prefill"), decode_tokens_per_s: median("decode")};
    if (best === null || result.decode_tokens_per_s > best.decode_tokens_per_s) {
        best = result;
    }
    await context.dispose();
}
console.log(JSON.stringify(best));
await model.dispose();
await llama.dispose();
