/* Portal maps: choropleths drawn with Chart.js + chartjs-chart-geo from the boundary files
   served by the portal (the same figures are in the tables beside each map). */
(function () {
  "use strict";
  function values(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : {};
  }
  function maxOf(figures) {
    return Object.keys(figures).reduce(function (m, k) { return Math.max(m, figures[k]); }, 0);
  }
  function draw(canvas, features, keyOf, nameOf, figures) {
    var data = features.map(function (f) { return { feature: f, value: figures[keyOf(f)] || 0 }; });
    return new Chart(canvas.getContext("2d"), {
      type: "choropleth",
      data: {
        labels: features.map(nameOf),
        datasets: [{ label: canvas.dataset.label, outline: features, data: data }]
      },
      options: {
        showOutline: true,
        showGraticule: false,
        plugins: { legend: { display: false } },
        scales: {
          projection: { axis: "x", projection: canvas.dataset.kind === "world" ? "equalEarth" : "mercator" },
          color: {
            axis: "x", quantize: 5, min: 0, max: Math.max(1, maxOf(figures)),
            legend: { position: "bottom-right", align: "right" }
          }
        }
      }
    });
  }
  function start() {
    if (!window.Chart || !window.ChartGeo) { return; }
    var world = document.getElementById("world-map");
    if (world) {
      fetch(world.dataset.geo).then(function (r) { return r.json(); }).then(function (topo) {
        var features = ChartGeo.topojson.feature(topo, topo.objects.countries).features;
        draw(world, features, function (f) { return f.properties.iso_a2; },
             function (f) { return f.properties.name; }, values("world-values"));
        world.dataset.ready = "1";
      });
    }
    var provinces = document.getElementById("province-map");
    if (provinces) {
      var lang = provinces.dataset.lang === "en" ? "name_en" : "name_vi";
      fetch(provinces.dataset.geo).then(function (r) { return r.json(); }).then(function (geo) {
        draw(provinces, geo.features, function (f) { return f.properties.code; },
             function (f) { return f.properties[lang]; }, values("province-values"));
        provinces.dataset.ready = "1";
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
