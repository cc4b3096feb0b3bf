// Drone operator page: pick a survey area, create a flight, drop files to upload them in chunks over
// the resumable upload API (SHA-256 computed here with the vendored js-sha256, progress per file), start
// processing, follow its progress, list the findings and open one: the earlier and the later flight's
// crop of the same place under a before/after slider, with its area and position on a tile-less map.
"use strict";

const KIND_OF = { ".mp4": "video", ".mov": "video", ".mkv": "video", ".avi": "video", ".ts": "video", ".srt": "srt",
  ".jpg": "still", ".jpeg": "still", ".png": "still", ".tif": "still", ".tiff": "still", ".dng": "still" };
const drone = { areas: [], flight: null, pollTimer: null, chunk: 4 * 1024 * 1024, objectUrls: [], compare: {}, finding: null, map: null };  // bytes per PATCH

async function openDrone() {
  closeEvent();
  show("drone-view");
  await loadKinds();  // the kinds' names in the page's language
  const response = await api("/survey-areas");
  if (!response.ok) { await listErrors($("#drone-errors"), response); return; }
  drone.areas = await response.json();
  const select = $("#drone-area"); select.innerHTML = "";
  for (const a of drone.areas) { const o = document.createElement("option"); o.value = a.id; o.textContent = a.name; select.appendChild(o); }
  renderAreasMap();
  await loadFlights();
}

async function loadFlights() {
  const response = await api("/flights");
  if (!response.ok) return;
  const body = $("#flights tbody"); body.innerHTML = "";
  for (const f of await response.json()) {
    const row = document.createElement("tr"); row.dataset.flightId = f.id;
    const area = drone.areas.find((a) => a.id === f.survey_area_id);
    for (const text of [`#${f.id}`, area ? area.name : "", f.flown_on, t(`flight_${f.status}`), `${Math.round(f.progress * 100)}%`]) {
      const cell = document.createElement("td"); cell.textContent = text; row.appendChild(cell);
    }
    row.addEventListener("click", () => selectFlight(f.id));
    body.appendChild(row);
  }
}

async function createFlight() {
  const body = { survey_area_id: Number($("#drone-area").value), flown_on: $("#drone-date").value };
  const response = await api("/flights", { method: "POST", json: body });
  if (!(await listErrors($("#drone-errors"), response))) return;
  const flight = await response.json();
  await loadFlights();
  await selectFlight(flight.id);
}

async function selectFlight(id) {
  const response = await api(`/flights/${id}`);
  if (!(await listErrors($("#drone-errors"), response))) return;
  drone.flight = await response.json();
  $("#flight-panel").hidden = false;
  $("#flight-title").textContent = `#${drone.flight.id} · ${drone.flight.flown_on}`;
  renderFlight();
  loadFindings();
}

function renderFlight() {
  const f = drone.flight;
  $("#flight-status").textContent = `${t(`flight_${f.status}`)} · ${Math.round(f.progress * 100)}%${f.status_detail ? ` · ${f.status_detail}` : ""}`;
  $("#flight-status").dataset.status = f.status;
  $("#flight-progress").value = f.progress;
}

function kindOf(name) { const dot = name.lastIndexOf("."); return dot >= 0 ? KIND_OF[name.slice(dot).toLowerCase()] : undefined; }

async function sha256Of(file, onProgress) {
  const hash = sha256.create();
  for (let at = 0; at < file.size; at += drone.chunk) {
    hash.update(await file.slice(at, at + drone.chunk).arrayBuffer());
    onProgress(Math.min(file.size, at + drone.chunk) / file.size);
  }
  return hash.hex();
}

function uploadRow(file) {
  const li = document.createElement("li"); li.dataset.file = file.name;
  const name = document.createElement("span"); name.textContent = file.name;
  const bar = document.createElement("progress"); bar.max = 1; bar.value = 0;
  const note = document.createElement("span"); note.className = "hint";
  li.append(name, " ", bar, " ", note);
  $("#upload-list").appendChild(li);
  return { li, bar, note };
}

// One file: hash it, declare it, send it in chunks from where the server stands (resumes after a 409).
async function uploadFile(file) {
  const row = uploadRow(file);
  const kind = kindOf(file.name);
  if (!kind) { row.note.textContent = t("upload_bad_kind"); row.li.dataset.state = "refused"; return; }
  row.note.textContent = t("upload_hashing");
  const digest = await sha256Of(file, (p) => { row.bar.value = p * 0.1; });
  const created = await api(`/flights/${drone.flight.id}/uploads`, { method: "POST", json: { filename: file.name, kind, size_bytes: file.size, sha256: digest } });
  if (!created.ok) { row.li.dataset.state = "refused"; await listErrors(row.note, created); return; }
  let upload = await created.json();
  row.note.textContent = t("upload_sending");
  while (upload.bytes_received < upload.size_bytes) {
    const at = upload.bytes_received;
    const response = await api(`/uploads/${upload.id}`, { method: "PATCH", headers: { "Upload-Offset": String(at), "Content-Type": "application/offset+octet-stream" }, body: file.slice(at, at + drone.chunk) });
    if (response.status === 409) { const again = await api(`/uploads/${upload.id}`); if (!again.ok) break; upload = await again.json(); continue; }
    if (!response.ok) { row.li.dataset.state = "refused"; await listErrors(row.note, response); return; }
    upload = await response.json();
    row.bar.value = 0.1 + 0.9 * (upload.bytes_received / upload.size_bytes);
  }
  row.li.dataset.state = upload.status;
  row.note.textContent = t(`upload_${upload.status}`);
}

async function uploadFiles(files) {
  if (!drone.flight) return;
  for (const file of files) await uploadFile(file);
  await selectFlight(drone.flight.id);
}

async function processFlight() {
  const response = await api(`/flights/${drone.flight.id}/process`, { method: "POST" });
  if (!(await listErrors($("#drone-errors"), response))) return;
  drone.flight = Object.assign(drone.flight, await response.json());
  renderFlight();
  if (drone.pollTimer) clearInterval(drone.pollTimer);
  drone.pollTimer = setInterval(async () => {
    if ($("#drone-view").hidden || !drone.flight) { clearInterval(drone.pollTimer); return; }
    const r = await api(`/flights/${drone.flight.id}`);
    if (!r.ok) return;
    drone.flight = await r.json(); renderFlight();
    if (!["queued", "processing"].includes(drone.flight.status)) { clearInterval(drone.pollTimer); loadFindings(); loadFlights(); }
  }, 2000);
}

async function loadFindings() {
  const response = await api(`/flights/${drone.flight.id}/findings`);
  const list = $("#finding-list"); list.innerHTML = "";
  $("#finding-panel").hidden = true;
  if (!response.ok) return;
  for (const e of await response.json()) {
    const li = document.createElement("li"); li.dataset.eventId = e.id;
    const open = document.createElement("button"); open.className = "link";
    open.textContent = `${t(e.violation_type)} · ${localTime(e.confirmed_at, "Asia/Shanghai")} · ${t(e.status)}`;
    open.addEventListener("click", () => openFinding(drone.flight.id, e.id));
    li.appendChild(open);
    list.appendChild(li);
  }
}

// ---- the survey areas on a tile-less map: click one to fly it ----
function renderAreasMap() {
  const box = $("#drone-map");
  box.hidden = !drone.areas.length;
  if (!drone.areas.length) return;
  if (!drone.areasMap) {
    drone.areasMap = L.map("drone-map", { attributionControl: false });
    L.control.scale({ imperial: false }).addTo(drone.areasMap);
    drone.areasLayer = L.layerGroup().addTo(drone.areasMap);
  }
  drone.areasLayer.clearLayers();
  const bounds = [];
  const selected = Number($("#drone-area").value);
  for (const a of drone.areas) {
    const chosen = a.id === selected;
    const polygon = L.polygon(a.polygon, { color: chosen ? "#b3261e" : "#6a4c93", weight: chosen ? 3 : 2, fillOpacity: chosen ? 0.2 : 0.1, className: `survey-area area-${a.id}` });
    polygon.bindTooltip(a.name, { permanent: true, direction: "center", className: "map-label" });
    polygon.on("click", () => { $("#drone-area").value = String(a.id); renderAreasMap(); });
    polygon.addTo(drone.areasLayer);
    a.polygon.forEach((p) => bounds.push(p));
  }
  drone.areasMap.invalidateSize();
  drone.areasMap.fitBounds(L.latLngBounds(bounds), { padding: [20, 20], maxZoom: 18 });
}

// ---- one finding: the earlier and the later flight's crop of the same place under a slider ----
async function openFinding(flightId, eventId) {
  revokeObjectUrls(drone.objectUrls);
  const response = await api(`/flights/${flightId}/findings/${encodeURIComponent(eventId)}`);
  if (!(await listErrors($("#finding-errors"), response))) { $("#finding-panel").hidden = false; return; }
  const f = await response.json();
  drone.finding = f;
  $("#finding-panel").hidden = false;
  $("#finding-panel").dataset.eventId = f.event_id;
  renderFindingFacts(f);
  drone.compare = {};
  for (const p of f.photos) drone.compare[p.role] = await objectUrlOf(p.url, drone.objectUrls);
  $("#compare-whole").checked = false;
  showComparison();
  renderFindingMap(f);
}

function renderFindingFacts(f) {
  const [earlier, later] = f.flight_dates.length === 2 ? f.flight_dates : ["", f.flown_on || ""];
  const facts = [
    ["status", t(f.status)],
    ["survey_area", f.survey_area || ""],
    ["finding_area", f.area_m2 == null ? "—" : fmt("square_metres", { n: f.area_m2.toFixed(1) })],
    ["finding_position", f.lat == null ? "—" : `${f.lat.toFixed(6)}, ${f.lon.toFixed(6)}`],
    ["earlier_flight", `${earlier}${f.baseline_flight_id ? ` (#${f.baseline_flight_id})` : ""}`],
    ["later_flight", `${later} (#${f.flight_id})`],
    ["registration", f.registration_quality == null ? "—" : percent(f.registration_quality)],
  ];
  const list = $("#finding-facts"); list.innerHTML = "";
  for (const [key, value] of facts) {
    const dt = document.createElement("dt"); dt.textContent = t(key);
    const dd = document.createElement("dd"); dd.dataset.fact = key; dd.textContent = value;
    list.append(dt, dd);
  }
  $("#compare-before-label").textContent = fmt("earlier_on", { date: earlier });
  $("#compare-after-label").textContent = fmt("later_on", { date: later });
  $("#finding-errors").textContent = f.evidence_error ? t("no_evidence") : "";
}

// The later picture underneath, the earlier one on top, cut at the slider: left of it is before.
function showComparison() {
  const whole = $("#compare-whole").checked;
  const before = drone.compare[whole ? "before_full" : "before"], after = drone.compare[whole ? "after_full" : "after"];
  $("#compare-after").src = after || ""; $("#compare-before").src = before || "";
  $("#compare").hidden = !(before && after);
  moveSlider();
}

function moveSlider() {
  const at = Number($("#compare-range").value);
  $("#compare-before").style.clipPath = `inset(0 ${100 - at}% 0 0)`;
  $("#compare-divider").style.left = `${at}%`;
}

function renderFindingMap(f) {
  if (f.lat == null) { $("#finding-map").hidden = true; return; }
  $("#finding-map").hidden = false;
  if (!drone.map) {  // no tiles: the survey area's polygon and the finding, from the product's own data
    drone.map = L.map("finding-map", { attributionControl: false });
    L.control.scale({ imperial: false }).addTo(drone.map);
    drone.mapLayer = L.layerGroup().addTo(drone.map);
  }
  drone.mapLayer.clearLayers();
  const area = drone.areas.find((a) => a.name === f.survey_area);
  const bounds = [[f.lat, f.lon]];
  if (area) { L.polygon(area.polygon, { color: "#6a4c93", weight: 2, fillOpacity: 0.12, className: "survey-area" }).addTo(drone.mapLayer); area.polygon.forEach((p) => bounds.push(p)); }
  L.circleMarker([f.lat, f.lon], { radius: 8, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 0.9, className: "finding-marker" }).addTo(drone.mapLayer);
  drone.map.invalidateSize();
  drone.map.fitBounds(L.latLngBounds(bounds), { padding: [20, 20], maxZoom: 18 });
}

const dropZone = $("#drop-zone");
dropZone.addEventListener("dragover", (ev) => { ev.preventDefault(); dropZone.classList.add("over"); });
dropZone.addEventListener("dragleave", () => dropZone.classList.remove("over"));
dropZone.addEventListener("drop", (ev) => { ev.preventDefault(); dropZone.classList.remove("over"); uploadFiles([...ev.dataTransfer.files]); });
$("#drone-files").addEventListener("change", (ev) => { uploadFiles([...ev.target.files]); ev.target.value = ""; });
$("#flight-create").addEventListener("click", createFlight);
$("#flight-process").addEventListener("click", processFlight);
$("#tab-drone").addEventListener("click", openDrone);
$("#compare-range").addEventListener("input", moveSlider);
$("#drone-area").addEventListener("change", renderAreasMap);
$("#compare-whole").addEventListener("change", showComparison);
$("#finding-close").addEventListener("click", () => { $("#finding-panel").hidden = true; });
