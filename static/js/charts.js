/* Draw every chart on the page from its JSON data block (no inline scripts: CSP-safe).
   Each chart has a table next to it with the same numbers, for screen readers and printing. */
(function () {
  "use strict";
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var datasets = [{
      label: data.title, data: data.values, borderColor: "#2f6f5e", backgroundColor: "#2f6f5e",
      tension: 0.2, pointRadius: 4
    }];
    if (data.cutoff !== null) {
      datasets.push({
        label: "Clinical cut-off (" + data.cutoff + ")",
        data: data.values.map(function () { return data.cutoff; }),
        borderColor: "#c2734a", borderDash: [6, 4], pointRadius: 0, fill: false
      });
    }
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { y: { min: data.min, max: data.max, title: {
          display: true, text: data.higher_is_better ? "higher is better" : "lower is better" } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  function drawAll() { document.querySelectorAll("canvas[data-source]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); }
  else { drawAll(); }
})();
