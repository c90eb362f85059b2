/* Draw every chart on the page from its JSON data block (no inline scripts: CSP-safe).
   Each chart has a table next to it with the same numbers, for screen readers and printing.

   Data: {title, labels, min, max, higher_is_better, cutoff (number or null), and either
   values (one line) or lines: [{label, values}]; optionally rc_band: {label, low, high} and
   expected: {label, low, median, high}}. Values may be null (no score that day). */
(function () {
  "use strict";
  var COLOURS = ["#2f6f5e", "#6b4fa0", "#1f5f8b"];
  var WARM = "#c2734a";

  function lineSets(data) {
    var lines = data.lines || [{ label: data.title, values: data.values }];
    return lines.map(function (line, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {
        label: line.label, data: line.values, borderColor: colour, backgroundColor: colour,
        tension: 0.2, pointRadius: 4, spanGaps: true, order: 1, borderDash: i ? [4, 3] : []
      };
    });
  }

  // A band is two datasets: its lower edge (unlabelled, hidden from the legend) and its upper
  // edge filled down to the lower one.
  function bandSets(band, colour, fill) {
    return [
      { label: "", data: band.low, borderColor: colour, borderWidth: 1, pointRadius: 0,
        fill: false, spanGaps: true, order: 3 },
      { label: band.label, data: band.high, borderColor: colour, borderWidth: 1, pointRadius: 0,
        backgroundColor: fill, fill: "-1", spanGaps: true, order: 3 }
    ];
  }

  function datasets(data) {
    var sets = lineSets(data);
    if (data.cutoff !== null && data.cutoff !== undefined) {
      sets.push({
        label: "Clinical cut-off (" + data.cutoff + ")",
        data: data.labels.map(function () { return data.cutoff; }),
        borderColor: WARM, borderDash: [6, 4], pointRadius: 0, fill: false, order: 2
      });
    }
    if (data.rc_band) {
      sets = sets.concat(bandSets(data.rc_band, "rgba(47,111,94,0.35)", "rgba(47,111,94,0.10)"));
    }
    if (data.expected) {
      sets = sets.concat(bandSets(data.expected, "rgba(107,79,160,0.45)", "rgba(107,79,160,0.10)"));
      sets.push({
        label: "Expected (median)", data: data.expected.median, borderColor: "rgba(107,79,160,0.8)",
        borderDash: [2, 3], pointRadius: 0, fill: false, spanGaps: true, order: 2
      });
    }
    return sets;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source || typeof Chart === "undefined" || Chart.getChart(canvas)) { return; }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets(data) },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { y: { min: data.min, max: data.max, title: {
          display: true, text: data.higher_is_better ? "higher is better" : "lower is better" } } },
        plugins: {
          legend: { position: "bottom", labels: { filter: function (item) { return item.text !== ""; } } },
          tooltip: { filter: function (item) { return item.dataset.label !== ""; } }
        }
      }
    });
  }
  function drawAll() { document.querySelectorAll("canvas[data-source]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); }
  else { drawAll(); }
})();
