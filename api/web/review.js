// Reviewer web page: one event (photos side by side, plate close-up, why the rule fired), the decision
// with a confirmation step and an undo window, and the zoom view. Uses app.js's state and helpers.
"use strict";

// A confirmed decision waits this long before it is sent; U takes it back. It is bound to the event id
// it was made on, so it can only ever land on that case.
const UNDO_MS = 5000;

function releaseObjectUrls() { revokeObjectUrls(state.objectUrls); }

function closeEvent() {
  state.current = null; state.readOnly = true; state.choosingReason = false; state.confirming = null;
  state.photos = { expected: 0, loaded: 0 };
  closeLightbox();
}

function mediaUrl(url) { return objectUrlOf(url, state.objectUrls); }

// ---- drawing: zone and boxes, labels in the page's language, never on top of each other ----
function drawOverlay(ctx, w, h, zone, marks, offset) {
  ctx.lineWidth = Math.max(2, w / 400);
  if (zone && zone.length > 2) {
    const [dx, dy] = offset || [0, 0];  // the camera drifted since its zones were drawn: they moved with it
    ctx.strokeStyle = "#ffd400"; ctx.fillStyle = "rgba(255, 212, 0, 0.12)";
    ctx.beginPath();
    zone.forEach(([x, y], i) => (i ? ctx.lineTo(x * w + dx, y * h + dy) : ctx.moveTo(x * w + dx, y * h + dy)));
    ctx.closePath(); ctx.fill(); ctx.stroke();
  }
  const size = Math.max(12, Math.round(w / 70));
  ctx.font = `${size}px "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif`;
  const placed = [];
  for (const mark of marks || []) {
    const [x1, y1, x2, y2] = mark.box;
    ctx.setLineDash(mark.label === "original_place" ? [w / 80, w / 120] : []);  // 核查: where the object was
    ctx.strokeStyle = "#000"; ctx.lineWidth = Math.max(4, w / 250); ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    ctx.strokeStyle = "#00e5ff"; ctx.lineWidth = Math.max(2, w / 400); ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    ctx.setLineDash([]);
    const text = labelName(mark.label) + (mark.score != null ? ` ${Math.round(mark.score * 100)}%` : "");
    const tw = ctx.measureText(text).width + 6, th = size + 4;
    let ly = y1 - th >= 0 ? y1 - th : y1;
    const lx = Math.min(Math.max(0, x1), Math.max(0, w - tw));
    while (placed.some((r) => lx < r.x + r.w && lx + tw > r.x && ly < r.y + r.h && ly + th > r.y)) ly += th;
    placed.push({ x: lx, y: ly, w: tw, h: th });
    ctx.fillStyle = "rgba(0, 0, 0, 0.75)"; ctx.fillRect(lx, ly, tw, th);
    ctx.fillStyle = "#fff"; ctx.fillText(text, lx + 3, ly + size);
  }
}

// ---- event ----
async function openEvent(id) {
  await flushPendingFor(id);
  releaseObjectUrls();
  closeEvent();
  show("event-view");
  $("#event-message").textContent = ""; $("#event-message").title = "";
  $("#reasons").hidden = true; $("#confirm-bar").hidden = true; $("#note").value = "";
  $("#photos").innerHTML = ""; $("#plate").innerHTML = ""; $("#clip").innerHTML = ""; $("#facts").innerHTML = "";
  const response = await api(`/events/${id}`);
  if (!response.ok) { await showError($("#event-message"), response); setReadOnly(true); return; }
  const event = await response.json();
  let readOnly = event.status !== "pending";
  if (!readOnly) {
    const claim = await api(`/events/${id}/claim`, { method: "POST" });
    if (!claim.ok) { readOnly = true; await showError($("#event-message"), claim); if (claim.status === 409) $("#event-message").textContent = t("read_only_claimed"); }
  }
  state.current = event;
  state.readOnly = readOnly;
  renderEvent(event);
}

function setReadOnly(readOnly) {
  state.readOnly = readOnly;
  $("#approve").hidden = readOnly; $("#reject").hidden = readOnly;
  $("#approve").disabled = readOnly; $("#reject").disabled = readOnly;
}

function record(e) { return (e.evidence && e.evidence.record) || {}; }
function eventZone(e) { return record(e).timezone || (e.camera && e.camera.timezone) || null; }

function renderEvent(e) {
  releaseObjectUrls();
  setReadOnly(state.readOnly);
  $("#photos").innerHTML = ""; $("#plate").innerHTML = ""; $("#clip").innerHTML = "";
  const manifest = $("#manifest"); manifest.innerHTML = "";
  renderPlate(e);
  relabelEvent(e);
  renderRechecks(e);
  state.photos = { expected: 0, loaded: 0 };
  if (!e.evidence) { $("#photos").textContent = t("no_evidence"); return; }
  for (const m of e.evidence.media) { const li = document.createElement("li"); li.textContent = `${m.kind} ${m.path} sha256:${m.sha256.slice(0, 16)}… ${m.size} B`; manifest.appendChild(li); }
  renderPhotos(e);
  for (const m of e.evidence.media) if (m.kind === "clip") renderClip(m);
}

// Every word of the event view in the page's language; photos are not fetched again (language switch).
function relabelEvent(e) {
  $("#event-status").textContent = t(e.status);
  const last = e.reviews.filter((r) => r.decision !== "reopen").slice(-1)[0];
  $("#decided").hidden = e.status === "pending" || !last;
  if (last) $("#decided").textContent = fmt("decided", { decision: t(last.decision), who: last.reviewer, time: localTime(last.created_at, eventZone(e)) });
  const verify = e.evidence ? e.evidence.verify.state : "unavailable";
  $("#verify").textContent = t(`verify_${verify}`);
  $("#verify").title = e.evidence ? e.evidence.verify.detail : "";
  $("#verify").className = `badge ${verify}`;
  renderFacts(e);
  $("#why").textContent = whyText(e);
  const confidence = $("#plate-confidence");
  if (confidence) confidence.textContent = `${t("confidence")} ${percent(e.plate_confidence)}`;
  const plateImage = $("#plate-image");
  if (plateImage) { plateImage.alt = t("plate"); plateImage.title = t("zoom_hint"); }
  document.querySelectorAll("#photos figure.photo").forEach((figure) => figure.relabel && figure.relabel());
  const steps = $("#case-steps"); steps.innerHTML = "";
  $("#case-steps-box").hidden = !(e.case_steps || []).length;
  for (const c of e.case_steps || []) {
    const li = document.createElement("li"); li.dataset.step = c.step;
    li.textContent = [`${t(`step_${c.step}`)} · ${localTime(c.reported_at, eventZone(e))}`, c.case_number, c.actor, c.note].filter(Boolean).join(" · ");
    steps.appendChild(li);
  }
  const history = $("#event-history"); history.innerHTML = "";
  for (const r of e.reviews) { const li = document.createElement("li"); li.textContent = `${localTime(r.created_at, eventZone(e))} ${r.reviewer}: ${t(r.decision)}${r.reason_code ? " — " + t(r.reason_code) : ""}${r.note ? ` (${r.note})` : ""}`; history.appendChild(li); }
  relabelRechecks();
}

function renderFacts(e) {
  const rec = record(e), details = rec.details || {}, zone = eventZone(e);
  const place = Object.fromEntries(Object.entries(rec.place || {}).filter(([, v]) => v !== "unassigned"));  // flights
  const dwell = dwellSeconds(e);
  const rows = [
    ["type", t(e.violation_type)],
    ["camera", e.camera ? e.camera.name : e.flight_id != null ? fmt("flight", { id: e.flight_id }) : ""],
    ["address", place.address || (e.camera && e.camera.address) || ""],
    ["grid", place.grid_code || (e.camera && e.camera.grid_code) || ""],
    ["unit", place.responsible_unit || ""],
    ["zone", e.zone_name || ""],
    ["position", details.lat != null ? `${details.lat.toFixed(6)}, ${details.lon.toFixed(6)}` : place.lat != null ? `${place.lat}, ${place.lon}` : ""],
    ["area", details.area_m2 != null ? `${details.area_m2.toFixed(1)} m²` : ""],
    ["first_seen", localTime(e.first_seen_at, zone)],
    ["confirmed", localTime(e.confirmed_at, zone) + (zone ? ` (${zone})` : "")],
    ["dwell", dwell != null ? duration(dwell) : ""],
  ];
  const facts = $("#facts"); facts.innerHTML = "";
  for (const [k, v] of rows) {
    if (!v) continue;
    const dt = document.createElement("dt"); dt.textContent = t(k);
    const dd = document.createElement("dd"); dd.textContent = v; dd.dataset.fact = k;
    facts.append(dt, dd);
  }
}

function photosOf(e) { return (record(e).photos || []).filter((p) => p && (p.original || p.annotated)); }

// Seconds from arrival to confirmation: the photos' capture times, else the event's times.
function dwellSeconds(e) {
  const photos = photosOf(e);
  const first = photos.find((p) => p.role === "arrival") || photos[0], lastPhoto = photos.find((p) => p.role === "confirmation") || photos[photos.length - 1];
  const from = first && first.captured_at ? first.captured_at : e.first_seen_at, to = lastPhoto && lastPhoto.captured_at ? lastPhoto.captured_at : e.confirmed_at;
  const seconds = (new Date(to) - new Date(from)) / 1000;
  return Number.isFinite(seconds) ? seconds : null;
}

// Why the rule fired, in words, from the manifest's details.
function whyText(e) {
  const details = record(e).details || {}, dwell = dwellSeconds(e);
  const parts = [];
  if (e.violation_type === "illegal_parking") {
    parts.push(fmt("why_parking", { dwell: duration(dwell || 0), zone: e.zone_name || "" }));
    const sides = (details.cut_by_picture || []).map((side) => t(`side_${side}`));
    if (sides.length) parts.push(fmt("why_cut", { sides: sides.join(state.lang === "zh" ? "、" : ", ") }));
  }
  if (e.violation_type === "mud_truck") {
    const signs = (details.mud_signs || []).map(labelName);
    if (signs.length) parts.push(fmt("why_mud", { signs: signs.join(state.lang === "zh" ? "、" : ", ") }));
    if (details.direction) parts.push(fmt("why_mud_direction", { direction: details.direction }));
  }
  if (e.violation_type === "open_barbecue") {
    parts.push(fmt("why_barbecue", { dwell: duration(dwell || 0) }));
    if (details.people_count != null) parts.push(fmt("why_people", { n: details.people_count }));
  }
  if (e.violation_type === "rooftop_structure" && details.area_m2 != null) {
    parts.push(fmt("why_rooftop", { area: details.area_m2.toFixed(1), lat: details.lat.toFixed(6), lon: details.lon.toFixed(6) }));
    if ((details.flight_dates || []).length) parts.push(fmt("why_flights", { dates: details.flight_dates.join(" → ") }));
  }
  return parts.join(" ");
}

function mediaByPath(e) { const by = {}; for (const m of e.evidence.media) by[m.path] = m; return by; }

// Arrival and confirmation side by side; the photos in between in a row of small ones below.
function renderPhotos(e) {
  const by = mediaByPath(e);
  let photos = photosOf(e).map((p) => ({ photo: p, media: by[p.original] || by[p.annotated] })).filter((x) => x.media);
  if (!photos.length) photos = e.evidence.media.filter((m) => m.kind === "original").map((m) => ({ photo: { role: "" }, media: m }));
  const main = photos.filter((x) => x.photo.role === "arrival" || x.photo.role === "confirmation");
  const pair = main.length ? main : photos.slice(0, 2);
  const rest = photos.filter((x) => !pair.includes(x));
  const pairEl = document.createElement("div"); pairEl.className = "pair";
  const stripEl = document.createElement("div"); stripEl.className = "strip";
  $("#photos").append(pairEl, stripEl);
  state.photos = { expected: photos.length, loaded: 0 };
  for (const x of pair) pairEl.appendChild(photoFigure(e, x.photo, x.media));
  for (const x of rest) stripEl.appendChild(photoFigure(e, x.photo, x.media));
}

function photoFigure(e, photo, media) {
  const figure = document.createElement("figure"); figure.className = "photo"; figure.dataset.role = photo.role || "";
  const frame = document.createElement("div"); frame.className = "frame";
  const img = document.createElement("img");
  const canvas = document.createElement("canvas");
  frame.append(img, canvas);
  const caption = document.createElement("figcaption");
  figure.append(frame, caption);
  const zone = media.kind === "original" ? e.zone_polygon : null;
  const marks = media.kind === "original" ? media.marks : [];
  const draw = () => {
    if (!img.naturalWidth) return;
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    drawOverlay(canvas.getContext("2d"), canvas.width, canvas.height, zone, marks, media.view_offset);
  };
  figure.relabel = () => {
    const role = LABELS[`role_${photo.role}`] ? t(`role_${photo.role}`) : t("photo");
    img.alt = role; img.title = t("zoom_hint");
    caption.textContent = photo.captured_at ? `${role} · ${localTime(photo.captured_at, eventZone(e))}` : role;
    draw();
  };
  figure.relabel();
  img.addEventListener("load", () => {
    figure.style.maxWidth = `${img.naturalWidth * 2}px`;  // small crops are not blown up past twice their size
    draw();
    state.photos.loaded += 1;
    updateDecisionButtons();
  });
  frame.addEventListener("click", () => openLightbox(img, zone, marks, 1, media.view_offset));
  mediaUrl(media.url).then((url) => { if (url) img.src = url; });
  return figure;
}

function renderPlate(e) {
  const plateText = document.createElement("div"); plateText.className = "plate-text"; plateText.id = "plate-text";
  plateText.textContent = e.plate_text || "—";
  $("#plate").appendChild(plateText);
  if (e.plate_confidence != null) {
    const conf = document.createElement("div"); conf.id = "plate-confidence"; conf.className = "hint";
    conf.textContent = `${t("confidence")} ${percent(e.plate_confidence)}`;
    $("#plate").appendChild(conf);
  }
  const m = e.evidence && e.evidence.media.find((x) => x.kind === "plate");
  if (!m) return;
  const img = document.createElement("img"); img.alt = t("plate"); img.id = "plate-image"; img.title = t("zoom_hint");
  img.addEventListener("click", () => openLightbox(img, null, [], 4));
  $("#plate").appendChild(img);
  mediaUrl(m.url).then((url) => { if (url) img.src = url; });
}

function renderClip(m) {
  const video = document.createElement("video"); video.controls = true; video.preload = "metadata"; $("#clip").appendChild(video);
  mediaUrl(m.url).then((url) => { if (url) video.src = url; });
}

// ---- zoom view ----
function openLightbox(img, zone, marks, zoom = 1, offset = null) {
  if (!img.naturalWidth) return;
  const canvas = $("#lightbox canvas");
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(img, 0, 0);
  drawOverlay(ctx, canvas.width, canvas.height, zone, marks, offset);
  const fit = Math.min((window.innerWidth * 0.9) / img.naturalWidth, (window.innerHeight * 0.8) / img.naturalHeight);
  state.zoom = { base: fit, factor: zoom };
  applyZoom();
  $("#lightbox").hidden = false;
}
function applyZoom() {
  const canvas = $("#lightbox canvas");
  canvas.style.width = `${Math.round(canvas.width * state.zoom.base * state.zoom.factor)}px`;
  $("#lightbox").dataset.zoom = String(state.zoom.factor);
}
function zoomBy(step) { if (!state.zoom) return; state.zoom.factor = Math.min(16, Math.max(0.25, state.zoom.factor * step)); applyZoom(); }
function closeLightbox() { $("#lightbox").hidden = true; }

// ---- decisions: confirm, then an undo window, then sent ----
function photosReady() { return state.photos.expected > 0 && state.photos.loaded >= state.photos.expected; }

function updateDecisionButtons() { $("#approve").classList.toggle("waiting", !photosReady()); }

function approve() {
  if (state.readOnly || !state.current) return;
  if (!state.current.evidence) { $("#event-message").textContent = t("no_photos"); return; }
  if (!photosReady()) { $("#event-message").textContent = t("photos_loading"); return; }
  askConfirm({ decision: "approve" }, t("confirm_approve"));
}

function startReject() {
  if (state.readOnly || !state.current) return;
  const kind = state.kinds && state.kinds[state.current.violation_type];
  state.reasons = kind ? kind.reject_reasons.map((r) => r.code) : [];
  renderReasons();
  $("#note").value = "";
  state.confirming = null; $("#confirm-bar").hidden = true;
  state.choosingReason = true; $("#reasons").hidden = false;
}

function renderReasons() {
  $("#reason-list").innerHTML = "";
  state.reasons.forEach((code) => {
    const li = document.createElement("li");
    li.textContent = t(code);
    li.dataset.code = code;
    li.addEventListener("click", () => chooseReason(code));
    $("#reason-list").appendChild(li);
  });
}

function chooseReason(code) {
  const note = $("#note").value.trim();
  if (code === "other" && !note) { $("#event-message").textContent = t("note_required"); $("#note").focus(); return; }
  askConfirm({ decision: "reject", reason_code: code, note: note || null }, fmt("confirm_reject", { reason: t(code) }));
}

function askConfirm(body, text) {
  state.confirming = body;
  $("#event-message").textContent = "";
  $("#confirm-text").textContent = text;
  $("#confirm-bar").hidden = false;
  $("#confirm-ok").focus();
}

function cancelConfirm() { state.confirming = null; $("#confirm-bar").hidden = true; }

async function confirmDecision() {
  const e = state.current, body = state.confirming;
  if (!e || !body || state.readOnly) return;
  cancelConfirm();  // a second Enter finds nothing to confirm
  await flushPending();  // one decision in its undo window at a time
  state.pending = { eventId: e.id, plate: e.plate_text || t(e.violation_type), body, deadline: Date.now() + UNDO_MS };
  state.pending.timer = setTimeout(() => commitPending(), UNDO_MS);
  state.toast = { key: body.decision === "approve" ? "pending_approve" : "pending_reject" };
  startToastTicker();
  openQueue();
}

async function commitPending() {
  const p = state.pending;
  if (!p) return;
  clearTimeout(p.timer);
  state.pending = null;
  const response = await api(`/events/${p.eventId}/decision`, { method: "POST", json: p.body });
  if (response.ok) state.toast = { key: "committed", plate: p.plate, until: Date.now() + 4000 };
  else state.toast = { key: "commit_failed", plate: p.plate, error: fmt(errorKey(response.status), { status: response.status }), until: Date.now() + 15000 };
  renderToast();
  if (!$("#queue-view").hidden) loadQueue();
}

async function flushPending() { if (state.pending) await commitPending(); }
async function flushPendingFor(eventId) { if (state.pending && state.pending.eventId !== eventId) await commitPending(); }

function undo() {
  const p = state.pending;
  if (!p) return;
  clearTimeout(p.timer);
  state.pending = null;
  state.toast = { key: "undone", plate: p.plate, until: Date.now() + 4000 };
  renderToast();
  openEvent(p.eventId);
}

function startToastTicker() {
  renderToast();
  if (state.toastTicker) clearInterval(state.toastTicker);
  state.toastTicker = setInterval(renderToast, 250);
}

function renderToast() {
  const toast = $("#toast"), p = state.pending, tt = state.toast;
  if (p) {
    toast.hidden = false; toast.dataset.state = "pending";
    $("#toast-text").textContent = fmt(tt.key, { plate: p.plate, s: Math.max(0, Math.ceil((p.deadline - Date.now()) / 1000)) });
    $("#undo").hidden = false;
    return;
  }
  $("#undo").hidden = true;
  if (tt && tt.until > Date.now()) {
    toast.hidden = false; toast.dataset.state = tt.key;
    $("#toast-text").textContent = fmt(tt.key, tt);
    return;
  }
  toast.hidden = true; toast.dataset.state = "";
  if (state.toastTicker) { clearInterval(state.toastTicker); state.toastTicker = null; }
}

async function back() {
  const e = state.current;
  if (e && e.status === "pending" && !state.readOnly) await api(`/events/${e.id}/claim`, { method: "DELETE" });
  openQueue();
}

// A decision still in its undo window is sent when the page goes away (keepalive outlives the page).
window.addEventListener("pagehide", () => {
  const p = state.pending;
  if (!p || !state.token) return;
  clearTimeout(p.timer);
  state.pending = null;
  fetch(`/events/${p.eventId}/decision`, { method: "POST", keepalive: true, headers: { Authorization: `Bearer ${state.token}`, "Content-Type": "application/json" }, body: JSON.stringify(p.body) });
});

// ---- keyboard ----
document.addEventListener("keydown", (ev) => {
  const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
  if (!$("#lightbox").hidden) {
    if (ev.key === "Escape") { ev.preventDefault(); closeLightbox(); }
    if (ev.key === "+" || ev.key === "=") zoomBy(1.5);
    if (ev.key === "-") zoomBy(1 / 1.5);
    return;
  }
  if (!typing && (ev.key === "u" || ev.key === "U") && state.pending) { ev.preventDefault(); undo(); return; }
  if (!$("#event-view").hidden) {
    if (ev.key === "Escape") {
      ev.preventDefault();
      if (state.confirming) cancelConfirm();
      else if (state.choosingReason) { state.choosingReason = false; $("#reasons").hidden = true; }
      else back();
      return;
    }
    if (state.confirming && ev.key === "Enter") { ev.preventDefault(); confirmDecision(); return; }
    if (typing || state.confirming) return;
    if (state.choosingReason && /^[1-9]$/.test(ev.key) && state.reasons[Number(ev.key) - 1]) { ev.preventDefault(); chooseReason(state.reasons[Number(ev.key) - 1]); return; }
    if (ev.key === "a" || ev.key === "A") { ev.preventDefault(); approve(); }
    if (ev.key === "r" || ev.key === "R") { ev.preventDefault(); startReject(); }
    return;
  }
  if (!$("#queue-view").hidden && !typing) {
    const n = visibleEvents().length;
    if (ev.key === "j" || ev.key === "ArrowDown") { state.selected = Math.min(state.selected + 1, n - 1); renderQueue(); }
    if (ev.key === "k" || ev.key === "ArrowUp") { state.selected = Math.max(state.selected - 1, 0); renderQueue(); }
    if (ev.key === "Enter" && visibleEvents()[state.selected]) { ev.preventDefault(); openEvent(visibleEvents()[state.selected].id); }
  }
});
