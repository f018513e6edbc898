// The eventwire dashboard: vanilla JS, no build step, no third-party code.
// Every piece of data is put in the page with textContent or setAttribute, never innerHTML:
// sentences and titles come from news articles and are untrusted.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
  "REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION", "PROTEST", "MOBILIZE", "COERCE",
  "ASSAULT"];
const PAGE = 50;
const FILTER_KEYS = ["actor", "recipient", "type", "quad", "since", "until", "q"];
let offset = 0;
let total = 0;

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svgEl(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function filterParams() {
  const form = document.getElementById("filters");
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = form.elements[key].value.trim();
    if (value) params.set(key, value);
  }
  if (form.elements.all.checked) params.set("all", "true");
  return params;
}

async function getJSON(path, params) {
  const url = params && [...params].length ? `${path}?${params}` : path;
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) {
    const err = body && body.error ? body.error.message : response.statusText;
    throw new Error(err || `HTTP ${response.status}`);
  }
  return body;
}

function showError(err) {
  const box = document.getElementById("error");
  box.textContent = err ? String(err.message || err) : "";
  box.hidden = !err;
}

// The sentence with actor, recipient and trigger marked, from the server's spans
// (offsets into the sentence, sorted, non-overlapping).
function sentenceNode(ev) {
  const block = el("span", { class: "sentence" });
  const text = ev.sentence || "";
  let pos = 0;
  for (const span of ev.spans || []) {
    if (span.start < pos || span.end > text.length) continue;
    if (span.start > pos) block.append(document.createTextNode(text.slice(pos, span.start)));
    block.append(el("mark", { class: span.kind, title: span.kind }, text.slice(span.start, span.end)));
    pos = span.end;
  }
  if (pos < text.length) block.append(document.createTextNode(text.slice(pos)));
  return block;
}

function sourceNode(ev) {
  const label = ev.title || ev.outlet || ev.url || ev.article_id;
  // Only web links become links: a javascript: URL in a feed must stay text.
  if (ev.url && /^https?:\/\//i.test(ev.url)) {
    const a = el("a", { href: ev.url, rel: "noopener noreferrer", target: "_blank" }, label);
    const wrap = el("span");
    if (ev.outlet && ev.title) wrap.append(el("span", { class: "outlet" }, `${ev.outlet}: `));
    wrap.append(a);
    return wrap;
  }
  return el("span", {}, label);
}

// The analysts' review of an event, as text (not colour alone): "corrected" with what
// changed from the coder's values, "confirmed" (kept as coded), or "noted" (a note only).
// The note, when there is one, is the badge's title.
function reviewKind(ev) {
  return ev.corrected ? "corrected" : ev.confirmed ? "confirmed" : ev.reviewed ? "noted" : null;
}

function reviewNode(ev, kind) {
  const what = {
    corrected: `Corrected by an analyst: ${ev.changes || "values changed"}`,
    confirmed: "Confirmed by an analyst: kept as coded",
    noted: "An analyst added a note (no verdict yet)",
  }[kind];
  const title = ev.correction_note ? `${what}. Note: ${ev.correction_note}` : what;
  const box = el("div", { class: `review-mark ${kind}` });
  box.append(el("span", { class: `badge ${kind}`, title }, kind));
  if (kind === "corrected" && ev.changes) box.append(el("span", { class: "changes" }, ev.changes));
  return box;
}

function renderEvents(data) {
  total = data.total;
  const body = document.querySelector("#events tbody");
  body.replaceChildren();
  for (const ev of data.events) {
    const tr = el("tr", { class: "event", "data-id": ev.id });
    tr.append(el("td", { class: "date" }, ev.date || "undated"));
    const type = el("td", { class: "type" }, ev.event_type);
    type.append(el("div", { class: "quad" }, `Q${ev.quad ?? "?"} · ${ev.intensity ?? "?"}`));
    const kind = reviewKind(ev);
    if (kind) {
      type.append(reviewNode(ev, kind));
      tr.dataset.review = kind;
    }
    tr.append(type);
    tr.append(el("td", { class: "dyad" }, `${ev.actor_code || "?"} → ${ev.recipient_code || "?"}`));
    const evidence = el("td", { class: "evidence" });
    evidence.append(sentenceNode(ev));
    if (ev.polarity !== "asserted") evidence.append(el("span", { class: "flag" }, ev.polarity));
    if (ev.modality !== "actual") evidence.append(el("span", { class: "flag" }, ev.modality));
    tr.append(evidence);
    const src = el("td", { class: "source" });
    src.append(sourceNode(ev));
    tr.append(src);
    // Review buttons, when the server takes corrections (corrections.js).
    if (window.eventwireCorrections) window.eventwireCorrections.decorate(tr, ev);
    body.append(tr);
  }
  const last = Math.min(offset + data.events.length, total);
  document.getElementById("total").textContent =
    total ? `${offset + 1}–${last} of ${total}` : "none match";
  document.getElementById("prev").disabled = offset === 0;
  document.getElementById("next").disabled = last >= total;
}

function renderTimeline(rows) {
  const box = document.getElementById("timeline");
  box.replaceChildren();
  const W = 960, H = 180, L = 36, B = 20, T = 6;
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "events per week by quad" });
  if (!rows.length) {
    svg.append(svgEl("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "no dated events"));
    box.append(svg);
    return;
  }
  const max = Math.max(1, ...rows.map((r) => r.q1 + r.q2 + r.q3 + r.q4));
  const bw = (W - L) / rows.length;
  const scale = (H - B - T) / max;
  svg.append(svgEl("text", { x: L - 4, y: T + 8, "text-anchor": "end" }, max));
  svg.append(svgEl("text", { x: L - 4, y: H - B, "text-anchor": "end" }, 0));
  rows.forEach((row, i) => {
    let y = H - B;
    for (const q of [1, 2, 3, 4]) {
      const n = row[`q${q}`];
      if (!n) continue;
      const h = n * scale;
      y -= h;
      const rect = svgEl("rect", { x: L + i * bw, y, width: Math.max(1, bw - 1), height: h, class: `q${q}` });
      rect.append(svgEl("title", {}, `${row.period}: Q${q} ${n} events`));
      svg.append(rect);
    }
  });
  const step = Math.max(1, Math.ceil(rows.length / 8));
  rows.forEach((row, i) => {
    const x = L + i * bw;
    // A date that would run out of the chart is left out (a date is about 62 units wide).
    if (i % step === 0 && x + 62 <= W) svg.append(svgEl("text", { x, y: H - 5 }, row.period));
  });
  box.append(svg);
}

// What the timeline leaves out: events dated outside the bulk of the store's dates (dates
// of the past stated in the news, such as a treaty signed in 1957) are shown on request only,
// or a handful of them would stretch the chart over a century.
function renderTimelineNote(doc) {
  const note = document.getElementById("timeline-note");
  const out = doc.outside || { events: 0 };
  if (doc.all_dates) {
    note.textContent = "All dates shown.";
  } else if (out.events) {
    const dates = out.earliest === out.latest ? out.earliest : `${out.earliest} to ${out.latest}`;
    note.textContent = `${out.events} events dated ${dates} are not shown: ` +
      `this chart covers ${doc.since || "the start"} to ${doc.until || "the end"}, the bulk of the dates.`;
  } else {
    note.textContent = "";
  }
}

async function loadTimeline(params) {
  const query = new URLSearchParams(params || filterParams());
  if (document.getElementById("t-all-dates").checked) query.set("all_dates", "true");
  const doc = await getJSON("/api/timeline", query);
  renderTimeline(doc.rows);
  renderTimelineNote(doc);
}

function renderNetwork(dyads) {
  const box = document.getElementById("network");
  box.replaceChildren();
  const W = 460, H = 340, R = 130, cx = W / 2, cy = H / 2;
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "dyad network" });
  const defs = svgEl("defs");
  // Arrowheads of a fixed size (not scaled by the edge's width, which made them cover the
  // nodes and their labels), their tips where the edge meets the recipient's disc.
  const marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
  marker.append(svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#777" }));
  defs.append(marker);
  svg.append(defs);
  const weight = new Map();
  for (const d of dyads) {
    weight.set(d.actor, (weight.get(d.actor) || 0) + d.events);
    weight.set(d.recipient, (weight.get(d.recipient) || 0) + d.events);
  }
  const nodes = [...weight.keys()].sort((a, b) => weight.get(b) - weight.get(a)).slice(0, 24);
  const pos = new Map(nodes.map((n, i) => {
    const angle = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
    return [n, [cx + R * Math.cos(angle), cy + R * Math.sin(angle)]];
  }));
  const maxEvents = Math.max(1, ...dyads.map((d) => d.events));
  // Node size follows its share of the busiest node, so it is bounded: the busiest actor
  // (the USA, in most corpora) once grew past its label, which sat inside its dark disc.
  const maxWeight = Math.max(1, ...nodes.map((n) => weight.get(n)));
  const radius = new Map(nodes.map((n) => [n, 4 + 10 * Math.sqrt(weight.get(n) / maxWeight)]));
  for (const d of dyads) {
    if (!pos.has(d.actor) || !pos.has(d.recipient)) continue;
    const [x1, y1] = pos.get(d.actor);
    const [xr, yr] = pos.get(d.recipient);
    const len = Math.hypot(xr - x1, yr - y1) || 1;
    const stop = Math.min(len / 2, radius.get(d.recipient) + 1) / len;
    const [x2, y2] = [xr - (xr - x1) * stop, yr - (yr - y1) * stop];
    const line = svgEl("line", {
      x1, y1, x2, y2, class: "edge", "marker-end": "url(#arrow)",
      stroke: d.net < 0 ? "#de2d26" : "#3182bd", "stroke-opacity": 0.6,
      "stroke-width": 1 + 5 * Math.sqrt(d.events / maxEvents),
    });
    line.append(svgEl("title", {}, `${d.actor} → ${d.recipient}: ${d.events} events, net ${d.net}`));
    line.addEventListener("click", () => setDyad(d.actor, d.recipient));
    svg.append(line);
  }
  for (const n of nodes) {
    const [x, y] = pos.get(n);
    const circle = svgEl("circle", { cx: x, cy: y, r: radius.get(n), fill: "#243447", class: "node" });
    circle.append(svgEl("title", {}, `${n}: ${weight.get(n)} events`));
    svg.append(circle);
  }
  // Labels after every disc, outside the ring (away from the centre, where edges cross),
  // with a white halo (style.css) so that edges passing under them leave them readable.
  for (const n of nodes) {
    const [x, y] = pos.get(n);
    const dx = x - cx, dy = y - cy, gap = radius.get(n) + 6;
    // Beside the disc on the ring's left and right, above or below it at the top and
    // bottom; y is the text's baseline: its letters stand about 10 px above it.
    const attrs = Math.abs(dx) >= Math.abs(dy)
      ? { x: x + Math.sign(dx) * gap, y: y + 4, "text-anchor": dx > 0 ? "start" : "end" }
      : { x, y: dy < 0 ? y - gap : y + gap + 10, "text-anchor": "middle" };
    svg.append(svgEl("text", { ...attrs, class: "node-label" }, n));
  }
  if (!nodes.length) svg.append(svgEl("text", { x: cx, y: cy, "text-anchor": "middle" }, "no dyads"));
  box.append(svg);
}

function renderAlerts(alerts) {
  const list = document.getElementById("alerts");
  list.replaceChildren();
  if (!alerts.length) list.append(el("li", {}, "none"));
  for (const al of alerts) {
    const li = el("li", { title: "show this dyad" },
      `${al.period}: ${al.a}–${al.b}, conflict ${al.value} vs baseline ${al.baseline} ` +
      `(z ${al.z}, ${al.events} events; ${al.history} of ${al.window} baseline ${al.freq}s with data)`);
    li.addEventListener("click", () => setDyad(al.a, al.b));
    list.append(li);
  }
}

function setDyad(a, b) {
  const form = document.getElementById("filters");
  form.elements.actor.value = a;
  form.elements.recipient.value = b;
  refresh(true);
}

async function loadEvents() {
  const params = filterParams();
  params.set("limit", PAGE);
  params.set("offset", offset);
  renderEvents(await getJSON("/api/events", params));
}

async function refresh(resetPage) {
  if (resetPage) offset = 0;
  showError(null);
  const params = filterParams();
  const alertParams = new URLSearchParams({ limit: 20 });
  if (params.get("actor")) alertParams.set("a", params.get("actor"));
  if (params.get("actor") && params.get("recipient")) alertParams.set("b", params.get("recipient"));
  history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
  try {
    await Promise.all([
      loadEvents(),
      loadTimeline(params),
      getJSON("/api/dyads", params).then((d) => renderNetwork(d.dyads)),
      getJSON("/api/alerts", alertParams).then((d) => renderAlerts(d.alerts)),
    ]);
    document.body.dataset.ready = "true";
  } catch (err) {
    showError(err);
  }
}

function init() {
  const form = document.getElementById("filters");
  const typeSelect = form.elements.type;
  for (const t of TYPES) typeSelect.append(el("option", { value: t }, t));
  const initial = new URLSearchParams(location.search);
  for (const key of FILTER_KEYS) if (initial.has(key)) form.elements[key].value = initial.get(key);
  form.elements.all.checked = initial.get("all") === "true";
  form.addEventListener("submit", (e) => { e.preventDefault(); refresh(true); });
  document.getElementById("reset").addEventListener("click", () => { form.reset(); refresh(true); });
  document.getElementById("t-all-dates").addEventListener("change", () => {
    showError(null);
    loadTimeline().catch(showError);
  });
  document.getElementById("prev").addEventListener("click", () => {
    offset = Math.max(0, offset - PAGE);
    loadEvents().catch(showError);
  });
  document.getElementById("next").addEventListener("click", () => {
    if (offset + PAGE < total) offset += PAGE;
    loadEvents().catch(showError);
  });
  refresh(true);
}

window.eventwireRefresh = refresh; // corrections.js redraws after a correction
document.addEventListener("DOMContentLoaded", init);
