// Bureau view: the case map (Leaflet, drawn from the product's own positions: no tiles, nothing fetched from
// outside) and the dashboard (Apache ECharts) by kind, day, grid and responsible unit, approval rate and
// time to decision (GET /stats/cases, GET /stats/map). Both libraries are vendored under vendor/.
"use strict";

const STATUS_COLOURS = { pending: "#f0a500", approved: "#1e7d32", rejected: "#b3261e" };
const bureau = { map: null, layers: null, charts: {}, stats: null, mapData: null, groups: [] };

function statsQuery() {
  const params = new URLSearchParams();
  const since = $("#stats-since").value, until = $("#stats-until").value;
  // whole local days in the browser's zone: from the start of `since` to the end of `until`
  if (since) params.set("since", new Date(`${since}T00:00:00`).toISOString());
  if (until) { const end = new Date(`${until}T00:00:00`); end.setDate(end.getDate() + 1); params.set("until", end.toISOString()); }
  const text = params.toString();
  return text ? `?${text}` : "";
}

async function openStats() {
  closeEvent();
  show("stats-view");
  await loadKinds();
  const query = statsQuery();
  const [response, mapResponse] = await Promise.all([api(`/stats/cases${query}`), api(`/stats/map${query}`)]);
  if (!response.ok) { await showError($("#stats-message"), response); return; }
  if (!mapResponse.ok) { await showError($("#stats-message"), mapResponse); return; }
  $("#stats-message").textContent = ""; $("#stats-message").title = "";
  bureau.stats = await response.json();
  bureau.mapData = await mapResponse.json();
  state.stats = bureau.stats;
  renderStats(bureau.stats);
}

function renderStats(s) {
  $("#stat-total").textContent = String(s.all.total);
  $("#stat-pending").textContent = String(s.all.pending);
  $("#stat-rate").textContent = s.approval_rate == null ? "—" : percent(s.approval_rate);
  $("#stat-wait").textContent = s.median_decision_s == null ? "—" : duration(s.median_decision_s);
  $("#stat-wait-p90").textContent = s.p90_decision_s == null ? "—" : duration(s.p90_decision_s);
  const unassigned = (key) => (key === "unassigned" ? t("unassigned") : key);
  const sections = [
    ["kind", Object.entries(s.by_kind), (k) => t(k)],
    ["day", Object.entries(s.by_day), (d) => d],
    ["grid", Object.entries(s.by_grid), unassigned],
    ["unit", Object.entries(s.by_unit), unassigned],
  ];
  for (const [name, rows, label] of sections) {
    fillCountTable(`#stats-${name} tbody`, rows, label);
    drawCountChart(name, rows, label);
  }
  if (bureau.mapData) renderMap(bureau.mapData);
}

function fillCountTable(selector, rows, label) {
  const body = $(selector); body.innerHTML = "";
  for (const [key, c] of rows) {
    const row = document.createElement("tr"); row.dataset.key = key;
    for (const text of [label(key), c.pending, c.approved, c.rejected, c.total]) {
      const cell = document.createElement("td"); cell.textContent = String(text); row.appendChild(cell);
    }
    body.appendChild(row);
  }
}

// One stacked bar chart per breakdown (pending / approved / rejected), horizontal for the long names.
function drawCountChart(name, rows, label) {
  const el = $(`#chart-${name}`);
  let chart = bureau.charts[name];
  if (!chart) { chart = echarts.init(el, null, { renderer: "svg" }); bureau.charts[name] = chart; }
  const horizontal = name === "grid" || name === "unit";
  const categories = rows.map(([key]) => label(key));
  const categoryAxis = { type: "category", data: categories, axisLabel: { interval: 0, width: 150, overflow: "truncate" } };
  const valueAxis = { type: "value", minInterval: 1 };
  chart.setOption({
    animation: false,
    grid: { left: horizontal ? 160 : 40, right: 20, top: 30, bottom: 30 },
    legend: { top: 0 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? Object.assign({}, categoryAxis, { inverse: true }) : valueAxis,
    series: ["pending", "approved", "rejected"].map((status) => ({
      name: t(status), type: "bar", stack: "cases", itemStyle: { color: STATUS_COLOURS[status] },
      data: rows.map(([, c]) => c[status]),
    })),
  }, true);
  el.dataset.categories = String(categories.length);
}

// ---- the map ----
function ensureMap() {
  if (bureau.map) return;
  // No tile layer: the bureau's network reaches no tile server. What is drawn is the product's own data.
  bureau.map = L.map("bureau-map", { attributionControl: false, zoomSnap: 0.25, preferCanvas: false });
  L.control.scale({ metric: true, imperial: false }).addTo(bureau.map);
  bureau.layers = { areas: L.layerGroup().addTo(bureau.map), cameras: L.layerGroup().addTo(bureau.map), cases: L.layerGroup().addTo(bureau.map) };
  bureau.control = null;
}

function caseLine(c) {
  const when = localTime(c.confirmed_at, (state.cameras[c.camera_id] || {}).timezone || "Asia/Shanghai");
  return `${t(c.violation_type)} · ${when} · ${t(c.status)}${c.plate_text ? ` · ${c.plate_text}` : ""}${c.area_m2 != null ? ` · ${c.area_m2.toFixed(1)} m²` : ""}`;
}

function popupOf(group) {
  const box = document.createElement("div"); box.className = "map-popup";
  const title = document.createElement("strong"); title.textContent = group.place; box.appendChild(title);
  const meta = document.createElement("div"); meta.className = "hint";
  meta.textContent = `${t("grid")} ${group.grid === "unassigned" ? t("unassigned") : group.grid} · ${group.unit === "unassigned" ? t("unassigned") : group.unit}`;
  box.appendChild(meta);
  const list = document.createElement("ol");
  for (const c of group.cases.slice(0, 8)) {
    const li = document.createElement("li"); li.dataset.eventId = c.event_id;
    if (may(REVIEWS)) {
      const link = document.createElement("a"); link.href = "#"; link.textContent = caseLine(c);
      link.addEventListener("click", (ev) => { ev.preventDefault(); openEvent(c.event_id); });
      li.appendChild(link);
    } else li.textContent = caseLine(c);
    list.appendChild(li);
  }
  box.appendChild(list);
  if (group.cases.length > 8) { const more = document.createElement("div"); more.className = "hint"; more.textContent = fmt("map_more", { n: group.cases.length - 8 }); box.appendChild(more); }
  return box;
}

function renderMap(data) {
  ensureMap();
  const { areas, cameras, cases } = bureau.layers;
  areas.clearLayers(); cameras.clearLayers(); cases.clearLayers();
  const bounds = [];
  for (const a of data.survey_areas) {
    const polygon = L.polygon(a.polygon, { color: "#6a4c93", weight: 2, fillOpacity: 0.12, className: "survey-area" });
    polygon.addTo(areas);
    // the area's name above its northern edge, clear of the findings inside it
    const north = Math.max(...a.polygon.map((p) => p[0]));
    const lons = a.polygon.map((p) => p[1]);
    const label = document.createElement("span"); label.textContent = a.name;
    L.marker([north, (Math.min(...lons) + Math.max(...lons)) / 2], { interactive: false, keyboard: false,
      icon: L.divIcon({ className: "area-label", html: label, iconSize: null }) }).addTo(areas);
    a.polygon.forEach((p) => bounds.push(p));
  }
  for (const c of data.cameras) {
    const marker = L.circleMarker([c.lat, c.lon], { radius: 5, color: "#1f3b63", weight: 2, fillColor: "#fff", fillOpacity: 1, className: "camera-marker" });
    // names stay on the map: with no tiles underneath they are what a reader finds places by
    marker.bindTooltip(c.name, { permanent: true, direction: "right", offset: [14, 0], className: "map-label camera-label" });
    marker.addTo(cameras);
    bounds.push([c.lat, c.lon]);
  }
  // Cases at the same place (a camera's cases all share its position) form one marker with their count.
  const groups = new Map();
  for (const c of data.cases) {
    const key = `${c.lat.toFixed(6)},${c.lon.toFixed(6)}`;
    if (!groups.has(key)) groups.set(key, { lat: c.lat, lon: c.lon, place: c.place, grid: c.grid_code, unit: c.responsible_unit, cases: [] });
    groups.get(key).cases.push(c);
  }
  bureau.groups = [...groups.values()];
  for (const g of bureau.groups) {
    const pending = g.cases.some((c) => c.status === "pending");
    const colour = pending ? STATUS_COLOURS.pending : g.cases.some((c) => c.status === "approved") ? STATUS_COLOURS.approved : STATUS_COLOURS.rejected;
    const marker = L.circleMarker([g.lat, g.lon], { radius: 9 + 3 * Math.sqrt(g.cases.length), color: "#fff", weight: 2, fillColor: colour, fillOpacity: 0.85, className: "case-marker" });
    marker.bindTooltip(String(g.cases.length), { permanent: true, direction: "center", className: "case-count" });
    marker.bindPopup(() => popupOf(g), { maxWidth: 420 });
    marker.addTo(cases);
    bounds.push([g.lat, g.lon]);
  }
  if (bureau.control) bureau.control.remove();
  const overlays = {}; overlays[t("map_cases")] = cases; overlays[t("map_cameras")] = cameras; overlays[t("map_areas")] = areas;
  bureau.control = L.control.layers(null, overlays, { collapsed: false }).addTo(bureau.map);
  bureau.map.invalidateSize();
  if (bounds.length) bureau.map.fitBounds(L.latLngBounds(bounds), { maxZoom: 17, paddingTopLeft: [60, 50], paddingBottomRight: [170, 50] });
  else bureau.map.setView([30.27, 120.16], 12);
  const placed = data.cases.length;
  $("#map-note").textContent = fmt(data.truncated ? "map_note_truncated" : "map_note", { placed, total: data.total, unplaced: data.unplaced });
}

window.addEventListener("resize", () => { for (const chart of Object.values(bureau.charts)) chart.resize(); if (bureau.map) bureau.map.invalidateSize(); });
$("#tab-stats").addEventListener("click", openStats);
$("#stats-filters").addEventListener("submit", (ev) => { ev.preventDefault(); openStats(); });
