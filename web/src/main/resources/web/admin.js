// The admin page: documents, upload, full reindex with progress. The token stays in this tab's
// sessionStorage and goes only into the Authorization header. Text from documents is set with
// textContent, never parsed as HTML.
"use strict";

const statusLine = document.getElementById("status");
const tokenInput = document.getElementById("token");
let token = sessionStorage.getItem("adminToken") || "";

function auth(extra) {
  return Object.assign({ "Authorization": "Bearer " + token }, extra || {});
}

async function detail(response) {
  try {
    const body = await response.json();
    return body.detail || body.error || "HTTP " + response.status;
  } catch (e) {
    return "HTTP " + response.status;
  }
}

function note(id, text, error) {
  const el = document.getElementById(id);
  el.textContent = text;
  el.classList.toggle("error", !!error);
}

async function loadDocuments() {
  const response = await fetch("/api/admin/documents", { headers: auth() });
  if (!response.ok) {
    statusLine.textContent = await detail(response);
    statusLine.classList.add("error");
    return false;
  }
  statusLine.classList.remove("error");
  const body = await response.json();
  statusLine.textContent = "signed in";
  document.getElementById("counts").textContent = body.documentCount + " documents, " + body.chunkCount + " chunks";
  const rows = document.getElementById("documents");
  rows.replaceChildren();
  for (const d of body.documents) {
    const tr = document.createElement("tr");
    for (const value of [d.docId, d.title, String(d.chunks)]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.appendChild(td);
    }
    const td = document.createElement("td");
    const del = document.createElement("button");
    del.type = "button";
    del.className = "delete";
    del.textContent = "Delete";
    del.addEventListener("click", async () => {
      const r = await fetch("/api/admin/documents/" + encodeURIComponent(d.docId), { method: "DELETE", headers: auth() });
      note("upload-note", r.ok ? "deleted " + d.docId : await detail(r), !r.ok);
      await loadDocuments();
    });
    td.appendChild(del);
    tr.appendChild(td);
    rows.appendChild(tr);
  }
  return true;
}

document.getElementById("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  token = tokenInput.value.trim();
  sessionStorage.setItem("adminToken", token);
  if (await loadDocuments()) {
    await loadAdapters();
    await loadEmbeddingModels();
    await loadClassifiers();
    await loadReports();
  }
});

document.getElementById("upload").addEventListener("submit", async (e) => {
  e.preventDefault();
  const file = document.getElementById("file").files[0];
  if (!file) {
    return;
  }
  const form = new FormData();
  form.append("file", file, file.name);
  note("upload-note", "uploading " + file.name + "…");
  const response = await fetch("/api/admin/documents", { method: "POST", headers: auth(), body: form });
  if (response.ok) {
    const body = await response.json();
    note("upload-note", body.file + ": " + body.outcome + ", " + body.chunks + " chunks");
    await loadDocuments();
  } else {
    note("upload-note", await detail(response), true);
  }
});

// Follows a job's Server-Sent Events (fetch, since EventSource cannot send the token header).
async function follow(jobId, onEvent) {
  const response = await fetch("/api/admin/jobs/" + jobId + "/events", { headers: auth({ "Accept": "text/event-stream" }) });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n");
      if (data) {
        onEvent(JSON.parse(data));
      }
    }
  }
}

document.getElementById("reindex").addEventListener("click", async () => {
  const button = document.getElementById("reindex");
  const bar = document.getElementById("reindex-progress");
  button.disabled = true;
  const response = await fetch("/api/admin/reindex", { method: "POST", headers: auth() });
  if (!response.ok) {
    note("reindex-note", await detail(response), true);
    button.disabled = false;
    return;
  }
  const job = await response.json();
  bar.hidden = false;
  bar.value = 0;
  note("reindex-note", job.id + " started");
  await follow(job.id, (event) => {
    if (event.event === "progress") {
      bar.max = event.total;
      bar.value = event.done;
      note("reindex-note", "indexed " + event.done + " of " + event.total);
    } else if (event.event === "done") {
      bar.value = bar.max;
      note("reindex-note", event.state === "succeeded" ? "reindex done: " + event.result.summary
        : "reindex " + event.state + ": " + (event.error || ""), event.state !== "succeeded");
    }
  });
  button.disabled = false;
  await loadDocuments();
});

document.getElementById("tuning-data").addEventListener("submit", async (e) => {
  e.preventDefault();
  const file = document.getElementById("data-file").files[0];
  if (!file) {
    return;
  }
  const form = new FormData();
  form.append("file", file, file.name);
  const response = await fetch("/api/admin/tuning-data", { method: "POST", headers: auth(), body: form });
  if (response.ok) {
    const body = await response.json();
    note("data-note", body.file + ": " + body.examples + " examples");
    document.getElementById("data-name").value = body.file;
  } else {
    note("data-note", await detail(response), true);
  }
});

// The loss of every step as a polyline, rescaled as points arrive.
function drawCurve(points, svgId = "loss-curve") {
  const svg = document.getElementById(svgId);
  svg.hidden = false;
  const max = Math.max(...points.map((p) => p[1]));
  const min = Math.min(...points.map((p) => p[1]));
  const last = points[points.length - 1][0];
  const coords = points.map(([step, loss]) =>
    (400 * step / Math.max(1, last)).toFixed(1) + "," + (110 - 100 * (loss - min) / Math.max(1e-9, max - min)).toFixed(1));
  svg.replaceChildren();
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", coords.join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "currentColor");
  line.setAttribute("stroke-width", "2");
  svg.appendChild(line);
}

// DPO trains on preference pairs: by default the answers picked in the compare view
document.getElementById("method").addEventListener("change", (e) => {
  const data = document.getElementById("data-name");
  if (e.target.value === "dpo" && !data.value.trim()) {
    data.value = "feedback";
  }
});

document.getElementById("tune").addEventListener("submit", async (e) => {
  e.preventDefault();
  const button = document.getElementById("tune-button");
  button.disabled = true;
  const request = {
    method: document.getElementById("method").value,
    data: document.getElementById("data-name").value.trim(),
    name: document.getElementById("adapter-name").value.trim(),
  };
  // an empty field leaves the method's measured default to the server
  for (const [field, id] of [["steps", "steps"], ["lr", "lr"], ["rank", "rank"]]) {
    const value = document.getElementById(id).value.trim();
    if (value) {
      request[field] = Number(value);
    }
  }
  const response = await fetch("/api/admin/tune", {
    method: "POST", headers: auth({ "Content-Type": "application/json" }), body: JSON.stringify(request),
  });
  if (!response.ok) {
    note("tune-note", await detail(response), true);
    button.disabled = false;
    return;
  }
  const job = await response.json();
  const points = [];
  note("tune-note", job.id + " started");
  await follow(job.id, (event) => {
    if (event.event === "step") {
      points.push([event.step, event.loss]);
      drawCurve(points);
      note("tune-note", "step " + event.step + " of " + event.totalSteps + ", loss " + event.loss.toFixed(4));
    } else if (event.event === "done") {
      note("tune-note", event.state === "succeeded"
        ? "tuned " + event.result.adapter + ": final loss " + Number(event.result.trainLoss).toFixed(4)
        : "tuning " + event.state + ": " + (event.error || ""), event.state !== "succeeded");
    }
  });
  button.disabled = false;
  await loadAdapters();
});

async function loadAdapters() {
  const response = await fetch("/api/admin/adapters", { headers: auth() });
  if (!response.ok) {
    return;
  }
  const body = await response.json();
  document.getElementById("active").textContent = body.active ? "active: " + body.active : "";
  const list = document.getElementById("adapters");
  list.replaceChildren();
  for (const a of body.adapters) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = a.name + " (" + a.peftType + ")";
    item.appendChild(name);
    const activate = document.createElement("button");
    activate.type = "button";
    activate.className = "activate";
    activate.textContent = a.name === body.active ? "Active" : "Activate";
    activate.disabled = a.name === body.active;
    activate.addEventListener("click", async () => {
      const r = await fetch("/api/admin/adapters/" + encodeURIComponent(a.name) + "/activate", { method: "POST", headers: auth() });
      note("tune-note", r.ok ? "activated " + a.name : await detail(r), !r.ok);
      await loadAdapters();
    });
    item.appendChild(activate);
    list.appendChild(item);
  }
}

// The retriever's models: a job tunes the embedding model, re-embeds the documents and swaps; or
// trains a cross-encoder reranker, which the config switches on (retrieval.reranker).
const retrieverKind = document.getElementById("embedding-kind");
retrieverKind.addEventListener("change", () => {
  const reranker = retrieverKind.value === "reranker";
  document.getElementById("embedding-activate").disabled = reranker;
  document.getElementById("embedding-button").textContent = reranker ? "Train the reranker" : "Tune the retriever";
});

document.getElementById("embedding-tune").addEventListener("submit", async (e) => {
  e.preventDefault();
  const button = document.getElementById("embedding-button");
  button.disabled = true;
  const reranker = retrieverKind.value === "reranker";
  const request = { name: document.getElementById("embedding-name").value.trim() };
  if (!reranker) {
    request.activate = document.getElementById("embedding-activate").checked;
  }
  const data = document.getElementById("embedding-data").value.trim();
  if (data) {
    request.data = data;
  }
  const epochs = document.getElementById("embedding-epochs").value.trim();
  if (epochs) {
    request.epochs = Number(epochs);
  }
  const response = await fetch(reranker ? "/api/admin/reranker-tuning" : "/api/admin/embedding-tuning", {
    method: "POST", headers: auth({ "Content-Type": "application/json" }), body: JSON.stringify(request),
  });
  if (!response.ok) {
    note("embedding-note", await detail(response), true);
    button.disabled = false;
    return;
  }
  await followEmbeddingJob(await response.json());
  button.disabled = false;
});

// A training job's loss curve, progress bar and closing line, under one prefix of element ids.
async function followTraining(job, prefix, describe) {
  const points = [];
  const bar = document.getElementById(prefix + "-progress");
  note(prefix + "-note", job.id + " started");
  await follow(job.id, (event) => {
    if (event.event === "step") {
      points.push([event.step, event.loss]);
      drawCurve(points, prefix + "-curve");
      note(prefix + "-note", "step " + event.step + " of " + event.totalSteps + ", loss " + event.loss.toFixed(4));
    } else if (event.event === "progress" && bar) {
      bar.hidden = false;
      bar.max = event.total;
      bar.value = event.done;
      note(prefix + "-note", "re-embedding: " + event.done + " of " + event.total + " chunks");
    } else if (event.event === "done") {
      if (bar) {
        bar.hidden = true;
      }
      note(prefix + "-note", event.state === "succeeded" ? describe(event.result || {})
        : "the job " + event.state + ": " + (event.error || ""), event.state !== "succeeded");
    }
  });
}

async function followEmbeddingJob(job) {
  await followTraining(job, "embedding", (r) => r.reranker
    ? "trained the reranker " + r.reranker + " on " + r.pairs + " pairs: final loss " + Number(r.trainLoss).toFixed(4)
      + "; to rerank with it, set retrieval.reranker: " + r.folder + " in the config"
    : (r.model ? "tuned " + r.model + " on " + r.pairs + " pairs: final loss " + Number(r.trainLoss).toFixed(4) + "; " : "")
      + "the index embeds with " + r.active);
  await loadEmbeddingModels();
}

async function loadEmbeddingModels() {
  const response = await fetch("/api/admin/embedding-models", { headers: auth() });
  if (!response.ok) {
    return;
  }
  const body = await response.json();
  document.getElementById("embedding-active").textContent = "active: " + body.active + (body.fixedByConfig ? " (set in the config)" : "");
  const list = document.getElementById("embedding-models");
  list.replaceChildren();
  for (const m of body.models) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = m.name + (m.bundled ? " (bundled)" : "");
    item.appendChild(name);
    const activate = document.createElement("button");
    activate.type = "button";
    activate.className = "activate";
    activate.textContent = m.name === body.active ? "Active" : "Use";
    activate.disabled = m.name === body.active || body.fixedByConfig;
    activate.addEventListener("click", async () => {
      const r = await fetch("/api/admin/embedding-models/" + encodeURIComponent(m.name) + "/activate", { method: "POST", headers: auth() });
      if (r.ok) {
        await followEmbeddingJob(await r.json());
      } else {
        note("embedding-note", await detail(r), true);
      }
    });
    item.appendChild(activate);
    list.appendChild(item);
  }
  const rerankers = await fetch("/api/admin/rerankers", { headers: auth() });
  if (rerankers.ok) {
    const rows = document.getElementById("reranker-models");
    rows.replaceChildren();
    for (const m of (await rerankers.json()).rerankers) {
      const item = document.createElement("li");
      item.textContent = "reranker " + m.name;
      rows.appendChild(item);
    }
  }
}

// Classifiers: a pretrained encoder with a new output layer, fine-tuned on labelled texts.
document.getElementById("classifier-tune").addEventListener("submit", async (e) => {
  e.preventDefault();
  const button = document.getElementById("classifier-button");
  button.disabled = true;
  const request = {
    name: document.getElementById("classifier-name").value.trim(),
    data: document.getElementById("classifier-data").value.trim(),
    lora: document.getElementById("classifier-lora").checked,
  };
  const validation = document.getElementById("classifier-validation").value.trim();
  if (validation) {
    request.validation = validation;
  }
  const epochs = document.getElementById("classifier-epochs").value.trim();
  if (epochs) {
    request.epochs = Number(epochs);
  }
  const response = await fetch("/api/admin/classifier-tuning", {
    method: "POST", headers: auth({ "Content-Type": "application/json" }), body: JSON.stringify(request),
  });
  if (response.ok) {
    await followTraining(await response.json(), "classifier", (r) => "trained " + r.classifier + " on " + r.examples
      + " examples: accuracy " + Number(r.accuracy).toFixed(3) + ", macro-F1 " + Number(r.macroF1).toFixed(3) + " on " + r.scoredOn);
    await loadClassifiers();
  } else {
    note("classifier-note", await detail(response), true);
  }
  button.disabled = false;
});

async function loadClassifiers() {
  const response = await fetch("/api/admin/classifiers", { headers: auth() });
  if (!response.ok) {
    return;
  }
  const list = document.getElementById("classifiers");
  list.replaceChildren();
  for (const c of (await response.json()).classifiers) {
    const item = document.createElement("li");
    const scores = c.classification || {};
    item.textContent = c.name + ": " + (c.labels || []).join(", ")
      + (scores.accuracy === undefined ? "" : " · accuracy " + Number(scores.accuracy).toFixed(3) + " on " + scores.examples
        + " " + (scores.split || "") + " examples");
    list.appendChild(item);
  }
}

// Evaluations: a job per run, a chart per report, every answer with the passages it cited.
const SVG = "http://www.w3.org/2000/svg";
const MODE_COLOURS = { rag: "#2f6f9f", tuned: "#9f6f2f", hybrid: "#3f8f4f" };

function svgText(x, y, text, anchor) {
  const t = document.createElementNS(SVG, "text");
  t.setAttribute("x", x);
  t.setAttribute("y", y);
  t.setAttribute("font-size", "11");
  t.setAttribute("text-anchor", anchor || "middle");
  t.textContent = text;
  return t;
}

function drawEvalChart(summary) {
  const svg = document.getElementById("eval-chart");
  svg.hidden = false;
  svg.replaceChildren();
  const metrics = [["factAccuracy", "fact"], ["supportedRate", "supported"]];
  const groupWidth = 150;
  summary.forEach((s, g) => {
    const x0 = 20 + g * (groupWidth + 15);
    metrics.forEach(([key, label], i) => {
      const value = s[key];
      const h = value == null ? 0 : 140 * value;
      const bar = document.createElementNS(SVG, "rect");
      bar.setAttribute("x", x0 + i * 60);
      bar.setAttribute("y", 160 - h);
      bar.setAttribute("width", 50);
      bar.setAttribute("height", h);
      bar.setAttribute("fill", MODE_COLOURS[s.mode] || "#666");
      bar.setAttribute("opacity", i === 0 ? "1" : "0.6");
      bar.setAttribute("class", "bar bar-" + s.mode + "-" + label);
      svg.appendChild(bar);
      svg.appendChild(svgText(x0 + i * 60 + 25, 155 - h, value == null ? "n/a" : Math.round(100 * value) + "%"));
      svg.appendChild(svgText(x0 + i * 60 + 25, 175, label));
    });
    svg.appendChild(svgText(x0 + 55, 195, s.mode));
    svg.appendChild(svgText(x0 + 55, 212, "cross-doc " + (s.crossDocumentErrors == null ? "n/a" : s.crossDocumentErrors)
      + " · " + s.meanLatencyMs + " ms"));
  });
}

function showAnswers(report) {
  const box = document.getElementById("eval-answers");
  box.replaceChildren();
  for (const row of report.answers) {
    const item = document.createElement("details");
    item.className = "eval-answer " + (row.factHit === false ? "wrong" : "right");
    const summary = document.createElement("summary");
    const mark = row.factHit == null ? "·" : row.factHit ? "✓" : "✗";
    summary.textContent = mark + " " + row.mode + ": " + row.question + " → " + row.answer;
    item.appendChild(summary);
    const facts = document.createElement("p");
    facts.className = "note";
    facts.textContent = "expected fact: " + (row.fact || "n/a") + (row.foreignTerms && row.foreignTerms.length
      ? " · from other documents: " + row.foreignTerms.join(", ") : "");
    item.appendChild(facts);
    for (const passage of row.citedPassages || []) {
      const p = document.createElement("blockquote");
      p.textContent = passage;
      item.appendChild(p);
    }
    box.appendChild(item);
  }
}

async function showReport(id) {
  const response = await fetch("/api/admin/evals/" + encodeURIComponent(id), { headers: auth() });
  if (!response.ok) {
    note("eval-note", await detail(response), true);
    return;
  }
  const report = await response.json();
  drawEvalChart(report.summary);
  showAnswers(report);
  note("eval-note", report.qa + ": " + report.questions + " questions, " + report.date);
}

async function loadReports() {
  const response = await fetch("/api/admin/evals", { headers: auth() });
  if (!response.ok) {
    return;
  }
  const list = document.getElementById("eval-reports");
  list.replaceChildren();
  for (const r of (await response.json()).reports) {
    const item = document.createElement("li");
    const open = document.createElement("button");
    open.type = "button";
    open.className = "show-report";
    open.textContent = r.id;
    open.addEventListener("click", () => showReport(r.id));
    item.appendChild(open);
    const text = document.createElement("span");
    text.textContent = " " + r.qa + " (" + r.questions + " questions) " + r.summary.map((s) => s.mode + " "
      + (s.factAccuracy == null ? "n/a" : Math.round(100 * s.factAccuracy) + "%")).join(", ");
    item.appendChild(text);
    list.appendChild(item);
  }
}

document.getElementById("evaluate").addEventListener("submit", async (e) => {
  e.preventDefault();
  const button = document.getElementById("eval-button");
  const bar = document.getElementById("eval-progress");
  button.disabled = true;
  const response = await fetch("/api/admin/eval", {
    method: "POST", headers: auth({ "Content-Type": "application/json" }),
    body: JSON.stringify({ data: document.getElementById("eval-data").value.trim() }),
  });
  if (!response.ok) {
    note("eval-note", await detail(response), true);
    button.disabled = false;
    return;
  }
  const job = await response.json();
  bar.hidden = false;
  bar.value = 0;
  note("eval-note", job.id + " started");
  let report = null;
  await follow(job.id, (event) => {
    if (event.event === "progress") {
      bar.max = event.total;
      bar.value = event.done;
      note("eval-note", "answered " + event.done + " of " + event.total);
    } else if (event.event === "done") {
      if (event.state === "succeeded") {
        report = event.result.report;
      } else {
        note("eval-note", "evaluation " + event.state + ": " + (event.error || ""), true);
      }
    }
  });
  button.disabled = false;
  await loadReports();
  if (report) {
    await showReport(report);
  }
});

if (token) {
  tokenInput.value = token;
  loadDocuments().then((ok) => ok && loadAdapters() && loadEmbeddingModels() && loadClassifiers() && loadReports());
}
