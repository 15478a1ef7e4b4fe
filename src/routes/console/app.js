// The console's only script: calls the JSON API with the session cookie and the CSRF token.
"use strict";
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, data };
}

function errorText(r) {
  const e = r.data && r.data.error;
  return e ? (e.field ? e.field + ": " : "") + e.message : "request failed (" + r.status + ")";
}

const claimNext = document.getElementById("claim-next");
if (claimNext) {
  claimNext.addEventListener("click", async () => {
    const r = await api("POST", "/api/v1/queue/claim");
    const msg = document.getElementById("claim-message");
    if (r.status === 200) location.href = "/console/cases/" + r.data.id;
    else if (r.status === 204) msg.textContent = "Nothing is waiting.";
    else msg.textContent = errorText(r);
  });
}

const actions = document.getElementById("case-actions");
if (actions) {
  const id = actions.dataset.caseId;
  actions.addEventListener("click", async (ev) => {
    const action = ev.target.dataset && ev.target.dataset.action;
    if (!action) return;
    const r = action === "claim"
      ? await api("POST", "/api/v1/queue/claim", { case_id: id })
      : await api("POST", "/api/v1/cases/" + id + "/" + action);
    if (r.status === 200) location.reload();
    else document.getElementById("action-message").textContent = errorText(r);
  });
}

const replyForm = document.getElementById("reply-form");
if (replyForm) {
  const picker = document.getElementById("script-picker");
  picker.addEventListener("change", () => { if (picker.value) replyForm.text.value = picker.value; });
  replyForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await api("POST", "/api/v1/cases/" + replyForm.dataset.caseId + "/messages", { text: replyForm.text.value });
    if (r.status === 202) { replyForm.text.value = ""; refreshMessages(); }
    else document.getElementById("action-message").textContent = errorText(r);
  });
  const block = document.getElementById("block-chat");
  if (block) {
    block.addEventListener("click", async () => {
      const r = await api("POST", "/api/v1/cases/" + replyForm.dataset.caseId + "/" + block.dataset.action);
      if (r.status === 200) location.reload();
      else document.getElementById("action-message").textContent = errorText(r);
    });
  }
}

// Live messages: poll the case while the page is visible and redraw the table when anything
// changed (a new message, a delivery state). Polling works on every node without Redis.
const messageTable = document.getElementById("messages");
let lastSeen = "";
async function refreshMessages() {
  if (!messageTable) return;
  const r = await api("GET", "/api/v1/cases/" + messageTable.dataset.caseId);
  if (r.status !== 200) return;
  const seen = JSON.stringify(r.data.messages.map((m) => [m.id, m.delivery, m.delivery_error]));
  if (seen === lastSeen) return;
  const first = lastSeen === "";
  lastSeen = seen;
  if (first && r.data.messages.length === Number(messageTable.dataset.count)) return;
  messageTable.textContent = "";
  const reasons = r.data.urgency.reasons;
  for (const m of r.data.messages) {
    const tr = document.createElement("tr");
    tr.className = "msg-" + m.author;
    const delivery = m.delivery_error && m.delivery !== "sent" ? m.delivery + ": " + m.delivery_error : m.delivery;
    const text = (m.text || "") + (m.buttons.length ? "\n[" + m.buttons.join(" | ") + "]" : "");
    for (const [value, cls] of [[new Date(m.at).toLocaleString(), ""], [m.author, ""], [m.kind, ""], [text, "text"], [delivery, "delivery"]]) {
      const td = document.createElement("td");
      if (cls === "text") markEvidence(td, m, reasons, value);
      else td.textContent = value;
      if (cls === "text") td.style.whiteSpace = "pre-wrap";
      if (cls) td.className = cls;
      tr.appendChild(td);
    }
    messageTable.appendChild(tr);
  }
}
// The words that set a flag, marked as on the server-rendered page. Offsets count Unicode code
// points of the NFC text triage read (a Zawgyi message's conversion).
function markEvidence(td, m, reasons, fallback) {
  const spans = [];
  for (const r of reasons) for (const e of r.evidence) if (e.message_id === m.id) spans.push([e.start, e.end, r.flag || ""]);
  if (!spans.length) { td.textContent = fallback; return; }
  spans.sort((a, b) => a[0] - b[0]);
  const chars = Array.from((m.text_converted || m.text || "").normalize("NFC"));
  let at = 0;
  for (const [start, end, flag] of spans) {
    if (start < at || end > chars.length || start >= end) continue;
    td.appendChild(document.createTextNode(chars.slice(at, start).join("")));
    const mark = document.createElement("mark");
    mark.title = flag;
    mark.textContent = chars.slice(start, end).join("");
    td.appendChild(mark);
    at = end;
  }
  td.appendChild(document.createTextNode(chars.slice(at).join("")));
}

if (messageTable) {
  refreshMessages();
  setInterval(() => { if (!document.hidden) refreshMessages(); }, 4000);
}

const urgencyForm = document.getElementById("urgency-form");
if (urgencyForm) {
  urgencyForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { level: urgencyForm.level.value, reason: urgencyForm.reason.value };
    const r = await api("POST", "/api/v1/cases/" + urgencyForm.dataset.caseId + "/urgency", body);
    if (r.status === 200) location.reload();
    else document.getElementById("action-message").textContent = errorText(r);
  });
}

const noteForm = document.getElementById("note-form");
if (noteForm) {
  noteForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await api("POST", "/api/v1/cases/" + noteForm.dataset.caseId + "/notes", { text: noteForm.text.value });
    if (r.status === 201) location.reload();
    else document.getElementById("action-message").textContent = errorText(r);
  });
}

const statusForm = document.getElementById("status-form");
if (statusForm) {
  statusForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { status: statusForm.status.value };
    if (statusForm.closing_reason.value) body.closing_reason = statusForm.closing_reason.value;
    const r = await api("POST", "/api/v1/cases/" + statusForm.dataset.caseId + "/status", body);
    if (r.status === 200) location.reload();
    else document.getElementById("action-message").textContent = errorText(r);
  });
}

const linkForm = document.getElementById("link-form");
if (linkForm) {
  const base = "/api/v1/cases/" + linkForm.dataset.caseId + "/links";
  linkForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await api("POST", base, { reference: linkForm.reference.value.trim() });
    if (r.status === 200) location.reload();
    else document.getElementById("action-message").textContent = errorText(r);
  });
  document.querySelectorAll("button[data-unlink]").forEach((b) => b.addEventListener("click", async () => {
    const r = await api("DELETE", base + "/" + b.dataset.unlink);
    if (r.status === 200) location.reload();
    else document.getElementById("action-message").textContent = errorText(r);
  }));
}

const phoneForm = document.getElementById("phone-form");
if (phoneForm) {
  const earlier = document.getElementById("earlier-cases");
  phoneForm.callback_phone.addEventListener("change", async () => {
    earlier.textContent = "";
    const phone = phoneForm.callback_phone.value.trim();
    if (!phone) return;
    const r = await api("POST", "/api/v1/reports/matches", { phone });
    if (r.status !== 200 || r.data.items.length === 0) return;
    const p = document.createElement("p");
    p.textContent = "Earlier cases with this number (tick to link; nothing is linked automatically):";
    earlier.appendChild(p);
    for (const c of r.data.items) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox"; box.name = "link"; box.value = c.id;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + c.reference + " (" + c.status + ", " + c.urgency_level + ")"));
      earlier.appendChild(label);
    }
  });
  phoneForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = phoneForm;
    const answers = {};
    for (const el of f.querySelectorAll('select[name^="answers."]')) answers[el.name.slice(8)] = el.value;
    const body = {
      caller: f.caller.value,
      language: f.language.value,
      location: { country: f.country.value, area: f.area.value },
      narrative: f.narrative.value,
      answers,
      callback: {
        name: f.callback_name.value, phone: f.callback_phone.value, safe_hours: f.safe_hours.value,
        never_contact_first: f.never_contact_first.checked, no_voicemail: f.no_voicemail.checked,
      },
      linked_cases: [...f.querySelectorAll('input[name="link"]:checked')].map((b) => b.value),
    };
    const r = await api("POST", "/api/v1/reports", body);
    if (r.status === 201) {
      const link = document.getElementById("saved-reference");
      link.textContent = r.data.reference;
      link.href = "/console/cases/" + r.data.id;
      document.getElementById("saved").hidden = false;
      f.reset();
      earlier.textContent = "";
      document.getElementById("form-error").textContent = "";
    } else {
      document.getElementById("form-error").textContent = errorText(r);
    }
  });
}
