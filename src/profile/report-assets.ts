/** The report page's own style and script: it is self-contained and works offline. */
import { FAILED_COLOR } from "./report-timeline.js";

export const CSS = `
.group-rule{stroke:#444;stroke-width:1.5}
*{box-sizing:border-box}
body{margin:0;padding:20px 28px;font:13px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",Arial,sans-serif;color:#1f2328;background:#fff}
h1{font-size:20px;margin:0 0 2px}h2{font-size:15px;margin:22px 0 8px}
.meta{color:#57606a;margin-bottom:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;color:#fff;background:#2da44e}
.badge-failed,.badge-cancelled{background:${FAILED_COLOR}}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 4px}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:150px}
.card .k{color:#57606a;font-size:11px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:19px;font-weight:600}
.card .s{color:#57606a;font-size:12px}
.estimate{margin:8px 0 0;padding:6px 10px;background:#f6f8fa;border-left:3px solid #4e79a7}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:4px 0 6px}
.legend-item{display:inline-flex;align-items:center;gap:5px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin-right:4px}
.swatch-critical{background:#fff;border:2px solid #111}
.swatch-cached{background:#4e79a7;opacity:.45}
.swatch-idle{background:#8c959f;transform:rotate(45deg) scale(.8)}
.timeline-wrap{border:1px solid #d0d7de;border-radius:6px;padding:6px 4px}
svg.timeline{display:block;font-size:12px}
svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}svg .wall{stroke:#cf222e;stroke-dasharray:4 3}
svg .tick,svg .axis-label{fill:#57606a;font-size:11px}svg .wall-label{fill:#cf222e;font-size:11px}
svg .stripe{fill:#f6f8fa}
svg .label{fill:#1f2328}svg .label-critical{font-weight:700}svg .label-failed{fill:${FAILED_COLOR};font-weight:700}
svg .duration{fill:#57606a;font-size:11px}
svg .critical-outline{fill:none;stroke:#111;stroke-width:2}
svg .retry-gap{stroke:#8c959f;stroke-dasharray:2 2}
svg .idle-mark{fill:#8c959f}
svg .bar{cursor:default}svg .bar.hover .seg{filter:brightness(1.15)}svg .bar.hover .label{text-decoration:underline}
svg .bar.dep .label{fill:#0969da;font-weight:700}
.cols{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}
table.data{border-collapse:collapse;font-variant-numeric:tabular-nums}
table.data th{text-align:left;font-weight:600;color:#57606a;border-bottom:1px solid #d0d7de;padding:3px 10px}
table.data td{padding:3px 10px;border-bottom:1px solid #eaeef2}
table.data tfoot td{font-weight:600;border-bottom:none}
table.data td.note{font-weight:400;color:#57606a;max-width:520px;white-space:normal}
.num{text-align:right}
.pct-cell{width:140px}.pct-bar{display:block;height:9px;border-radius:2px}
.tag{font-size:10px;padding:0 5px;border-radius:8px;background:#ddf4ff;color:#0969da}
.tag-critical{background:#eee;color:#111}
.row-failed td{color:${FAILED_COLOR}}
.failures{padding-left:18px}.failure{color:${FAILED_COLOR}}
pre.error{white-space:pre-wrap;margin:4px 0 8px;padding:6px 8px;background:#ffebe9;border-radius:4px;color:#82071e;font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace}
#hover{position:fixed;display:none;pointer-events:none;max-width:420px;background:#1f2328;color:#fff;padding:7px 10px;border-radius:6px;font-size:12px;white-space:pre-wrap;box-shadow:0 4px 12px rgba(0,0,0,.25);z-index:10}
`;

export const SCRIPT = `
(function () {
  var panel = document.getElementById("hover");
  var bars = document.querySelectorAll("[data-task-id]");
  var byId = {};
  bars.forEach(function (bar) { byId[bar.getAttribute("data-task-id")] = bar; });
  function clear() {
    bars.forEach(function (bar) { bar.classList.remove("hover"); bar.classList.remove("dep"); });
    panel.style.display = "none";
  }
  bars.forEach(function (bar) {
    bar.addEventListener("mousemove", function (ev) {
      clear();
      bar.classList.add("hover");
      var deps = [];
      try { deps = JSON.parse(bar.getAttribute("data-deps") || "[]"); } catch (err) { deps = []; }
      deps.forEach(function (id) { if (byId[id]) byId[id].classList.add("dep"); });
      var d = bar.dataset;
      var lines = [d.taskId, "phase " + d.phase + " (" + d.kind + ")", "start " + d.start + "  end " + d.end + "  duration " + d.duration,
        "state " + d.state + "  cached " + d.cached + "  attempts " + d.attempts];
      if (d.critical === "yes") lines.push("on the critical path");
      if (deps.length) lines.push("depends on " + deps.join(", "));
      if (d.error) lines.push("error: " + d.error);
      panel.textContent = lines.join("\\n");
      panel.style.display = "block";
      var x = Math.min(ev.clientX + 14, window.innerWidth - panel.offsetWidth - 8);
      var y = Math.min(ev.clientY + 14, window.innerHeight - panel.offsetHeight - 8);
      panel.style.left = x + "px";
      panel.style.top = y + "px";
    });
    bar.addEventListener("mouseleave", clear);
  });
  document.body.setAttribute("data-report-ready", "true");
})();
`;

/** One self-contained HTML page (inline CSS and JS, nothing fetched) showing the run. */
