// Reviewer web page: core (API calls, views, login), the queue and the history. The event view and the
// decisions live in review.js; every word in i18n.js; kinds, reasons and label names from GET /kinds.
"use strict";

const REFRESH_MS = 10000;  // the queue reloads itself this often while it is shown

const state = {
  lang: localStorage.getItem("enforce.lang") || "zh",
  token: sessionStorage.getItem("enforce.token"),
  user: JSON.parse(sessionStorage.getItem("enforce.user") || "null"),
  events: [], total: 0, selected: 0, cursor: null, current: null, objectUrls: [],
  kinds: null, names: {}, reasons: [],  // from GET /kinds: type -> kind; code -> {en, zh}; reasons on offer
  cameras: {},  // id -> {name, timezone, ...} from GET /cameras
  thumbs: new Map(),  // event id -> object URL of its thumbnail (kept across queue reloads)
  refreshTimer: null, refreshedAt: null,
};
const $ = (sel) => document.querySelector(sel);
const t = (key) => (LABELS[key] ? LABELS[key][state.lang] : state.names[key] ? state.names[key][state.lang] : key);

function applyLabels() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  $("#lang").textContent = state.lang === "zh" ? "EN" : "中文";
  renderKindOptions();
  renderReasons();
}

// ---- API ----
class ApiError extends Error {
  constructor(status, detail) { super(detail || `HTTP ${status}`); this.status = status; this.detail = detail || ""; }
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  if (options.json !== undefined) { headers["Content-Type"] = "application/json"; options.body = JSON.stringify(options.json); }
  let response;
  try { response = await fetch(path, Object.assign({}, options, { headers })); }
  catch (e) { return { ok: false, status: 0, json: async () => ({}), blob: async () => null }; }
  if (response.status === 401 && path !== "/auth/login") { logout(); }
  return response;
}

// An authorised file (evidence photo, clip) as an object URL, kept in `urls` for revokeObjectUrls; null if refused.
async function objectUrlOf(url, urls) {
  const response = await api(url);
  if (!response.ok) return null;
  const objectUrl = URL.createObjectURL(await response.blob());
  urls.push(objectUrl);
  return objectUrl;
}

function revokeObjectUrls(urls) { urls.splice(0).forEach((u) => URL.revokeObjectURL(u)); }

async function serverDetail(response) {
  try {
    const body = await response.json();
    return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  } catch (e) { return ""; }
}

// Show a failed response in the page's language on `el`; the server's own words go in its title.
async function showError(el, response) {
  el.textContent = fmt(errorKey(response.status), { status: response.status });
  el.title = await serverDetail(response);
}

const REVIEWS = ["reviewer", "admin"], CAMERAS = ["integrator", "admin"], FLIGHTS = ["drone_operator", "admin"];
const may = (roles) => !!state.user && roles.includes(state.user.role);

function show(view) {
  for (const id of ["login-view", "queue-view", "event-view", "history-view", "cameras-view", "stats-view", "drone-view"]) $("#" + id).hidden = id !== view;
  $("#nav").hidden = view === "login-view";
  $("#tab-queue").hidden = !may(REVIEWS); $("#tab-history").hidden = !may(REVIEWS); $("#tab-stats").hidden = !may(REVIEWS); $("#tab-cameras").hidden = !may(CAMERAS);
  $("#tab-cameras").classList.toggle("active", view === "cameras-view");
  $("#tab-stats").classList.toggle("active", view === "stats-view");
  $("#tab-drone").hidden = !may(FLIGHTS); $("#tab-drone").classList.toggle("active", view === "drone-view");
  $("#tab-queue").classList.toggle("active", view === "queue-view" || view === "event-view");
  $("#tab-history").classList.toggle("active", view === "history-view");
}

// A time in the camera's own zone (where known), with the zone named when it differs from the browser's.
function localTime(iso, timeZone) {
  if (!iso) return "";
  const options = { hour12: false, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" };
  if (timeZone) options.timeZone = timeZone;
  try { return new Date(iso).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB", options); }
  catch (e) { return new Date(iso).toISOString(); }
}

function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return fmt("duration_s", { s });
  if (s < 3600) return fmt("duration_ms", { m: Math.floor(s / 60), s: s % 60 });
  if (s < 172800) return fmt("duration_hm", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
  return fmt("duration_dh", { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
}

// 0.9971 -> "99.7%": one decimal, rounded down so that only a certain reading shows 100%.
function percent(value) { return `${(Math.floor(value * 1000) / 10).toFixed(1)}%`; }

function placeOf(e) {
  const camera = state.cameras[e.camera_id];
  if (camera) return camera.name;
  if (e.flight_id != null) return fmt("flight", { id: e.flight_id });
  return e.camera_id || "";
}

// ---- kinds (GET /kinds) and cameras (GET /cameras) ----
async function loadKinds() {
  if (state.kinds) return;
  const response = await api("/kinds");
  if (!response.ok) return;
  state.kinds = {};
  for (const kind of await response.json()) {
    state.kinds[kind.type] = kind;
    state.names[kind.type] = kind.names;
    for (const r of kind.reject_reasons) state.names[r.code] = state.names[r.code] || { en: r.en, zh: r.zh };
    for (const [label, names] of Object.entries(kind.label_names || {})) state.names[`label:${label}`] = names;
  }
  renderKindOptions();
}

async function loadCameras() {
  const response = await api("/cameras");
  if (!response.ok) return;
  state.cameras = {};
  for (const camera of await response.json()) state.cameras[camera.id] = camera;
}

const labelName = (label) => (state.names[`label:${label}`] ? state.names[`label:${label}`][state.lang] : label);

function renderKindOptions() {
  const select = $("#filters select[name=violation_type]");
  const chosen = select.value;
  select.querySelectorAll("option[data-kind]").forEach((o) => o.remove());
  for (const type of Object.keys(state.kinds || {})) {
    const option = document.createElement("option");
    option.value = type; option.dataset.kind = "1"; option.textContent = t(type);
    select.appendChild(option);
  }
  select.value = chosen;
}

// ---- login ----
async function login(event) {
  event.preventDefault();
  $("#login-error").textContent = "";
  const response = await api("/auth/login", { method: "POST", json: { username: $("#username").value, password: $("#password").value } });
  if (!response.ok) {
    if (response.status === 401) $("#login-error").textContent = t("login_failed"); else await showError($("#login-error"), response);
    return;
  }
  const body = await response.json();
  state.token = body.access_token; state.user = body.user;
  sessionStorage.setItem("enforce.token", state.token);
  sessionStorage.setItem("enforce.user", JSON.stringify(state.user));
  $("#password").value = "";
  openHome();
}

// Each role's first page: reviewers the queue, integrators the cameras.
function openHome() {
  $("#whoami").textContent = state.user ? `${state.user.display_name || state.user.username} (${state.user.role})` : "";
  if (may(REVIEWS)) openQueue();
  else if (may(CAMERAS)) openCameras();
  else if (may(FLIGHTS)) openDrone();
  else { show("queue-view"); $("#queue-message").hidden = false; $("#queue-message").textContent = t("no_page"); }
}

async function logout() {
  await flushPending();
  if (state.token) { const token = state.token; state.token = null; fetch("/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${token}` } }).catch(() => {}); }
  sessionStorage.clear();
  state.user = null; state.current = null;
  stopRefresh();
  for (const url of state.thumbs.values()) URL.revokeObjectURL(url);
  state.thumbs.clear();
  show("login-view");
}

// ---- queue ----
function filterParams() {
  const params = new URLSearchParams();
  new FormData($("#filters")).forEach((value, key) => {
    if (!value) return;
    if (key === "since" || key === "until") value = new Date(value).toISOString();
    params.set(key, value);
  });
  return params;
}

async function loadQueue(append = false) {
  const params = filterParams();
  if (append && state.cursor) params.set("cursor", state.cursor);
  const response = await api(`/events?${params}`);
  if (!response.ok) { $("#queue-message").hidden = false; await showError($("#queue-message"), response); return; }
  $("#queue-message").hidden = true;
  const page = await response.json();
  const shown = visibleEvents()[state.selected];  // read now: keys pressed while loading count
  const selectedId = shown && shown.id;
  state.events = append ? state.events.concat(page.items) : page.items;
  state.cursor = page.next_cursor; state.total = page.total;
  const kept = visibleEvents().findIndex((e) => e.id === selectedId);
  state.selected = kept >= 0 ? kept : Math.min(state.selected, Math.max(0, state.events.length - 1));
  state.refreshedAt = new Date();
  renderQueue();
}

// Events shown: those loaded, less one whose decision is waiting out its undo window.
function visibleEvents() { return state.events.filter((e) => !state.pending || e.id !== state.pending.eventId); }

function renderQueue() {
  const body = $("#queue tbody");
  body.innerHTML = "";
  const events = visibleEvents();
  state.selected = Math.min(state.selected, Math.max(0, events.length - 1));
  events.forEach((e, i) => {
    const row = document.createElement("tr");
    row.dataset.eventId = e.id;
    row.className = i === state.selected ? "selected" : "";
    const claimed = e.claimed_by && e.claimed_by !== state.user.id && new Date(e.claim_expires_at) > new Date();
    const camera = state.cameras[e.camera_id];
    const thumbCell = document.createElement("td"); thumbCell.className = "thumb";
    if (e.evidence_record_id) thumbCell.appendChild(thumbnail(e.id));
    row.appendChild(thumbCell);
    for (const text of [localTime(e.confirmed_at, camera && camera.timezone), t(e.violation_type), placeOf(e), e.zone_name || "", e.plate_text || "", claimed ? t("claimed_by_other") : ""]) {
      const cell = document.createElement("td"); cell.textContent = text; row.appendChild(cell);
    }
    row.addEventListener("click", () => openEvent(e.id));
    body.appendChild(row);
  });
  const hidden = state.events.length - events.length;
  $("#queue-count").textContent = fmt("count", { n: Math.max(0, state.total - hidden) });
  $("#queue-refreshed").textContent = state.refreshedAt ? fmt("refreshed", { time: state.refreshedAt.toLocaleTimeString(state.lang === "zh" ? "zh-CN" : "en-GB", { hour12: false }) }) : "";
  $("#queue-empty").hidden = events.length > 0;
  $("#more").hidden = !state.cursor;
}

function thumbnail(eventId) {
  const img = document.createElement("img");
  img.alt = ""; img.className = "thumb";
  const cached = state.thumbs.get(eventId);
  if (cached) { img.src = cached; return img; }
  api(`/events/${eventId}/thumbnail.jpg`).then(async (response) => {
    if (!response.ok) return;
    const url = URL.createObjectURL(await response.blob());
    state.thumbs.set(eventId, url);
    img.src = url;
  });
  return img;
}

function startRefresh() {
  stopRefresh();
  state.refreshTimer = setInterval(() => {
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
    if (!$("#queue-view").hidden && !typing && !state.cursorAppended) loadQueue();
  }, REFRESH_MS);
}
function stopRefresh() { if (state.refreshTimer) clearInterval(state.refreshTimer); state.refreshTimer = null; }

async function openQueue() {
  releaseObjectUrls();
  closeEvent();
  $("#whoami").textContent = state.user ? `${state.user.display_name || state.user.username} (${state.user.role})` : "";
  show("queue-view");
  state.cursorAppended = false;
  state.refreshedAt = null; $("#queue-refreshed").textContent = "";
  await loadKinds();
  await loadCameras();
  await loadQueue();
  startRefresh();
}

// ---- history ----
async function openHistory() {
  closeEvent();
  show("history-view");
  const response = await api(`/reviews?mine=${$("#history-mine").checked}`);
  const body = $("#history tbody"); body.innerHTML = "";
  if (!response.ok) { await showError($("#history-message"), response); return; }
  $("#history-message").textContent = "";
  for (const r of (await response.json()).items) {
    const e = r.event || {};
    const place = [e.camera_name || (e.flight_id != null ? fmt("flight", { id: e.flight_id }) : e.camera_id || ""), e.zone_name || "", e.address || ""].filter(Boolean).join(" · ");
    const row = document.createElement("tr");
    row.dataset.eventId = r.event_id;
    for (const text of [localTime(r.created_at, e.timezone), e.violation_type ? t(e.violation_type) : "", e.plate_text || "—", place, r.reviewer, t(r.decision), r.reason_code ? t(r.reason_code) : "", r.note || ""]) {
      const cell = document.createElement("td"); cell.textContent = text; row.appendChild(cell);
    }
    row.addEventListener("click", () => openEvent(r.event_id));
    body.appendChild(row);
  }
}
