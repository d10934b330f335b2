// The node's web page: plain JavaScript, no framework, no build step. Everything comes from the
// node's REST API on this origin. A token given in the URL fragment (#token=...) is sent as
// "Authorization: Bearer ..." with every request (fetch, never EventSource, so streams carry it too).
"use strict";

const token = (() => {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) sessionStorage.setItem("zonal-token", decodeURIComponent(m[1]));
  return sessionStorage.getItem("zonal-token") || "";
})();

const $ = (id) => document.getElementById(id);

function headers(extra = {}) {
  const h = { ...extra };
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

async function api(method, path, body) {
  const init = { method, headers: headers(body ? { "Content-Type": "application/json" } : {}) };
  if (body) init.body = JSON.stringify(body);
  const res = await fetch(path, init);
  const doc = await res.json().catch(() => ({ error: "answer is not JSON (HTTP " + res.status + ")" }));
  if (!res.ok) throw new Error(doc.error || "HTTP " + res.status);
  return doc;
}

function showError(err) {
  const box = $("error");
  box.hidden = !err;
  box.textContent = err ? String(err.message || err) : "";
}

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function fillTable(id, rows, render) {
  const body = $(id).querySelector("tbody");
  body.replaceChildren(...rows.map((r) => { const tr = document.createElement("tr"); render(tr, r); return tr; }));
}

function bytes(n) {
  if (n >= 1 << 30) return (n / (1 << 30)).toFixed(1) + " GiB";
  if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MiB";
  if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1) + " KiB";
  return n + " B";
}

// ---- status, peers, zones, files (polled) ----

let selfId = null;

async function refreshStatus() {
  const s = await api("GET", "/api/status");
  selfId = s.id;
  $("node-id").textContent = s.id;
  const ev = s.events || {};
  $("status-line").textContent =
    `zone ${s.zone} of ${s.zone_count} · epoch ${s.epoch} · ${s.registered ? "registered" : "NOT registered"} · ` +
    `gRPC ${s.address} · strategy ${s.strategy} · ${s.files} files · ` +
    (ev.outbox_max ? `outbox ${ev.outbox_depth}/${ev.outbox_max}, broker ${ev.broker_connected ? "connected" : "DOWN"}` : "events: log only");
}

async function refreshPeers() {
  const [p, z] = await Promise.all([api("GET", "/api/peers"), api("GET", "/api/zones").catch(() => ({ zones: [] }))]);
  fillTable("peers", p.peers, (tr, r) => {
    if (r.self) tr.className = "self";
    cell(tr, r.id + (r.self ? " (this node)" : ""));
    cell(tr, r.address, "mono");
    cell(tr, r.zone === 4294967295 ? "-" : r.zone);
  });
  fillTable("zones", z.zones, (tr, r) => { cell(tr, r.zone); cell(tr, r.members.join(", ")); });
}

async function refreshFiles() {
  const f = await api("GET", "/api/files");
  $("files-count").textContent = "(" + f.files.length + ")";
  fillTable("files", f.files, (tr, r) => {
    tr.dataset.name = r.name;
    cell(tr, r.name, "mono name");
    cell(tr, bytes(r.size));
    cell(tr, r.sha256.slice(0, 16) + "…", "mono");
  });
}

function every(ms, fn) {
  const tick = async () => {
    try { await fn(); showError(null); } catch (e) { showError(e); }
    setTimeout(tick, ms);
  };
  tick();
}

// ---- search: hits appear as they stream in (server-sent events read with fetch) ----

// One row per holder: later hits naming the same holder (other responders) only count.
function addHit(name, hit) {
  const tbody = $("hits").querySelector("tbody");
  const seen = tbody.querySelector(`tr[data-holder="${Number(hit.holder)}"]`);
  if (seen) {
    seen.dataset.count = Number(seen.dataset.count) + 1;
    seen.cells[2].textContent = `${seen.dataset.hops} (${seen.dataset.count} hits)`;
    return;
  }
  const tr = document.createElement("tr");
  tr.dataset.holder = Number(hit.holder);
  tr.dataset.hops = hit.hops;
  tr.dataset.count = 1;
  tr.className = "hit";
  cell(tr, hit.holder + (hit.holder === selfId ? " (this node)" : ""));
  cell(tr, hit.address || "", "mono");
  cell(tr, hit.hops);
  cell(tr, typeof hit.elapsed_ms === "number" ? hit.elapsed_ms.toFixed(1) : "");
  const td = cell(tr, "");
  if (hit.holder !== selfId) {
    const b = document.createElement("button");
    b.className = "download primary";
    b.textContent = "Download";
    b.onclick = () => download(name);
    td.appendChild(b);
  }
  tbody.appendChild(tr);
}

// Parse a text/event-stream body chunk by chunk; calls onEvent(type, data) per event.
async function readEventStream(res, onEvent) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      let type = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) type = line.slice(6).trim();
        else if (line.startsWith("data:")) data += (data ? "\n" : "") + line.slice(5).trimStart();
      }
      if (data) onEvent(type, JSON.parse(data));
    }
  }
}

async function search(ev) {
  ev.preventDefault();
  const name = $("search-name").value.trim();
  if (!name) return;
  const strategy = $("search-strategy").value;
  $("hits").querySelector("tbody").replaceChildren();
  $("search-state").textContent = "searching for " + name + "...";
  const started = performance.now();
  let hits = 0;
  try {
    const q = new URLSearchParams({ name, stream: "1", wait: "all" });
    if (strategy) q.set("strategy", strategy);
    const res = await fetch("/api/search?" + q, { headers: headers({ Accept: "text/event-stream" }) });
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error || "HTTP " + res.status);
    if ((res.headers.get("Content-Type") || "").startsWith("text/event-stream")) {
      await readEventStream(res, (type, data) => {
        if (type === "hit") { hits++; addHit(name, data); }
        if (type === "error") throw new Error(data.error || "search failed");
      });
    } else {  // a node without streaming answers once, with every hit
      const doc = await res.json();
      for (const h of doc.hits) { hits++; addHit(name, h); }
    }
    const ms = (performance.now() - started).toFixed(0);
    $("search-state").textContent = `${hits} hit(s) for ${name} in ${ms} ms`;
  } catch (e) {
    $("search-state").textContent = "search failed: " + e.message;
  }
}

// ---- downloads with progress bars ----

let downloadsRunning = 0;

async function download(name) {
  downloadsRunning++;
  pollDownloads();
  try {
    await api("POST", "/api/get", { name });
  } catch (e) {
    showError(e);
  } finally {
    downloadsRunning--;
    await Promise.all([refreshDownloads(), refreshFiles()]).catch(showError);
  }
}

async function refreshDownloads() {
  const d = await api("GET", "/api/downloads");
  const list = $("downloads");
  list.replaceChildren(...d.downloads.map((x) => {
    const li = document.createElement("li");
    li.className = "download-item " + x.state;
    li.dataset.name = x.name;
    const pct = x.size > 0 ? Math.floor((100 * x.bytes) / x.size) : (x.state === "done" ? 100 : 0);
    li.dataset.percent = pct;
    const label = document.createElement("div");
    label.className = "muted";
    label.textContent = `${x.name} · ${bytes(x.bytes)} of ${bytes(x.size)} · ${pct}% · ${x.state}` + (x.error ? " · " + x.error : "");
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuenow", pct);
    const fill = document.createElement("div");
    fill.style.width = pct + "%";
    bar.appendChild(fill);
    li.append(label, bar);
    return li;
  }));
  return d.downloads.some((x) => x.state === "running");
}

let pollingDownloads = false;
async function pollDownloads() {
  if (pollingDownloads) return;
  pollingDownloads = true;
  try {
    while ((await refreshDownloads()) || downloadsRunning > 0) await new Promise((r) => setTimeout(r, 200));
  } catch (e) {
    showError(e);
  } finally {
    pollingDownloads = false;
  }
}

// ---- live event feed (long polling /api/events) ----

function showEvent(e) {
  const li = document.createElement("li");
  const key = document.createElement("span");
  key.className = "key";
  key.textContent = e.event;
  const fields = Object.entries(e)
    .filter(([k]) => !["event", "event_id", "time_ms"].includes(k))
    .map(([k, v]) => {
      let text = typeof v === "string" ? v : JSON.stringify(v);
      if (k === "sha256") text = text.slice(0, 12) + "…";
      return `${k}=${text.length > 80 ? text.slice(0, 80) + "…" : text}`;
    });
  const time = new Date(e.time_ms).toLocaleTimeString([], { hour12: false });
  li.append(time + " ", key, fields.join(" "));
  li.title = e.event_id;
  const list = $("events");
  list.prepend(li);
  while (list.children.length > 100) list.lastChild.remove();
}

async function followEvents() {
  let after = 0;
  for (;;) {
    try {
      const doc = await api("GET", `/api/events?after=${after}&wait_ms=20000`);
      for (const e of doc.events) showEvent(e);
      after = doc.next;
      const s = doc.stats || {};
      $("events-stats").textContent = `(outbox ${s.outbox_depth ?? 0}, published ${s.published ?? 0}, refused ${s.refused ?? 0})`;
    } catch (e) {
      showError(e);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

window.addEventListener("DOMContentLoaded", () => {
  $("search-form").addEventListener("submit", search);
  every(2000, refreshStatus);
  every(3000, refreshPeers);
  every(3000, refreshFiles);
  every(3000, async () => { if (!pollingDownloads) await refreshDownloads(); });
  followEvents();
});
