// Integrator pages: the camera list with live health, add / edit / disable, and the zone editor that
// draws polygons on a snapshot of the camera; the connectivity test, delete, and what each zone caught. Zone kinds and their parameters come from GET /kinds; the
// API validates every change (its field errors are listed under the form).
"use strict";

const HEALTH_MS = 5000;  // the camera list's health refreshes this often while it is shown
const cams = { list: [], healthTimer: null, editing: null, zones: [], drawing: [], snapshotUrl: null, viewUrl: null, caught: null };

async function openCameras() {
  closeEvent();
  show("cameras-view");
  $("#camera-form").hidden = true; $("#zone-editor").hidden = true; $("#caught-panel").hidden = true; $("#camera-test").hidden = true;
  await loadKinds();
  await loadCameraList();
  if (cams.healthTimer) clearInterval(cams.healthTimer);
  cams.healthTimer = setInterval(() => { if (!$("#cameras-view").hidden) refreshHealth(); }, HEALTH_MS);
}

async function loadCameraList() {
  const response = await api("/cameras");
  if (!response.ok) { await showError($("#cameras-message"), response); return; }
  $("#cameras-message").textContent = "";
  cams.list = await response.json();
  const body = $("#cameras tbody"); body.innerHTML = "";
  for (const c of cams.list) {
    const row = document.createElement("tr"); row.dataset.cameraId = c.id;
    for (const text of [c.id, c.name, c.location.address, c.enabled ? t("enabled") : t("disabled"), "", String(c.zones.length)]) {
      const cell = document.createElement("td"); cell.textContent = text; row.appendChild(cell);
    }
    row.children[4].className = "health";
    const actions = document.createElement("td");
    const actionList = [["edit", () => editCamera(c)], [c.enabled ? "disable" : "enable", () => setEnabled(c, !c.enabled)], ["zones", () => openZoneEditor(c)],
      ["test_connection", () => testConnection(c)], ["caught", () => openCaught(c)], ["delete", () => deleteCamera(c)]];
    for (const [label, handler] of actionList) {
      const button = document.createElement("button"); button.textContent = t(label); button.dataset.action = label;
      button.addEventListener("click", (ev) => { ev.stopPropagation(); handler(); });
      actions.appendChild(button);
    }
    row.appendChild(actions);
    body.appendChild(row);
  }
  refreshHealth();
}

async function refreshHealth() {
  for (const row of document.querySelectorAll("#cameras tbody tr")) {
    const response = await api(`/cameras/${encodeURIComponent(row.dataset.cameraId)}/health`);
    const cell = row.querySelector("td.health");
    if (!response.ok || !cell) continue;
    const h = await response.json();
    cell.dataset.state = h.state;
    cell.textContent = `${t(`state_${h.state}`)}${h.analysed_fps != null && h.state === "running" ? ` · ${h.analysed_fps.toFixed(1)} fps` : ""}${h.view_lost ? ` · ${t("view_lost")}` : ""}${h.last_error ? ` · ${h.last_error}` : ""}`;
    cell.classList.toggle("view-lost", !!h.view_lost);
  }
}

// ---- add / edit / disable ----
const CAMERA_FIELDS = ["id", "name", "source", "address", "grid_code", "responsible_unit", "lat", "lon", "timezone", "analysis_fps", "detection_zoom"];

function editCamera(c) {
  cams.editing = c;
  $("#zone-editor").hidden = true;
  $("#camera-form").hidden = false;
  $("#camera-errors").innerHTML = "";
  const values = c ? { id: c.id, name: c.name, source: "", address: c.location.address, grid_code: c.location.grid_code, responsible_unit: c.location.responsible_unit, lat: c.location.lat, lon: c.location.lon, timezone: c.timezone, analysis_fps: c.analysis_fps, detection_zoom: c.detection_zoom }
    : { id: "", name: "", source: "", address: "", grid_code: "", responsible_unit: "", lat: "", lon: "", timezone: "Asia/Shanghai", analysis_fps: 2, detection_zoom: 1 };
  for (const f of CAMERA_FIELDS) $(`#camera-form [name=${f}]`).value = values[f];
  $("#camera-form [name=id]").disabled = !!c;
  $("#camera-form [name=source]").placeholder = c ? c.source : "rtsp://… / file:demo/parking.mp4";
}

async function saveCamera(ev) {
  ev.preventDefault();
  const v = (f) => $(`#camera-form [name=${f}]`).value.trim();
  const location = { lat: Number(v("lat")), lon: Number(v("lon")), address: v("address"), grid_code: v("grid_code"), responsible_unit: v("responsible_unit") };
  const body = { name: v("name"), timezone: v("timezone"), analysis_fps: Number(v("analysis_fps")), detection_zoom: Number(v("detection_zoom")), location };
  if (v("source")) body.source = v("source");
  const c = cams.editing;
  const response = c
    ? await api(`/cameras/${encodeURIComponent(c.id)}`, { method: "PATCH", json: body })
    : await api("/cameras", { method: "POST", json: Object.assign({ id: v("id"), zones: [] }, body) });
  if (!(await listErrors($("#camera-errors"), response))) return;
  $("#camera-form").hidden = true;
  await loadCameraList();
}

async function setEnabled(c, enabled) {
  const response = await api(`/cameras/${encodeURIComponent(c.id)}`, { method: "PATCH", json: { enabled } });
  if (!(await listErrors($("#cameras-message"), response))) return;
  await loadCameraList();
}

// ---- connectivity test, delete ----
async function testConnection(c) {
  const out = $("#camera-test"); out.hidden = false; out.dataset.outcome = "testing"; out.innerHTML = "";
  out.textContent = fmt("conn_testing", { name: c.name });
  const response = await api(`/cameras/${encodeURIComponent(c.id)}/connectivity`, { method: "POST" });
  if (!(await listErrors(out, response))) { out.dataset.outcome = "error"; return; }
  const r = await response.json();
  out.dataset.outcome = r.outcome; out.innerHTML = "";
  const head = document.createElement("div");
  head.textContent = r.ok ? fmt("conn_ok", { name: c.name, w: r.width, h: r.height, s: r.elapsed_s.toFixed(1) }) : fmt(`conn_${r.outcome}`, { name: c.name });
  out.appendChild(head);
  if (!r.ok) { const detail = document.createElement("div"); detail.className = "detail"; detail.textContent = r.message; out.appendChild(detail); }
}

async function deleteCamera(c) {
  if (!window.confirm(fmt("delete_confirm", { name: c.name, id: c.id }))) return;
  const response = await api(`/cameras/${encodeURIComponent(c.id)}`, { method: "DELETE" });
  if (!(await listErrors($("#cameras-message"), response))) {
    if (response.status === 409) $("#cameras-message").firstChild.textContent = fmt("delete_kept", { id: c.id });
    return;
  }
  $("#caught-panel").hidden = true;
  await loadCameraList();
  $("#cameras-message").textContent = fmt("deleted", { id: c.id });
}

// ---- what each zone caught ----
async function openCaught(c) {
  $("#camera-form").hidden = true; $("#zone-editor").hidden = true;
  const panel = $("#caught-panel"); panel.hidden = false; panel.dataset.cameraId = c.id;
  $("#caught-camera").textContent = c.name;
  const response = await api(`/cameras/${encodeURIComponent(c.id)}/caught?latest=5`);
  const body = $("#caught tbody"); body.innerHTML = "";
  if (!(await listErrors($("#caught-errors"), response))) return;
  cams.caught = { camera: c, zones: await response.json() };
  renderCaught();
}

function renderCaught() {
  const { camera, zones } = cams.caught;
  const body = $("#caught tbody"); body.innerHTML = "";
  for (const z of zones) {
    const row = document.createElement("tr"); row.dataset.zone = z.zone_name == null ? "" : z.zone_name;
    const kind = z.kind ? kindByZone(z.kind) : null;
    const name = z.zone_name == null ? t("no_zone") : z.current ? z.zone_name : `${z.zone_name} (${t("zone_removed")})`;
    for (const text of [name, kind ? t(kind.type) : "—", z.counts.pending, z.counts.approved, z.counts.rejected, z.counts.total]) {
      const cell = document.createElement("td"); cell.textContent = String(text); row.appendChild(cell);
    }
    const latest = document.createElement("td"); const list = document.createElement("ul"); list.className = "caught-latest";
    for (const e of z.latest) {
      const li = document.createElement("li"); li.dataset.eventId = e.event_id;
      li.textContent = `${t(e.violation_type)} · ${localTime(e.confirmed_at, camera.timezone)} · ${t(e.status)}`;
      list.appendChild(li);
    }
    if (!z.latest.length) list.textContent = t("caught_none");
    latest.appendChild(list); row.appendChild(latest);
    body.appendChild(row);
  }
}

// The page's words for the failure, then the API's field errors one per line. True when it succeeded.
async function listErrors(el, response) {
  el.innerHTML = "";
  if (response.ok) return true;
  const head = document.createElement("div"); head.textContent = fmt(errorKey(response.status), { status: response.status });
  el.appendChild(head);
  let detail = [];
  try { const body = await response.json(); detail = Array.isArray(body.detail) ? body.detail : [body.detail]; } catch (e) { detail = []; }
  for (const line of detail) { const li = document.createElement("div"); li.className = "detail"; li.textContent = typeof line === "string" ? line : JSON.stringify(line); el.appendChild(li); }
  return false;
}

// ---- zone editor ----
function cameraKinds() { return Object.values(state.kinds || {}).filter((k) => k.zone_kind); }

async function openZoneEditor(c) {
  cams.editing = c; cams.zones = c.zones.map((z) => Object.assign({}, z)); cams.drawing = [];
  $("#camera-form").hidden = true; $("#zone-editor").hidden = false;
  $("#zone-camera").textContent = c.name;
  $("#zone-errors").innerHTML = "";
  const select = $("#zone-kind"); select.innerHTML = "";
  for (const k of cameraKinds()) { const o = document.createElement("option"); o.value = k.zone_kind; o.textContent = t(k.type); select.appendChild(o); }
  renderParamFields();
  renderZoneList();
  const img = $("#snapshot");
  img.removeAttribute("src");
  $("#snapshot-status").textContent = t("snapshot_loading");
  const response = await api(`/cameras/${encodeURIComponent(c.id)}/snapshot`, { method: "POST" });
  if (!response.ok) { await listErrors($("#snapshot-status"), response); return; }
  if (cams.snapshotUrl) URL.revokeObjectURL(cams.snapshotUrl);
  cams.snapshotUrl = URL.createObjectURL(await response.blob());
  img.onload = () => { $("#snapshot-status").textContent = t("draw_hint"); drawZones(); };
  img.src = cams.snapshotUrl;
  showRememberedView(c);
}

// The view the camera's analysis remembers for its zones, under the live snapshot: a camera that shows
// another view makes no case until it points back or its zones are saved again.
async function showRememberedView(c) {
  const figure = $("#remembered-view");
  figure.hidden = true;
  if (cams.viewUrl) { URL.revokeObjectURL(cams.viewUrl); cams.viewUrl = null; }
  const response = await api(`/cameras/${encodeURIComponent(c.id)}/view`);
  if (!response.ok || cams.editing !== c) return;  // none remembered yet (404), or another camera opened since
  cams.viewUrl = URL.createObjectURL(await response.blob());
  const img = figure.querySelector("img");
  img.onload = () => paintZones(img, figure.querySelector("canvas"), c.zones, []);  // the zones it was remembered for
  img.src = cams.viewUrl;
  figure.querySelector("figcaption").textContent = fmt("remembered_view", { time: localTime(response.headers.get("X-View-Taken-At"), c.timezone) });
  figure.hidden = false;
}

function kindByZone(zoneKind) { return cameraKinds().find((k) => k.zone_kind === zoneKind); }

function renderParamFields() {
  const kind = kindByZone($("#zone-kind").value);
  const box = $("#zone-params"); box.innerHTML = "";
  const schema = (kind && kind.params_schema) || { properties: {} };
  for (const [name, prop] of Object.entries(schema.properties || {})) {
    const label = document.createElement("label");
    const span = document.createElement("span"); span.textContent = name + ((schema.required || []).includes(name) ? " *" : ""); span.title = prop.description || "";
    let input;
    const choices = prop.enum || (prop.$ref && schema.$defs && schema.$defs[prop.$ref.split("/").pop()].enum);
    if (choices) { input = document.createElement("select"); for (const c of choices) { const o = document.createElement("option"); o.value = c; o.textContent = c; input.appendChild(o); } }
    else { input = document.createElement("input"); input.type = "number"; input.step = prop.type === "integer" ? "1" : "any"; }
    input.name = name; input.dataset.type = prop.type || "string";
    if (prop.default !== undefined) input.value = prop.default;
    label.append(span, input); box.appendChild(label);
  }
}

function canvasPoint(ev) {
  const canvas = $("#zone-canvas"), rect = canvas.getBoundingClientRect();
  return [Math.min(1, Math.max(0, (ev.clientX - rect.left) / rect.width)), Math.min(1, Math.max(0, (ev.clientY - rect.top) / rect.height))];
}

function drawZones() { paintZones($("#snapshot"), $("#zone-canvas"), cams.zones, cams.drawing); }

// Zones (yellow, closed) and the one being drawn (cyan, open) on the canvas laid over a picture.
function paintZones(img, canvas, zones, drawing) {
  if (!img.naturalWidth) return;
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  const outline = (points, colour, closed) => {
    if (!points.length) return;
    ctx.strokeStyle = colour; ctx.fillStyle = colour + "33"; ctx.lineWidth = Math.max(2, w / 400);
    ctx.beginPath(); points.forEach(([x, y], i) => (i ? ctx.lineTo(x * w, y * h) : ctx.moveTo(x * w, y * h)));
    if (closed) { ctx.closePath(); ctx.fill(); }
    ctx.stroke();
    for (const [x, y] of points) { ctx.fillStyle = colour; ctx.fillRect(x * w - 4, y * h - 4, 8, 8); }
  };
  for (const z of zones) outline(z.polygon, "#ffd400", true);
  outline(drawing, "#00e5ff", false);
}

function finishZone() {
  $("#zone-errors").innerHTML = "";
  const name = $("#zone-name").value.trim();
  if (cams.drawing.length < 3) { $("#zone-errors").textContent = t("zone_needs_points"); return; }
  if (!name) { $("#zone-errors").textContent = t("zone_needs_name"); return; }
  const zone = { name, kind: $("#zone-kind").value, polygon: cams.drawing.map(([x, y]) => [Number(x.toFixed(4)), Number(y.toFixed(4))]) };
  for (const input of document.querySelectorAll("#zone-params [name]")) {
    if (input.value === "") continue;
    zone[input.name] = input.tagName === "SELECT" ? input.value : Number(input.value);
  }
  cams.zones.push(zone); cams.drawing = []; $("#zone-name").value = "";
  renderZoneList(); drawZones();
}

function renderZoneList() {
  const list = $("#zone-list"); list.innerHTML = "";
  cams.zones.forEach((z, i) => {
    const li = document.createElement("li");
    const kind = kindByZone(z.kind);
    li.textContent = `${z.name} · ${kind ? t(kind.type) : z.kind} · ${z.polygon.length} ${t("points")} `;
    const remove = document.createElement("button"); remove.textContent = t("remove");
    remove.addEventListener("click", () => { cams.zones.splice(i, 1); renderZoneList(); drawZones(); });
    li.appendChild(remove); list.appendChild(li);
  });
}

async function saveZones() {
  const c = cams.editing;
  const response = await api(`/cameras/${encodeURIComponent(c.id)}/zones`, { method: "PUT", json: cams.zones });
  if (!(await listErrors($("#zone-errors"), response))) return;
  $("#zone-errors").textContent = t("zones_saved");
  await loadCameraList();
}

$("#zone-canvas").addEventListener("click", (ev) => { cams.drawing.push(canvasPoint(ev)); drawZones(); });
$("#zone-kind").addEventListener("change", renderParamFields);
$("#zone-finish").addEventListener("click", finishZone);
$("#zone-undo").addEventListener("click", () => { cams.drawing.pop(); drawZones(); });
$("#zone-save").addEventListener("click", saveZones);
$("#zone-close").addEventListener("click", () => { $("#zone-editor").hidden = true; });
$("#camera-add").addEventListener("click", () => editCamera(null));
$("#caught-close").addEventListener("click", () => { $("#caught-panel").hidden = true; });
$("#camera-form").addEventListener("submit", saveCamera);
$("#camera-cancel").addEventListener("click", () => { $("#camera-form").hidden = true; });
$("#tab-cameras").addEventListener("click", openCameras);
