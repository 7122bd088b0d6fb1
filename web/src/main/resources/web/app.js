// The chat page: plain DOM, no framework, no build step. Model output and document text are
// only ever set with textContent, never parsed as HTML.
"use strict";

const MODE_LABELS = { rag: "RAG only", tuned: "Tuned only", hybrid: "Hybrid" };

const form = document.getElementById("ask");
const question = document.getElementById("question");
const sendButton = document.getElementById("send");
const compareButton = document.getElementById("compare");
const log = document.getElementById("log");
const statusLine = document.getElementById("status");

let conversationId = null;
let busy = false;

function selectedMode() {
  const checked = form.querySelector('input[name="mode"]:checked');
  return checked ? checked.value : "hybrid";
}

function setBusy(value) {
  busy = value;
  sendButton.disabled = value;
  compareButton.disabled = value;
}

function newTurn(text, compare) {
  const turn = document.getElementById("turn-template").content.firstElementChild.cloneNode(true);
  turn.querySelector(".question").textContent = text;
  if (compare) {
    turn.querySelector(".answers").classList.add("compare");
  }
  log.appendChild(turn);
  return turn;
}

function newAnswer(turn, mode) {
  const view = document.getElementById("answer-template").content.firstElementChild.cloneNode(true);
  view.querySelector(".mode-label").textContent = MODE_LABELS[mode] || mode;
  const text = view.querySelector(".text");
  text.textContent = "thinking…";
  text.classList.add("pending");
  turn.querySelector(".answers").appendChild(view);
  view.scrollIntoView({ block: "nearest" });
  return view;
}

function appendText(view, piece) {
  const text = view.querySelector(".text");
  if (text.classList.contains("pending")) {
    text.classList.remove("pending");
    text.textContent = "";
  }
  text.textContent += piece;
}

function showReply(view, reply, firstTokenMs) {
  const text = view.querySelector(".text");
  text.classList.remove("pending");
  text.textContent = reply.answer || "(empty answer)";
  const t = reply.timings || {};
  const parts = [];
  parts.push(reply.adapter ? reply.model + " + " + reply.adapter : reply.model);
  if (reply.citations && reply.citations.length > 0) {
    parts.push("retrieval " + t.retrievalMs + " ms");
  }
  parts.push("generation " + t.generationMs + " ms");
  parts.push("total " + t.totalMs + " ms");
  if (firstTokenMs !== undefined) {
    parts.push("first words after " + firstTokenMs + " ms");
  }
  if (reply.historyDropped > 0) {
    // the conversation no longer fits the model's context: its oldest turns were not read
    parts.push(reply.historyDropped + " earlier message" + (reply.historyDropped === 1 ? "" : "s") + " left out to fit the context");
  }
  view.querySelector(".meta").textContent = parts.join(" · ");
  showSources(view, reply.citations || []);
}

function showSources(view, citations) {
  const details = view.querySelector(".sources");
  const list = details.querySelector("ol");
  list.replaceChildren();
  for (const c of citations) {
    const item = document.createElement("li");
    const title = document.createElement("span");
    title.className = "source-title";
    title.textContent = c.title || c.docId;
    const score = document.createElement("span");
    score.className = "source-score";
    score.textContent = c.docId + " · score " + Number(c.score).toFixed(3);
    const snippet = document.createElement("span");
    snippet.className = "snippet";
    snippet.textContent = c.snippet;
    // the snippet opens into the whole passage the model read
    const passage = document.createElement("details");
    passage.className = "passage";
    const open = document.createElement("summary");
    open.textContent = "Read the passage";
    const full = document.createElement("p");
    full.className = "passage-text";
    full.textContent = c.text || c.snippet;
    passage.append(open, full);
    item.append(title, score, snippet, passage);
    list.appendChild(item);
  }
  details.hidden = citations.length === 0;
  // open under a single answer; folded in the side-by-side comparison, where space is short
  details.open = !view.closest(".answers").classList.contains("compare");
  details.querySelector("summary").textContent = "Sources (" + citations.length + ")";
}

function showError(view, message) {
  const text = view.querySelector(".text");
  text.classList.remove("pending");
  text.classList.add("error");
  text.textContent = message;
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    return body.detail || body.error || "HTTP " + response.status;
  } catch (e) {
    return "HTTP " + response.status;
  }
}

// Reads a text/event-stream body: blocks separated by a blank line, "event:" and "data:" fields.
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) {
          event = line.slice(6).trim();
        } else if (line.startsWith("data:")) {
          data.push(line.slice(5).replace(/^ /, ""));
        }
      }
      if (data.length > 0) {
        onEvent(event, JSON.parse(data.join("\n")));
      }
    }
  }
}

async function ask(text, mode) {
  const turn = newTurn(text, false);
  const view = newAnswer(turn, mode);
  await streamInto(view, text, mode, conversationId);
}

// Streams one answer into its view; resolves to the reply (or null after an error).
async function streamInto(view, text, mode, conversation) {
  const started = performance.now();
  let firstTokenMs;
  let reply = null;
  let finished = false;
  try {
    const response = await fetch("/api/chat/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify({ message: text, mode: mode, conversationId: conversation }),
    });
    if (!response.ok) {
      showError(view, await errorMessage(response));
      return null;
    }
    await readEvents(response, (event, data) => {
      if (event === "token") {
        if (firstTokenMs === undefined) {
          firstTokenMs = Math.round(performance.now() - started);
        }
        appendText(view, data.text);
      } else if (event === "done") {
        finished = true;
        reply = data;
        conversationId = data.conversationId || conversationId;
        showReply(view, data, firstTokenMs);
        offerRating(view, text, mode, data.answer);
      } else if (event === "error") {
        finished = true;
        showError(view, data.detail || data.error);
      }
    });
    if (!finished) {
      showError(view, "the answer was cut off (connection closed)");
    }
  } catch (e) {
    showError(view, "could not reach the server: " + e.message);
  }
  return reply;
}

// The three modes side by side, streaming at once (three requests in parallel), each with its
// own latency; then buttons to pick the best.
async function compare(text) {
  const turn = newTurn(text, true);
  const views = {};
  for (const mode of ["rag", "tuned", "hybrid"]) {
    views[mode] = newAnswer(turn, mode);
  }
  const conversation = conversationId;
  const replies = await Promise.all(Object.keys(views).map((mode) => streamInto(views[mode], text, mode, conversation)));
  offerPick(turn, text, replies.filter((r) => r !== null), views);
}

// Under every answer: rate it up or down, stored through /api/feedback.
function offerRating(view, text, mode, answer) {
  if (!answer) {
    return;
  }
  const bar = document.createElement("p");
  bar.className = "rating";
  for (const [rating, label] of [["up", "Good answer"], ["down", "Bad answer"]]) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "rate-" + rating;
    b.textContent = label;
    b.addEventListener("click", async () => {
      bar.querySelectorAll("button").forEach((x) => { x.disabled = true; });
      const response = await fetch("/api/feedback", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: text, mode: mode, answer: answer, rating: rating }),
      });
      const done = document.createElement("span");
      done.className = "rated";
      done.textContent = response.ok ? " thanks, rated " + rating : " not saved: " + await errorMessage(response);
      bar.appendChild(done);
    });
    bar.appendChild(b);
  }
  view.appendChild(bar);
}

// Under a comparison: one button per answer to pick the best; the pick is stored through
// /api/feedback, which also turns it into preference pairs for DPO or a reward model.
function offerPick(turn, text, replies, views) {
  const answers = {};
  for (const r of replies) {
    if (r.answer) {
      answers[r.mode] = r.answer;
    }
  }
  if (Object.keys(answers).length < 2) {
    return;
  }
  const bar = document.createElement("p");
  bar.className = "pick";
  const buttons = [];
  for (const mode of Object.keys(answers)) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "pick-best";
    b.dataset.mode = mode;
    b.textContent = "Best: " + (MODE_LABELS[mode] || mode);
    buttons.push(b);
    views[mode].appendChild(b);
    b.addEventListener("click", async () => {
      buttons.forEach((x) => { x.disabled = true; });
      try {
        const response = await fetch("/api/feedback", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ question: text, answers: answers, best: mode }),
        });
        bar.textContent = response.ok ? "Thanks: " + (MODE_LABELS[mode] || mode) + " saved as the best answer."
          : "Not saved: " + await errorMessage(response);
        views[mode].classList.add("chosen");
      } catch (e) {
        bar.textContent = "Not saved: " + e.message;
      }
    });
  }
  turn.appendChild(bar);
}

async function submit(compareAll) {
  const text = question.value.trim();
  if (!text || busy) {
    return;
  }
  setBusy(true);
  question.value = "";
  try {
    if (compareAll) {
      await compare(text);
    } else {
      await ask(text, selectedMode());
    }
  } finally {
    setBusy(false);
    question.focus();
  }
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  submit(false);
});
compareButton.addEventListener("click", () => submit(true));
question.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) {
    e.preventDefault();
    submit(false);
  }
});

async function loadHealth() {
  try {
    const response = await fetch("/api/health");
    const health = await response.json();
    const modes = health.modes || [];
    statusLine.textContent = (health.adapter ? health.model + " + " + health.adapter : health.model)
        + " · " + health.documents + " documents";
    for (const input of form.querySelectorAll('input[name="mode"]')) {
      const available = modes.includes(input.value);
      input.disabled = !available;
      input.parentElement.classList.toggle("unavailable", !available);
      if (!available && input.checked) {
        form.querySelector('input[name="mode"][value="rag"]').checked = true;
      }
    }
    compareButton.hidden = modes.length < 3;
  } catch (e) {
    statusLine.textContent = "server unreachable";
    statusLine.classList.add("error");
  }
}

async function loadSamples() {
  try {
    const response = await fetch("/api/samples");
    const body = await response.json();
    const list = document.getElementById("samples");
    // samples name their split, so a visitor comparing the modes knows what each one should show
    const samples = body.samples || (body.questions || []).map((q) => ({ question: q }));
    for (const { question: sample, split } of samples) {
      const item = document.createElement("li");
      if (split) {
        const label = document.createElement("span");
        label.className = "split";
        label.textContent = split;
        item.appendChild(label);
      }
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = sample;
      button.addEventListener("click", () => {
        question.value = sample;
        submit(false);
      });
      item.appendChild(button);
      list.appendChild(item);
    }
    document.getElementById("samples-section").hidden = list.children.length === 0;
  } catch (e) {
    // samples are optional
  }
}

loadHealth();
loadSamples();
question.focus();
