// The console's only script. It calls the JSON API with the session cookie and the CSRF token,
// keeps each request's error beside the control that sent it, and listens for live changes
// (server-sent events): an event only says "something changed", so the page re-reads itself.
"use strict";
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
const words = JSON.parse(document.getElementById("console-text")?.textContent || "{}");
const pageKind = document.body.dataset.page;

// A translated sentence with its { $name } slots filled.
function say(key, vars = {}) {
  let text = words[key] || key;
  for (const [name, value] of Object.entries(vars)) text = text.split("{$" + name + "}").join(String(value));
  return text;
}

async function api(method, path, body, headers = {}) {
  try {
    const res = await fetch(path, {
      method,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    return { status: res.status, data };
  } catch (e) {
    return { status: 0, data: null };
  }
}

function errorText(r) {
  const e = r.data && r.data.error;
  return e ? (e.field ? e.field + ": " : "") + e.message : say("js-request-failed", { status: r.status });
}

// The error area that belongs to a control: the .form-error of its own form or row.
function errorSpot(control) {
  const scope = control.closest("form, .actions, .toolbar, section") || document.body;
  return scope.querySelector(".form-error");
}
function showError(control, text) {
  const spot = errorSpot(control);
  if (spot) {
    spot.textContent = text;
    spot.scrollIntoView({ block: "nearest" });
  }
}
function clearError(control) {
  const spot = errorSpot(control);
  if (spot) spot.textContent = "";
}

// Runs one request for a button: disabled while it is in flight, so a double click sends once.
async function busy(button, run) {
  if (!button || button.disabled) return null;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await run();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

// ---- Live updates -------------------------------------------------------------------------
const liveStatus = document.getElementById("live-status");
let refreshing = null;
let refreshAgain = false;

// Re-reads this page and swaps in its live regions (queue table, case summary, messages).
async function refreshPage() {
  if (refreshing) { refreshAgain = true; return refreshing; }
  refreshing = (async () => {
    const regions = [...document.querySelectorAll("[data-live-region][id]")];
    if (regions.length) {
      const res = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } }).catch(() => null);
      if (res && res.ok) {
        const fresh = new DOMParser().parseFromString(await res.text(), "text/html");
        for (const old of regions) {
          const replacement = fresh.getElementById(old.id);
          if (replacement && replacement.innerHTML !== old.innerHTML) {
            const open = [...old.querySelectorAll("details[open]")].length > 0;
            old.replaceWith(replacement);
            if (open) replacement.querySelectorAll("li.bot-run details").forEach((d) => { d.open = true; });
          }
        }
        startLease();
      }
    }
    await watchCritical();
  })();
  try { await refreshing; } finally {
    refreshing = null;
    if (refreshAgain) { refreshAgain = false; refreshPage(); }
  }
}

// New critical cases: a short sound and a notification with the reference only (never what
// the person said). Known cases are remembered for this tab, so each one alerts once.
const seenKey = "hotline-critical-seen";
let criticalSeeded = sessionStorage.getItem(seenKey) !== null;
async function watchCritical() {
  const r = await api("GET", "/api/v1/queue");
  if (r.status !== 200) return;
  const seen = new Set(JSON.parse(sessionStorage.getItem(seenKey) || "[]"));
  const fresh = r.data.items.filter((i) => i.effective_level === "critical" && !i.holder && !seen.has(i.id));
  for (const item of fresh) seen.add(item.id);
  sessionStorage.setItem(seenKey, JSON.stringify([...seen]));
  if (!criticalSeeded) { criticalSeeded = true; return; }
  for (const item of fresh) alertCritical(item.reference);
}

function beep() {
  try {
    const Audio = window.AudioContext || window.webkitAudioContext;
    const ctx = new Audio();
    const tone = ctx.createOscillator();
    const gain = ctx.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.6);
    tone.connect(gain).connect(ctx.destination);
    tone.start();
    tone.stop(ctx.currentTime + 0.6);
  } catch (e) { /* no sound device: the notification and the page still show it */ }
}

function alertCritical(reference) {
  const text = say("js-new-critical", { reference });
  beep();
  if (liveStatus) liveStatus.textContent = text;
  if ("Notification" in window && Notification.permission === "granted") {
    new Notification(text, { tag: "hotline-" + reference });
  }
}

// Ask for notification permission once, on the first click (browsers want a gesture).
document.addEventListener("click", () => {
  if (!("Notification" in window) || localStorage.getItem("hotline-notify-asked")) return;
  localStorage.setItem("hotline-notify-asked", "1");
  if (Notification.permission === "default") Notification.requestPermission();
}, { once: true });

let events = null;
function connectLive() {
  if (!document.querySelector("#signed-in-as") || !window.EventSource) return;
  // The dashboard has its own feed (supervisors only); every other page the queue's.
  events = new EventSource(pageKind === "dashboard" ? "/api/v1/dashboard/events" : "/api/v1/queue/events");
  events.addEventListener("ready", () => { if (liveStatus) liveStatus.dataset.live = "on"; });
  events.addEventListener("change", (ev) => {
    let caseId = null;
    try { caseId = JSON.parse(ev.data).case_id; } catch (e) { /* a bare nudge */ }
    const here = document.getElementById("case")?.dataset.caseId;
    // A case page cares about its own case, and about nudges that name none.
    if (here && caseId && caseId !== here) { watchCritical(); return; }
    refreshPage();
  });
  events.onerror = () => { if (liveStatus) liveStatus.dataset.live = "off"; };
}
document.addEventListener("visibilitychange", () => { if (!document.hidden) refreshPage(); });
// Only while the live stream is down (Redis away): re-read once a minute.
setInterval(() => {
  if (!document.hidden && events && events.readyState !== EventSource.OPEN) refreshPage();
}, 60000);
// Waits grow past their targets without any event: the dashboard and the queue re-read every
// 30 s while shown, live stream or not.
if (pageKind === "dashboard" || pageKind === "queue") {
  setInterval(() => { if (!document.hidden) refreshPage(); }, 30000);
}

// ---- Claiming -----------------------------------------------------------------------------
async function claimNext(button) {
  const r = await api("POST", "/api/v1/queue/claim");
  if (r.status === 200) location.href = "/console/cases/" + r.data.id;
  else if (r.status === 204) showError(button, say("js-nothing-waiting"));
  else showError(button, errorText(r));
}
const claimButton = document.getElementById("claim-next");
if (claimButton) claimButton.addEventListener("click", () => busy(claimButton, () => claimNext(claimButton)));

// ---- The case page ------------------------------------------------------------------------
const casePage = document.getElementById("case");
const caseId = casePage?.dataset.caseId;

document.addEventListener("click", async (ev) => {
  const button = ev.target.closest("button[data-action]");
  if (!button || !caseId || button.id === "block-chat") return;
  const action = button.dataset.action;
  await busy(button, async () => {
    const r = action === "claim"
      ? await api("POST", "/api/v1/queue/claim", { case_id: caseId })
      : await api("POST", "/api/v1/cases/" + caseId + "/" + action);
    if (r.status === 200) location.reload();
    else showError(button, errorText(r));
  });
});

// The lease: a countdown, renewed by itself while the counselor is active on the page, and a
// warning (with a "keep holding" button) before it ends when they are not.
let lastActivity = Date.now();
for (const kind of ["keydown", "pointerdown", "input", "scroll"]) {
  document.addEventListener(kind, () => { lastActivity = Date.now(); }, { passive: true });
}
let leaseTimer = null;
function startLease() {
  const lease = document.getElementById("lease");
  if (leaseTimer) clearInterval(leaseTimer);
  if (!lease) return;
  const warnAt = Number(lease.dataset.warnSeconds || 120);
  const endsAt = Date.now() + Number(lease.dataset.secondsLeft || 0) * 1000;
  let renewing = false;
  const tick = async () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    const clock = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    const countdown = document.getElementById("lease-countdown");
    const warning = document.getElementById("lease-warning");
    if (left === 0) {
      clearInterval(leaseTimer);
      countdown.textContent = say("js-lease-lost");
      lease.classList.add("error");
      return;
    }
    countdown.textContent = say("js-lease-left", { time: clock });
    const active = Date.now() - lastActivity < 5 * 60 * 1000 && !document.hidden;
    if (left <= warnAt + 60 && active && !renewing) {
      renewing = true;
      const r = await api("POST", "/api/v1/cases/" + caseId + "/renew");
      if (r.status === 200) { await refreshPage(); return; }
      renewing = false;
    }
    if (warning) warning.hidden = left > warnAt;
  };
  tick();
  leaseTimer = setInterval(tick, 1000);
}
startLease();

const replyForm = document.getElementById("reply-form");
if (replyForm) {
  const picker = document.getElementById("script-picker");
  picker.addEventListener("change", () => { if (picker.value) { replyForm.text.value = picker.value; replyForm.text.focus(); } });
  replyForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const button = replyForm.querySelector("button[type=submit]");
    busy(button, async () => {
      const r = await api("POST", "/api/v1/cases/" + caseId + "/messages", { text: replyForm.text.value });
      if (r.status === 202) { replyForm.text.value = ""; clearError(button); refreshPage(); }
      else showError(button, errorText(r));
    });
  });
  const block = document.getElementById("block-chat");
  if (block) {
    block.addEventListener("click", () => busy(block, async () => {
      const r = await api("POST", "/api/v1/cases/" + caseId + "/" + block.dataset.action);
      if (r.status === 200) location.reload();
      else showError(block, errorText(r));
    }));
  }
}

// The case's small forms: each sends one request and shows its own error beside itself.
function caseForm(id, expected, path, body) {
  const form = document.getElementById(id);
  if (!form) return;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const button = form.querySelector("button[type=submit]");
    busy(button, async () => {
      const r = await api("POST", "/api/v1/cases/" + caseId + path, body(form));
      if (r.status === expected) location.reload();
      else showError(button, errorText(r));
    });
  });
}
caseForm("urgency-form", 200, "/urgency", (f) => ({ level: f.level.value, reason: f.reason.value }));
caseForm("note-form", 201, "/notes", (f) => ({ text: f.text.value }));
caseForm("status-form", 200, "/status", (f) => {
  const body = { status: f.status.value };
  if (f.closing_reason.value) body.closing_reason = f.closing_reason.value;
  return body;
});
caseForm("link-form", 200, "/links", (f) => ({ reference: f.reference.value.trim() }));
caseForm("break-glass-form", 200, "/break-glass", (f) => ({ reason: f.reason.value, text: f.text.value }));
document.querySelectorAll("button[data-unlink]").forEach((b) => b.addEventListener("click", () => busy(b, async () => {
  const r = await api("DELETE", "/api/v1/cases/" + caseId + "/links/" + b.dataset.unlink);
  if (r.status === 200) location.reload();
  else showError(b, errorText(r));
})));
// Retention (issue 17): a supervisor's legal hold, and a forget-me request passed on by a
// counselor. Erasing cannot be undone, so the browser asks once more.
caseForm("legal-hold-form", 200, "/legal-hold", (f) => ({ reason: f.reason.value }));
const liftHold = document.getElementById("legal-hold-lift");
if (liftHold) liftHold.addEventListener("click", () => {
  if (!window.confirm(say("js-hold-lift-confirm"))) return;
  busy(liftHold, async () => {
    const r = await api("DELETE", "/api/v1/cases/" + caseId + "/legal-hold");
    if (r.status === 200) location.reload();
    else showError(liftHold, errorText(r));
  });
});
// Restricting the case to named staff (supervisors): the same API as any client, so it is
// checked and audited the same way.
const restrictionForm = document.getElementById("restriction-form");
if (restrictionForm) {
  const restrict = (button, restricted) => busy(button, async () => {
    const staff = [...restrictionForm.querySelectorAll("input[name=staff]:checked")].map((i) => i.value);
    const r = await api("PUT", "/api/v1/cases/" + caseId + "/restriction",
      { restricted, reason: restrictionForm.reason.value, staff: restricted ? staff : [] });
    if (r.status === 200) location.reload();
    else showError(button, errorText(r));
  });
  restrictionForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    restrict(restrictionForm.querySelector("button[type=submit]"), true);
  });
  const lift = document.getElementById("restriction-lift");
  if (lift) lift.addEventListener("click", () => restrict(lift, false));
}
const forgetMe = document.getElementById("forget-me");
if (forgetMe) forgetMe.addEventListener("click", () => {
  if (!window.confirm(say("js-forget-confirm"))) return;
  busy(forgetMe, async () => {
    const r = await api("POST", "/api/v1/cases/" + caseId + "/forget-me", { confirm: true });
    if (r.status === 200) {
      window.alert(say("js-forget-done", { erased: r.data.erased_cases, held: r.data.held_cases }));
      location.reload();
    } else showError(forgetMe, errorText(r));
  });
});

// ---- Surge mode (the dashboard) -----------------------------------------------------------
const surgeForm = document.getElementById("surge-form");
if (surgeForm) surgeForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const button = e.submitter;
  busy(button, async () => {
    const reason = surgeForm.reason.value.trim();
    const r = await api("PUT", "/api/v1/surge", { on: button.value === "on", reason: reason || undefined });
    if (r.status === 200) { surgeForm.reason.value = ""; clearError(button); await refreshPage(); }
    else showError(button, errorText(r));
  });
});

// ---- The phone form -----------------------------------------------------------------------
const phoneForm = document.getElementById("phone-form");
if (phoneForm) {
  // One key per report being filled: a double click, or a retry after a lost answer, can
  // only ever create one case.
  let idempotencyKey = crypto.randomUUID();
  const earlier = document.getElementById("earlier-cases");
  const area = phoneForm.area;
  const pickProvinces = () => area.setAttribute("list", "provinces-" + (phoneForm.country.value || "none"));
  phoneForm.country.addEventListener("change", pickProvinces);
  pickProvinces();
  phoneForm.callback_phone.addEventListener("change", async () => {
    earlier.textContent = "";
    const phone = phoneForm.callback_phone.value.trim();
    if (!phone) return;
    const r = await api("POST", "/api/v1/reports/matches", { phone });
    if (r.status !== 200 || r.data.items.length === 0) return;
    const p = document.createElement("p");
    p.textContent = say("js-earlier-cases");
    earlier.appendChild(p);
    for (const c of r.data.items) {
      const label = document.createElement("label");
      label.className = "check";
      const box = document.createElement("input");
      box.type = "checkbox"; box.name = "link"; box.value = c.id;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + c.reference));
      earlier.appendChild(label);
    }
  });
  phoneForm.addEventListener("input", () => { idempotencyKey = idempotencyKey || crypto.randomUUID(); });
  phoneForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = phoneForm;
    const button = document.getElementById("save-report");
    busy(button, async () => {
      f.querySelectorAll(".form-error").forEach((e) => { e.textContent = ""; });
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
      const r = await api("POST", "/api/v1/reports", body, { "Idempotency-Key": idempotencyKey });
      if (r.status === 201) {
        const link = document.getElementById("saved-reference");
        link.textContent = r.data.reference;
        link.href = "/console/cases/" + r.data.id;
        document.getElementById("saved-level").textContent = "";
        const badge = document.createElement("span");
        badge.className = "badge level-" + r.data.urgency.level;
        badge.textContent = r.data.urgency_label || r.data.urgency.level;
        document.getElementById("saved-level").appendChild(badge);
        const saved = document.getElementById("saved");
        saved.hidden = false;
        f.reset();
        pickProvinces();
        earlier.textContent = "";
        idempotencyKey = crypto.randomUUID();
        saved.scrollIntoView({ block: "nearest" });
      } else {
        const field = r.data && r.data.error && r.data.error.field;
        const spot = field && f.querySelector('[data-field="' + field + '"]');
        (spot || document.getElementById("form-error")).textContent = errorText(r);
        (spot ? spot.previousElementSibling : button).focus?.();
      }
    });
  });
}

// ---- My settings --------------------------------------------------------------------------
const settingsForm = document.getElementById("settings-form");
if (settingsForm) {
  settingsForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const button = settingsForm.querySelector("button[type=submit]");
    busy(button, async () => {
      const languages = [...settingsForm.querySelectorAll('input[name="languages"]:checked')].map((b) => b.value);
      const r = await api("PATCH", "/api/v1/me", { console_language: settingsForm.console_language.value, languages });
      if (r.status === 200) location.reload();
      else showError(button, errorText(r));
    });
  });
}

// ---- Sign out everywhere ------------------------------------------------------------------
const everywhere = document.getElementById("sign-out-everywhere");
everywhere?.addEventListener("click", () => busy(everywhere, async () => {
  const r = await api("POST", "/api/v1/me/sign-out-everywhere");
  if (r.status === 200) location.href = "/console/login";
  else showError(everywhere, errorText(r));
}));

// ---- My second factor ---------------------------------------------------------------------
const secondFactor = document.getElementById("second-factor");
if (secondFactor) {
  const wrong = secondFactor.dataset.wrong;
  const showRecovery = (codes) => {
    const list = document.getElementById("totp-recovery-codes");
    list.replaceChildren(...codes.map((c) => { const li = document.createElement("li"); li.textContent = c; return li; }));
    document.getElementById("totp-recovery").hidden = false;
  };
  const start = document.getElementById("totp-start");
  start?.addEventListener("click", () => busy(start, async () => {
    const r = await api("POST", "/api/v1/me/second-factor/enrolment", {});
    if (r.status !== 200) return showError(start, errorText(r));
    document.getElementById("totp-key").textContent = r.data.secret;
    document.getElementById("totp-uri").href = r.data.otpauth_uri;
    document.getElementById("totp-setup").hidden = false;
    start.hidden = true;
    document.getElementById("totp-code").focus();
  }));
  const confirmForm = document.getElementById("totp-confirm-form");
  confirmForm?.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const button = confirmForm.querySelector("button[type=submit]");
    busy(button, async () => {
      const r = await api("POST", "/api/v1/me/second-factor", { code: confirmForm.code.value });
      if (r.status !== 200) return showError(button, r.status === 422 ? wrong : errorText(r));
      document.getElementById("totp-setup").hidden = true;
      showRecovery(r.data.recovery_codes);
    });
  });
  for (const [id, path] of [["totp-renew-form", "/api/v1/me/second-factor/recovery-codes"], ["totp-remove-form", "/api/v1/me/second-factor/removal"]]) {
    const form = document.getElementById(id);
    form?.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const button = form.querySelector("button[type=submit]");
      busy(button, async () => {
        const r = await api("POST", path, { password: form.password.value, code: form.code.value });
        if (r.status !== 200) return showError(button, r.status === 422 ? wrong : errorText(r));
        form.reset();
        if (r.data.recovery_codes) showRecovery(r.data.recovery_codes);
        else location.reload();
      });
    });
  }
}

// ---- Keyboard shortcuts -------------------------------------------------------------------
const help = document.getElementById("help");
document.getElementById("help-open")?.addEventListener("click", () => help?.showModal());
document.addEventListener("keydown", (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const typing = ev.target.closest("input, textarea, select, [contenteditable]");
  if (typing) return;
  const focus = (id) => { const el = document.getElementById(id); if (el) { ev.preventDefault(); el.focus(); el.scrollIntoView({ block: "center" }); } };
  switch (ev.key) {
    case "n": if (claimButton) busy(claimButton, () => claimNext(claimButton)); else if (document.getElementById("signed-in-as")) claimNext(document.body); break;
    case "r": focus("reply-text"); break;
    case "a": focus("note-text"); break;
    case "/": focus("search-q"); break;
    case "q": location.href = "/console/queue"; break;
    case "?": if (help) { ev.preventDefault(); help.showModal(); } break;
    default: break;
  }
});

connectLive();
if (document.getElementById("signed-in-as")) watchCritical();

// ---- Referrals on the case page (issue 14) -------------------------------------------------
caseForm("consent-form", 201, "/consents", (f) => ({
  partner_id: f.partner_id.value, given_by: f.given_by.value, how: f.how.value,
  purpose: f.purpose.value, granted: f.granted.checked,
}));
// A partner closed now was called: the call is its acknowledgement.
for (const button of document.querySelectorAll("[data-referral-called]")) {
  button.addEventListener("click", () => busy(button, async () => {
    const r = await api("POST", "/api/v1/referrals/" + button.dataset.referralCalled + "/status", { status: "received" });
    if (r.status === 200) location.reload();
    else showError(button, errorText(r));
  }));
}
const referralForm = document.getElementById("referral-form");
if (referralForm) {
  const referralBody = () => {
    const f = referralForm;
    const body = { partner_id: f.partner_id.value, summary: f.summary.value };
    if (f.override_reason.value) body.override = { reason: f.override_reason.value, text: f.override_text.value };
    return body;
  };
  const packet = document.getElementById("referral-packet");
  const previewButton = document.getElementById("referral-preview");
  // The preview is the exact packet the partner will see; it writes nothing.
  previewButton.addEventListener("click", () => busy(previewButton, async () => {
    const r = await api("POST", "/api/v1/cases/" + caseId + "/referrals?preview=true", referralBody());
    if (r.status === 200) {
      clearError(previewButton);
      packet.textContent = JSON.stringify(r.data.packet, null, 2);
      packet.hidden = false;
    } else showError(previewButton, errorText(r));
  }));
  referralForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const button = referralForm.querySelector("button[type=submit]");
    busy(button, async () => {
      const r = await api("POST", "/api/v1/cases/" + caseId + "/referrals", referralBody());
      if (r.status === 201) location.reload();
      else showError(button, errorText(r));
    });
  });
}
