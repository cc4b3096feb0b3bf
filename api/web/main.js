// Reviewer web page: wiring of buttons and keys, then the first view. Loaded after app.js and review.js.
"use strict";

// ---- wiring ----
$("#login-form").addEventListener("submit", login);
$("#filters").addEventListener("submit", (ev) => { ev.preventDefault(); state.cursorAppended = false; loadQueue(); });
$("#more").addEventListener("click", () => { state.cursorAppended = true; loadQueue(true); });
$("#logout").addEventListener("click", logout);
$("#tab-queue").addEventListener("click", openQueue);
$("#tab-history").addEventListener("click", openHistory);
$("#history-mine").addEventListener("change", openHistory);
$("#back").addEventListener("click", back);
$("#approve").addEventListener("click", approve);
$("#reject").addEventListener("click", startReject);
$("#confirm-ok").addEventListener("click", confirmDecision);
$("#confirm-cancel").addEventListener("click", cancelConfirm);
$("#undo").addEventListener("click", undo);
$("#zoom-in").addEventListener("click", () => zoomBy(1.5));
$("#zoom-out").addEventListener("click", () => zoomBy(1 / 1.5));
$("#zoom-close").addEventListener("click", closeLightbox);
$("#lang").addEventListener("click", () => {
  state.lang = state.lang === "zh" ? "en" : "zh"; localStorage.setItem("enforce.lang", state.lang); applyLabels();
  if (!$("#queue-view").hidden) renderQueue();
  else if (!$("#history-view").hidden) openHistory();
  else if (!$("#cameras-view").hidden) { loadCameraList(); if (cams.caught && !$("#caught-panel").hidden) renderCaught(); }
  else if (!$("#stats-view").hidden && state.stats) renderStats(state.stats);
  else if (!$("#drone-view").hidden && drone.finding && !$("#finding-panel").hidden) renderFindingFacts(drone.finding);
  else if (state.current && !$("#event-view").hidden) relabelEvent(state.current);
  renderToast();
});

applyLabels();
if (state.token && state.user) openHome(); else show("login-view");
