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
  await loadDocuments();
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

if (token) {
  tokenInput.value = token;
  loadDocuments();
}
