// Reviewer web page: plain JS against the review API. Labels come from the one LABELS table; violation
// kinds and their reject reasons (names in both languages) come from GET /kinds.
"use strict";

const LABELS = {
  title: { en: "Enforcement review", zh: "非现场执法 审核" },
  queue: { en: "Queue", zh: "待审队列" },
  history: { en: "History", zh: "审核记录" },
  logout: { en: "Log out", zh: "退出" },
  login: { en: "Log in", zh: "登录" },
  username: { en: "User name", zh: "用户名" },
  password: { en: "Password", zh: "密码" },
  login_failed: { en: "Wrong user name or password", zh: "用户名或密码错误" },
  status: { en: "Status", zh: "状态" },
  pending: { en: "pending", zh: "待审" },
  approved: { en: "approved", zh: "已通过" },
  rejected: { en: "rejected", zh: "已驳回" },
  type: { en: "Type", zh: "类型" },
  all: { en: "all", zh: "全部" },
  camera: { en: "Camera", zh: "摄像机" },
  zone: { en: "Zone", zh: "区域" },
  plate: { en: "Plate", zh: "车牌" },
  since: { en: "From", zh: "起" },
  until: { en: "To", zh: "止" },
  apply: { en: "Apply", zh: "筛选" },
  time: { en: "Time", zh: "时间" },
  claim: { en: "Claim", zh: "认领" },
  empty: { en: "Nothing in the queue", zh: "队列为空" },
  more: { en: "More", zh: "更多" },
  queue_keys: { en: "Enter: open · j/k: move", zh: "回车：打开 · j/k：上下移动" },
  back: { en: "Back (Esc)", zh: "返回 (Esc)" },
  approve_key: { en: "Approve (A)", zh: "通过 (A)" },
  reject_key: { en: "Reject (R)", zh: "驳回 (R)" },
  choose_reason: { en: "Reason — press its number (Esc cancels):", zh: "驳回理由 — 按序号（Esc 取消）：" },
  note: { en: "Note", zh: "备注" },
  clip: { en: "Clip", zh: "视频" },
  manifest: { en: "Manifest", zh: "证据清单" },
  mine: { en: "Only mine", zh: "只看我的" },
  event: { en: "Event", zh: "事件" },
  reviewer: { en: "Reviewer", zh: "审核人" },
  decision: { en: "Decision", zh: "结论" },
  reason: { en: "Reason", zh: "理由" },
  approve: { en: "approve", zh: "通过" },
  reject: { en: "reject", zh: "驳回" },
  reopen: { en: "reopen", zh: "重新审核" },
  verify_ok: { en: "Evidence verified", zh: "证据校验通过" },
  verify_failed: { en: "Evidence verification FAILED", zh: "证据校验失败" },
  verify_unavailable: { en: "Verification unavailable", zh: "无法校验" },
  verify_error: { en: "Verification error", zh: "校验出错" },
  claimed_by_other: { en: "claimed", zh: "已被认领" },
  address: { en: "Address", zh: "地址" },
  grid: { en: "Grid", zh: "网格" },
  first_seen: { en: "First seen", zh: "首次发现" },
  confirmed: { en: "Confirmed", zh: "确认时间" },
  no_evidence: { en: "No evidence bundle", zh: "无证据包" },
  note_required: { en: "Reason 'other' needs a note", zh: "“其他”须填写备注" },
};

const state = {
  lang: localStorage.getItem("enforce.lang") || "zh",
  token: sessionStorage.getItem("enforce.token"),
  user: JSON.parse(sessionStorage.getItem("enforce.user") || "null"),
  events: [], selected: 0, cursor: null, current: null, choosingReason: false, objectUrls: [],
  kinds: null, names: {}, reasons: [],  // from GET /kinds: type -> kind; code -> {en, zh}; reasons on offer
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

// ---- violation kinds (GET /kinds) ----
async function loadKinds() {
  if (state.kinds) return;
  const response = await api("/kinds");
  if (!response.ok) return;
  state.kinds = {};
  for (const kind of await response.json()) {
    state.kinds[kind.type] = kind;
    state.names[kind.type] = kind.names;
    for (const r of kind.reject_reasons) state.names[r.code] = state.names[r.code] || { en: r.en, zh: r.zh };
  }
  renderKindOptions();
}

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

function renderReasons() {
  $("#reason-list").innerHTML = "";
  state.reasons.forEach((code) => {
    const li = document.createElement("li");
    li.textContent = t(code);
    li.dataset.code = code;
    li.addEventListener("click", () => reject(code));
    $("#reason-list").appendChild(li);
  });
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  if (options.json !== undefined) { headers["Content-Type"] = "application/json"; options.body = JSON.stringify(options.json); }
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 && path !== "/auth/login") { logout(); throw new Error("401"); }
  return response;
}

async function errorText(response) {
  try {
    const body = await response.json();
    return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  } catch (e) { return `HTTP ${response.status}`; }
}

function show(view) {
  for (const id of ["login-view", "queue-view", "event-view", "history-view"]) $("#" + id).hidden = id !== view;
  $("#nav").hidden = view === "login-view";
  $("#tab-queue").classList.toggle("active", view === "queue-view" || view === "event-view");
  $("#tab-history").classList.toggle("active", view === "history-view");
}

// Times are shown in the camera's own zone where it is known (the event view), else the browser's.
function localTime(iso, timeZone) {
  const options = { hour12: false };
  if (timeZone) options.timeZone = timeZone;
  try { return new Date(iso).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB", options); }
  catch (e) { return new Date(iso).toISOString(); }
}

// ---- login ----
async function login(event) {
  event.preventDefault();
  $("#login-error").textContent = "";
  const response = await api("/auth/login", { method: "POST", json: { username: $("#username").value, password: $("#password").value } });
  if (!response.ok) { $("#login-error").textContent = t("login_failed"); return; }
  const body = await response.json();
  state.token = body.access_token; state.user = body.user;
  sessionStorage.setItem("enforce.token", state.token);
  sessionStorage.setItem("enforce.user", JSON.stringify(state.user));
  $("#password").value = "";
  openQueue();
}

async function logout() {
  if (state.token) { const token = state.token; state.token = null; fetch("/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${token}` } }); }
  sessionStorage.clear();
  state.user = null;
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
  if (!response.ok) { $("#queue-empty").hidden = false; $("#queue-empty").textContent = await errorText(response); return; }
  const page = await response.json();
  state.events = append ? state.events.concat(page.items) : page.items;
  state.cursor = page.next_cursor;
  if (!append) state.selected = 0;
  renderQueue();
}

function renderQueue() {
  const body = $("#queue tbody");
  body.innerHTML = "";
  state.events.forEach((e, i) => {
    const row = document.createElement("tr");
    row.dataset.eventId = e.id;
    row.className = i === state.selected ? "selected" : "";
    const claimed = e.claimed_by && e.claimed_by !== state.user.id && new Date(e.claim_expires_at) > new Date();
    for (const text of [localTime(e.confirmed_at), t(e.violation_type), e.camera_id || `flight ${e.flight_id}`, e.zone_name || "", e.plate_text || "", claimed ? t("claimed_by_other") : ""]) {
      const cell = document.createElement("td"); cell.textContent = text; row.appendChild(cell);
    }
    row.addEventListener("click", () => openEvent(e.id));
    body.appendChild(row);
  });
  $("#queue-empty").hidden = state.events.length > 0;
  $("#queue-empty").textContent = t("empty");
  $("#more").hidden = !state.cursor;
}

function openQueue() {
  releaseObjectUrls();
  state.current = null; state.choosingReason = false;
  $("#whoami").textContent = state.user ? `${state.user.display_name || state.user.username} (${state.user.role})` : "";
  show("queue-view");
  loadKinds().then(() => loadQueue());
}

// ---- event ----
function releaseObjectUrls() { state.objectUrls.forEach((u) => URL.revokeObjectURL(u)); state.objectUrls = []; }

async function mediaUrl(url) {
  const response = await api(url);
  if (!response.ok) return null;
  const objectUrl = URL.createObjectURL(await response.blob());
  state.objectUrls.push(objectUrl);
  return objectUrl;
}

function drawOverlay(img, canvas, zone, marks) {
  const w = img.naturalWidth, h = img.naturalHeight;
  canvas.width = w; canvas.height = h;
  const ctx = canvas.getContext("2d");
  ctx.lineWidth = Math.max(2, w / 400);
  if (zone && zone.length > 2) {
    ctx.strokeStyle = "#ffd400"; ctx.fillStyle = "rgba(255, 212, 0, 0.15)";
    ctx.beginPath();
    zone.forEach(([x, y], i) => (i ? ctx.lineTo(x * w, y * h) : ctx.moveTo(x * w, y * h)));
    ctx.closePath(); ctx.fill(); ctx.stroke();
  }
  ctx.font = `${Math.max(12, w / 60)}px sans-serif`;
  for (const mark of marks || []) {
    const [x1, y1, x2, y2] = mark.box;
    ctx.strokeStyle = "#ff3b30"; ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    ctx.fillStyle = "#ff3b30"; ctx.fillText(mark.label + (mark.score != null ? ` ${mark.score.toFixed(2)}` : ""), x1 + 2, Math.max(12, y1 - 4));
  }
}

async function openEvent(id) {
  releaseObjectUrls();
  show("event-view");
  $("#event-message").textContent = ""; $("#reasons").hidden = true; state.choosingReason = false;
  $("#photos").innerHTML = ""; $("#plate").innerHTML = ""; $("#clip").innerHTML = "";
  const response = await api(`/events/${id}`);
  if (!response.ok) { $("#event-message").textContent = await errorText(response); return; }
  const event = await response.json();
  state.current = event;
  if (event.status === "pending") {
    const claim = await api(`/events/${id}/claim`, { method: "POST" });
    if (!claim.ok) $("#event-message").textContent = await errorText(claim);
  }
  renderEvent(event);
}

function renderEvent(e) {
  releaseObjectUrls();
  $("#photos").innerHTML = ""; $("#plate").innerHTML = ""; $("#clip").innerHTML = "";
  $("#event-status").textContent = t(e.status);
  const verify = e.evidence ? e.evidence.verify.state : "unavailable";
  $("#verify").textContent = t(`verify_${verify}`) + (e.evidence && e.evidence.verify.detail ? `: ${e.evidence.verify.detail}` : "");
  $("#verify").className = `badge ${verify}`;
  const facts = $("#facts"); facts.innerHTML = "";
  const rows = [["type", t(e.violation_type)], ["camera", e.camera ? `${e.camera.name} (${e.camera.id})` : e.flight_id ? `flight ${e.flight_id}` : ""],
    ["address", e.camera ? e.camera.address : ""], ["grid", e.camera ? e.camera.grid_code : ""], ["zone", e.zone_name || ""],
    ["first_seen", localTime(e.first_seen_at, e.camera && e.camera.timezone)],
    ["confirmed", localTime(e.confirmed_at, e.camera && e.camera.timezone) + (e.camera ? ` (${e.camera.timezone})` : "")]];
  for (const [k, v] of rows) { const dt = document.createElement("dt"); dt.textContent = t(k); const dd = document.createElement("dd"); dd.textContent = v; facts.append(dt, dd); }
  const plateText = document.createElement("div"); plateText.className = "plate-text"; plateText.id = "plate-text";
  plateText.textContent = e.plate_text ? `${e.plate_text}${e.plate_confidence != null ? ` (${Math.round(e.plate_confidence * 100)}%)` : ""}` : "—";
  $("#plate").appendChild(plateText);
  const history = $("#event-history"); history.innerHTML = "";
  for (const r of e.reviews) { const li = document.createElement("li"); li.textContent = `${localTime(r.created_at)} ${r.reviewer}: ${t(r.decision)}${r.reason_code ? " — " + t(r.reason_code) : ""}${r.note ? ` (${r.note})` : ""}`; history.appendChild(li); }
  const manifest = $("#manifest"); manifest.innerHTML = "";
  if (!e.evidence) { $("#photos").textContent = e.evidence_error || t("no_evidence"); return; }
  for (const m of e.evidence.media) { const li = document.createElement("li"); li.textContent = `${m.kind} ${m.path} sha256:${m.sha256.slice(0, 16)}… ${m.size} B`; manifest.appendChild(li); }
  for (const m of e.evidence.media) renderMedia(e, m);
}

async function renderMedia(e, m) {
  if (m.kind === "original" || m.kind === "annotated") {
    const figure = document.createElement("figure"); figure.className = "photo";
    const img = document.createElement("img"); img.alt = m.path;
    const canvas = document.createElement("canvas");
    const caption = document.createElement("figcaption"); caption.textContent = `${m.kind} · ${m.path}`;
    figure.append(img, canvas, caption);
    $("#photos").appendChild(figure);
    img.addEventListener("load", () => drawOverlay(img, canvas, m.kind === "original" ? e.zone_polygon : null, m.kind === "original" ? m.marks : []));
    const url = await mediaUrl(m.url); if (url) img.src = url;
  } else if (m.kind === "plate") {
    const img = document.createElement("img"); img.alt = "plate"; $("#plate").appendChild(img);
    const url = await mediaUrl(m.url); if (url) img.src = url;
  } else if (m.kind === "clip") {
    const video = document.createElement("video"); video.controls = true; video.preload = "metadata"; $("#clip").appendChild(video);
    const url = await mediaUrl(m.url); if (url) video.src = url;
  }
}

async function decide(body) {
  const e = state.current;
  if (!e || e.status !== "pending") return;
  const response = await api(`/events/${e.id}/decision`, { method: "POST", json: body });
  if (!response.ok) { $("#event-message").textContent = await errorText(response); return; }
  openQueue();
}

function approve() { decide({ decision: "approve" }); }

function startReject() {
  if (!state.current || state.current.status !== "pending") return;
  const kind = state.kinds && state.kinds[state.current.violation_type];
  state.reasons = kind ? kind.reject_reasons.map((r) => r.code) : [];
  renderReasons();
  state.choosingReason = true; $("#reasons").hidden = false;
}

function reject(code) {
  const note = $("#note").value.trim();
  if (code === "other" && !note) { $("#event-message").textContent = t("note_required"); $("#note").focus(); return; }
  decide({ decision: "reject", reason_code: code, note: note || null });
}

async function back() {
  const e = state.current;
  if (e && e.status === "pending") await api(`/events/${e.id}/claim`, { method: "DELETE" });
  openQueue();
}

// ---- history ----
async function openHistory() {
  show("history-view");
  const response = await api(`/reviews?mine=${$("#history-mine").checked}`);
  const body = $("#history tbody"); body.innerHTML = "";
  if (!response.ok) return;
  for (const r of (await response.json()).items) {
    const row = document.createElement("tr");
    for (const text of [localTime(r.created_at), r.event_id, r.reviewer, t(r.decision), r.reason_code ? t(r.reason_code) : "", r.note || ""]) {
      const cell = document.createElement("td"); cell.textContent = text; row.appendChild(cell);
    }
    row.addEventListener("click", () => openEvent(r.event_id));
    body.appendChild(row);
  }
}

// ---- keyboard ----
document.addEventListener("keydown", (ev) => {
  const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
  if (!$("#event-view").hidden) {
    if (ev.key === "Escape") { ev.preventDefault(); if (state.choosingReason) { state.choosingReason = false; $("#reasons").hidden = true; } else back(); return; }
    if (typing) return;
    if (state.choosingReason && /^[1-9]$/.test(ev.key) && state.reasons[Number(ev.key) - 1]) { ev.preventDefault(); reject(state.reasons[Number(ev.key) - 1]); return; }
    if (ev.key === "a" || ev.key === "A") { ev.preventDefault(); approve(); }
    if (ev.key === "r" || ev.key === "R") { ev.preventDefault(); startReject(); }
    return;
  }
  if (!$("#queue-view").hidden && !typing) {
    if (ev.key === "j" || ev.key === "ArrowDown") { state.selected = Math.min(state.selected + 1, state.events.length - 1); renderQueue(); }
    if (ev.key === "k" || ev.key === "ArrowUp") { state.selected = Math.max(state.selected - 1, 0); renderQueue(); }
    if (ev.key === "Enter" && state.events[state.selected]) { ev.preventDefault(); openEvent(state.events[state.selected].id); }
  }
});

$("#login-form").addEventListener("submit", login);
$("#filters").addEventListener("submit", (ev) => { ev.preventDefault(); loadQueue(); });
$("#more").addEventListener("click", () => loadQueue(true));
$("#logout").addEventListener("click", logout);
$("#tab-queue").addEventListener("click", openQueue);
$("#tab-history").addEventListener("click", openHistory);
$("#history-mine").addEventListener("change", openHistory);
$("#back").addEventListener("click", back);
$("#approve").addEventListener("click", approve);
$("#reject").addEventListener("click", startReject);
$("#lang").addEventListener("click", () => {
  state.lang = state.lang === "zh" ? "en" : "zh"; localStorage.setItem("enforce.lang", state.lang); applyLabels();
  if (!$("#queue-view").hidden) renderQueue(); else if (state.current && !$("#event-view").hidden) renderEvent(state.current);
});

applyLabels();
if (state.token && state.user) openQueue(); else show("login-view");
