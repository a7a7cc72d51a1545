// The committee at a glance: draws the charts from the figures the page
// carries as JSON (#glance-data), the same figures as its tables. Without
// scripts, or if Chart.js is missing, the tables stand alone.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("glance-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var common = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "bottom" } },
    };
    function bars(id, labels, datasets, options) {
      var canvas = document.getElementById(id);
      if (!canvas || !labels.length) return;
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: datasets },
        options: Object.assign({}, common, options || {}),
      });
    }
    var overTime = document.getElementById("chart-over-time");
    if (overTime && data.over_time.labels.length) {
      new window.Chart(overTime, {
        type: "line",
        data: {
          labels: data.over_time.labels,
          datasets: [{ label: "Open actions", data: data.over_time.counts, borderColor: "#1d4f91", backgroundColor: "#1d4f91", tension: 0 }],
        },
        options: Object.assign({}, common, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }),
      });
    }
    bars(
      "chart-owners",
      data.owners.labels,
      [
        { label: "Target slipped", data: data.owners.slipped, backgroundColor: "#b3261e" },
        { label: "Not slipped", data: data.owners.on_time, backgroundColor: "#1d4f91" },
      ],
      { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
    );
    bars(
      "chart-ages",
      data.ages.labels,
      [{ label: "Open actions", data: data.ages.counts, backgroundColor: "#1d4f91" }],
      { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    );
    bars(
      "chart-attendance",
      data.attendance.labels,
      [{ label: "Meetings represented at (%)", data: data.attendance.rates, backgroundColor: "#2e7d32" }],
      { scales: { y: { beginAtZero: true, max: 100 } } }
    );
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
