// llama.cpp (the npm package node-llama-cpp, prebuilt) on a GGUF file: tokenizes a text with the
// file's own tokenizer, and continues given token ids greedily. Prints one JSON line.
// Usage: node llama_cpp_greedy.mjs FILE TEXT IDS(comma-separated) N
import {getLlama} from "node-llama-cpp";

const [file, text, ids, n] = process.argv.slice(2);
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath: file});
const tokenized = Array.from(model.tokenize(text, false));
const context = await model.createContext({contextSize: 256});
const sequence = context.getSequence();
const generated = [];
for await (const token of sequence.evaluate(ids.split(",").map(Number), {temperature: 0})) {
    generated.push(token);
    if (generated.length >= Number(n)) {
        break;
    }
}
console.log(JSON.stringify({tokenized, generated}));
await context.dispose();
await model.dispose();
await llama.dispose();
