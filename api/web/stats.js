// Bureau statistics: counts by kind and by local day, approval rate and time to decision (GET /stats/cases).
"use strict";

async function openStats() {
  closeEvent();
  show("stats-view");
  await loadKinds();
  const response = await api("/stats/cases");
  if (!response.ok) { await showError($("#stats-message"), response); return; }
  $("#stats-message").textContent = "";
  const s = await response.json();
  state.stats = s;
  renderStats(s);
}

function renderStats(s) {
  $("#stat-total").textContent = String(s.all.total);
  $("#stat-pending").textContent = String(s.all.pending);
  $("#stat-rate").textContent = s.approval_rate == null ? "—" : percent(s.approval_rate);
  $("#stat-wait").textContent = s.median_decision_s == null ? "—" : duration(s.median_decision_s);
  const fill = (selector, rows, label) => {
    const body = $(selector); body.innerHTML = "";
    const most = Math.max(1, ...rows.map(([, c]) => c.total));
    for (const [key, c] of rows) {
      const row = document.createElement("tr"); row.dataset.key = key;
      for (const text of [label(key), c.pending, c.approved, c.rejected, c.total]) {
        const cell = document.createElement("td"); cell.textContent = String(text); row.appendChild(cell);
      }
      const barCell = document.createElement("td"), bar = document.createElement("div");
      bar.className = "bar"; bar.style.width = `${Math.round((100 * c.total) / most)}%`;
      barCell.appendChild(bar); row.appendChild(barCell);
      body.appendChild(row);
    }
  };
  fill("#stats-kind tbody", Object.entries(s.by_kind), (k) => t(k));
  fill("#stats-day tbody", Object.entries(s.by_day), (d) => d);
}

$("#tab-stats").addEventListener("click", openStats);
