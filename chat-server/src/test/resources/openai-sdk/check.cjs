// Drives the platform's OpenAI-compatible API with the official OpenAI SDK for JavaScript and
// prints what the SDK made of each call as one JSON object; OpenAiSdkTest asserts on it.
// Usage: NODE_PATH=.ci/artifacts/openai-sdk/node_modules node check.cjs BASE_URL QUESTION
const OpenAI = require("openai");

const [baseURL, question] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0, timeout: 120000 });
const ask = [{ role: "user", content: question }];

async function error(call) {
  try {
    await call();
    return { thrown: false };
  } catch (e) {
    return {
      thrown: true, sdkClass: e.constructor.name, isApiError: e instanceof OpenAI.APIError, status: e.status ?? null,
      type: e.type ?? null, param: e.param ?? null, code: e.code ?? null, message: e.message,
    };
  }
}

async function main() {
  const out = {};
  out.models = (await client.models.list()).data.map(m => m.id);
  out.retrieved = (await client.models.retrieve("demo-model")).id;
  out.missingModel = await error(() => client.models.retrieve("gpt-4o"));

  const blocking = await client.chat.completions.create({ model: "hybrid", messages: ask });
  out.blocking = {
    content: blocking.choices[0].message.content, finish: blocking.choices[0].finish_reason,
    usage: blocking.usage, object: blocking.object, citations: blocking.citations ?? null,
  };

  const stream = await client.chat.completions.create({
    model: "hybrid", messages: ask, stream: true, stream_options: { include_usage: true },
  });
  const pieces = [];
  let finish = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.delta && choice.delta.content) pieces.push(choice.delta.content);
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  out.streaming = { content: pieces.join(""), pieces: pieces.length, finish, usage, chunks };

  const cut = await client.chat.completions.create({ model: "demo-model", messages: ask, max_completion_tokens: 2 });
  out.cut = { finish: cut.choices[0].finish_reason, usage: cut.usage };

  const sampled = [];
  for (let i = 0; i < 2; i++) {
    const r = await client.chat.completions.create({
      model: "demo-model", messages: ask, temperature: 1.2, top_p: 0.95, seed: 11, max_tokens: 24,
    });
    sampled.push(r.choices[0].message.content);
  }
  out.seeded = sampled;

  const prefill = await client.chat.completions.create({
    model: "demo-model", max_tokens: 8,
    messages: [...ask, { role: "assistant", content: "The standard" }],
  });
  out.prefill = { content: prefill.choices[0].message.content, usage: prefill.usage };

  const conversation = await client.chat.completions.create({
    model: "rag", messages: [
      { role: "system", content: "Answer from the passages." },
      { role: "user", content: "Tell me about the cooperative." },
      { role: "assistant", content: null },
      ...ask,
    ],
  });
  out.conversation = { content: conversation.choices[0].message.content, usage: conversation.usage };
  const alone = await client.chat.completions.create({ model: "rag", messages: ask });
  out.alone = { content: alone.choices[0].message.content, usage: alone.usage };

  out.errors = {
    noModel: await error(() => client.chat.completions.create({ messages: ask })),
    unknownModel: await error(() => client.chat.completions.create({ model: "gpt-4o", messages: ask })),
    temperature: await error(() => client.chat.completions.create({ model: "rag", messages: ask, temperature: 2.5 })),
    tools: await error(() => client.chat.completions.create({
      model: "demo-model", messages: ask,
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: {} } } }],
    })),
    n: await error(() => client.chat.completions.create({ model: "rag", messages: ask, n: 2 })),
    streamedTooLong: await error(async () => {
      const s = await client.chat.completions.create({ model: "demo-model", messages: ask, stream: true, max_tokens: 100000 });
      for await (const chunk of s) { void chunk; }
    }),
  };
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch(e => {
  process.stderr.write("check.cjs failed: " + (e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
