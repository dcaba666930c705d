// Dashboard charts and maps: Chart.js 4 and chartjs-chart-geo 4, bundled (no CDN).
// The data comes from json_script blocks written by the server; every chart also has a table.
(function () {
  "use strict";
  var PALETTE = ["#2f6db5", "#e07b39", "#4a9d5b", "#b5473a", "#7b5ea7", "#8c6d31", "#d36ba6", "#5f6b6d"];

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function drawCharts() {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = readJSON(canvas.dataset.chart);
      if (!spec) return;
      var stacked = spec.kind === "stacked";
      new Chart(canvas, {
        type: spec.kind === "line" ? "line" : "bar",
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map(function (d, i) {
            var color = (spec.colors && spec.colors[i]) || PALETTE[i % PALETTE.length];
            return { label: d.label, data: d.data, backgroundColor: color, borderColor: color };
          }),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } },
        },
      });
    });
  }

  function choropleth(canvas, features, values, label, projection) {
    return new Chart(canvas, {
      type: "choropleth",
      data: {
        labels: features.map(function (f) { return f.properties.name_vi || f.properties.name; }),
        datasets: [{
          label: label,
          outline: features,
          data: features.map(function (f) { return { feature: f, value: values(f) || NaN }; }),
        }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        showOutline: true,
        plugins: { legend: { display: false } },
        scales: {
          projection: { axis: "x", projection: projection },
          color: { axis: "x", quantize: 6, interpolate: "blues", missing: "#f4f4f4", legend: { position: "bottom-left", align: "left" } },
        },
      },
    });
  }

  function drawWorld() {
    var canvas = document.getElementById("world-map");
    var data = readJSON("world-data");
    if (!canvas || !data) return;
    var select = document.getElementById("world-measure");
    fetch(canvas.dataset.geo).then(function (r) { return r.json(); }).then(function (topo) {
      var features = ChartGeo.topojson.feature(topo, topo.objects.countries).features
        .filter(function (f) { return f.properties.name !== "Antarctica"; });
      var measure = select.value;
      var chart = choropleth(canvas, features, function (f) {
        return (data[measure] || {})[f.properties.iso_a2] || 0;
      }, select.options[select.selectedIndex].text, "equalEarth");
      select.addEventListener("change", function () {
        measure = select.value;
        chart.data.datasets[0].data = features.map(function (f) {
          return { feature: f, value: (data[measure] || {})[f.properties.iso_a2] || NaN };
        });
        chart.data.datasets[0].label = select.options[select.selectedIndex].text;
        chart.update();
        var url = new URL(window.location.href);
        url.searchParams.set("measure", measure);
        window.history.replaceState(null, "", url);
        var hidden = document.querySelector("form.filters input[name=measure]");
        if (hidden) hidden.value = measure;
      });
    });
  }

  function drawVietnam() {
    var canvas = document.getElementById("vn-map");
    var data = readJSON("province-data");
    if (!canvas || !data) return;
    fetch(canvas.dataset.geo).then(function (r) { return r.json(); }).then(function (geo) {
      choropleth(canvas, geo.features, function (f) { return data[f.properties.code] || 0; }, "VND", "mercator");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof Chart === "undefined") return;
    if (typeof ChartGeo !== "undefined") {
      Chart.register(ChartGeo.ChoroplethController, ChartGeo.GeoFeature, ChartGeo.ColorScale, ChartGeo.ProjectionScale);
    }
    drawCharts();
    if (typeof ChartGeo !== "undefined") {
      drawWorld();
      drawVietnam();
    }
  });
})();
