// The product's 核查 after 处置 on the case page: each re-check's outcome in words, when it ran, whether its
// signed record verifies, and its photos (capture times; the original place and what was found there boxed).
"use strict";

function recheckHead(e, r) {
  const outcome = r.state === "pending" ? t("recheck_pending") : t(`recheck_${r.outcome}`);
  const reason = LABELS[`recheck_reason_${r.reason}`] ? t(`recheck_reason_${r.reason}`) : "";
  const info = r.evidence && r.evidence.record.recheck;
  const seen = info && info.frames ? fmt("recheck_seen", { k: info.frames_present, n: info.frames }) : "";
  const when = localTime(r.finished_at || r.requested_at, eventZone(e));
  const source = info && info.source !== "none" ? t(`recheck_source_${info.source}`) : "";
  return [outcome, reason, seen, source, when].filter(Boolean).join(" · ");
}

function renderRechecks(e) {
  const list = $("#rechecks"); list.innerHTML = "";
  $("#rechecks-box").hidden = !(e.rechecks || []).length;
  for (const r of e.rechecks || []) {
    const li = document.createElement("li"); li.className = "recheck"; li.dataset.outcome = r.outcome || r.state;
    const head = document.createElement("p"); head.className = "recheck-head";
    const badge = document.createElement("span"); badge.className = "badge";
    const photos = document.createElement("div"); photos.className = "pair recheck-photos";
    li.append(head, badge, photos);
    li.relabel = () => {
      head.textContent = recheckHead(e, r);
      head.title = r.detail || r.last_error || "";  // the figures behind the words (English, credential-free)
      badge.hidden = !r.evidence;
      if (r.evidence) { badge.textContent = t(`verify_${r.evidence.verify.state}`); badge.className = `badge ${r.evidence.verify.state}`; }
    };
    li.relabel();
    if (r.evidence) {
      const by = {}; for (const m of r.evidence.media) by[m.path] = m;
      for (const photo of r.evidence.record.photos || []) {
        const media = by[photo.original] || by[photo.annotated];
        if (media) photos.appendChild(photoFigure(e, photo, media));
      }
    }
    list.appendChild(li);
  }
}

function relabelRechecks() { document.querySelectorAll("#rechecks li.recheck").forEach((li) => li.relabel && li.relabel()); }
