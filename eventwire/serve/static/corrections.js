// Corrections in the dashboard: confirm, reject, retype, fix actor or recipient, polarity and
// modality, or add a note, per event row. Active only when the server runs with
// --corrections and put this run's token in the page (<meta name="eventwire-token">, only
// for a loopback address); every write sends it in the X-Eventwire-Token header.
// Data goes into the page with textContent/setAttribute only: through app.js's el(), which
// with TYPES this script shares (index.html loads app.js first; both are classic scripts, so
// its top-level declarations are in scope here).
"use strict";

(function () {
  const meta = document.querySelector('meta[name="eventwire-token"]');
  const token = meta ? meta.getAttribute("content") : null;

  function options(select, values, current) {
    for (const v of values) {
      const o = el("option", { value: v }, v);
      if (v === current) o.selected = true;
      select.append(o);
    }
    return select;
  }

  async function post(eventId, body) {
    const response = await fetch(`/api/events/${encodeURIComponent(eventId)}/corrections`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Eventwire-Token": token },
      body: JSON.stringify(body),
    });
    const doc = await response.json();
    if (!response.ok) throw new Error(doc && doc.error ? doc.error.message : `HTTP ${response.status}`);
    return doc;
  }

  async function send(tr, eventId, body) {
    const status = tr.querySelector(".c-status");
    status.textContent = "saving…";
    try {
      await post(eventId, body);
      status.textContent = "saved";
      document.body.dataset.corrected = String(Number(document.body.dataset.corrected || 0) + 1);
      if (window.eventwireRefresh) await window.eventwireRefresh(false);
    } catch (err) {
      status.textContent = String(err.message || err);
    }
  }

  function editor(tr, ev) {
    const form = el("form", { class: "c-form", hidden: "" });
    const row = (label, ...kids) => {
      const p = el("div", { class: "c-row" });
      p.append(el("span", {}, label), ...kids);
      form.append(p);
    };
    const button = (action, text) => el("button", { type: "button", "data-action": action }, text);
    const type = options(el("select", { name: "event_type" }), TYPES, ev.event_type);
    const mode = el("input", { name: "mode", size: 8, placeholder: "mode", value: ev.mode || "" });
    row("type", type, mode, button("retype", "Retype"));
    const actor = el("input", { name: "actor", size: 10, placeholder: ev.actor_code || "PRK GOV" });
    row("actor", actor, button("actor", "Set actor"));
    const recipient = el("input", { name: "recipient", size: 10, placeholder: ev.recipient_code || "USA" });
    row("recipient", recipient, button("recipient", "Set recipient"));
    const polarity = options(el("select", { name: "polarity" }), ["asserted", "negated"], ev.polarity);
    const modality = options(el("select", { name: "modality" }),
      ["actual", "future", "hypothetical", "historical"], ev.modality);
    row("claim", polarity, modality, button("qualify", "Set"));
    const note = el("input", { name: "note", size: 24, placeholder: "note (goes with any change)" });
    row("note", note, button("note", "Add note"));
    form.addEventListener("click", (e) => {
      const action = e.target && e.target.getAttribute ? e.target.getAttribute("data-action") : null;
      if (!action) return;
      const body = { action };
      if (note.value.trim()) body.note = note.value.trim();
      if (action === "retype") { body.event_type = type.value; body.mode = mode.value.trim() || null; }
      if (action === "actor") body.actor = actor.value.trim();
      if (action === "recipient") body.recipient = recipient.value.trim();
      if (action === "qualify") { body.polarity = polarity.value; body.modality = modality.value; }
      send(tr, ev.id, body);
    });
    form.addEventListener("submit", (e) => e.preventDefault());
    return form;
  }

  function decorate(tr, ev) {
    if (!token) return;
    const td = el("td", { class: "review" });
    const confirm = el("button", { type: "button", class: "c-confirm", title: "The coding is right" }, "✓");
    const reject = el("button", { type: "button", class: "c-reject", title: "No event here" }, "✗");
    const edit = el("button", { type: "button", class: "c-edit", title: "Fix type, actors, claim or add a note" }, "fix…");
    const form = editor(tr, ev);
    confirm.addEventListener("click", () => send(tr, ev.id, { action: "confirm" }));
    reject.addEventListener("click", () => send(tr, ev.id, { action: "reject" }));
    edit.addEventListener("click", () => { form.hidden = !form.hidden; });
    td.append(confirm, reject, edit, el("span", { class: "c-status", role: "status" }), form);
    tr.append(td);
  }

  window.eventwireCorrections = { enabled: Boolean(token), decorate };
  document.addEventListener("DOMContentLoaded", () => {
    if (!token) return;
    const head = document.querySelector("#events thead tr");
    if (head) head.append(el("th", {}, "review"));
    document.body.dataset.corrections = "on";
  });
})();
