// covaudit report: draws the audit's data (the JSON above) with Leaflet.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("covaudit-data").textContent);
  var map = L.map("map", { preferCanvas: D.canvas, zoomSnap: 0.25, maxZoom: 19 }).setView([0, 0], 2); // a view before any layer
  window.covauditMap = map;
  map.attributionControl.setPrefix("Leaflet");
  if (D.basemap) {
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors"
    }).addTo(map);
  }
  // Covered share to colour: red (0%) through yellow to green (100%).
  function colour(p) {
    var t = Math.max(0, Math.min(1, p / 100));
    var r = t < 0.5 ? 220 : Math.round(220 - (t - 0.5) * 2 * 180);
    var g = t < 0.5 ? Math.round(60 + t * 2 * 160) : 200;
    return "rgb(" + r + "," + g + ",60)";
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c]; });
  }
  var drawn = { districts: 0, gaps: 0, stations: 0, worst: 0, people: 0, sites: 0, times: 0 };
  function fmtPeople(n) { return Math.round(n).toLocaleString("en"); }
  window.covauditDrawn = drawn;
  var layers = [];
  var all = L.featureGroup().addTo(map);
  D.districts.forEach(function (d, i) {
    var lyr = L.geoJSON({ type: "Feature", geometry: d.geometry }, {
      style: { className: "cov-district", color: "#333", weight: 1, fillColor: colour(d.covered_pct), fillOpacity: 0.45 }
    });
    lyr.bindPopup("<b>" + esc(d.name) + "</b><br>" + esc(d.class) + ", " + esc(d.rule) + "<br>covered " +
      d.covered_pct.toFixed(2) + "%" + (D.population ? "<br>" + fmtPeople(d.uncovered_people) + " of " + fmtPeople(d.people) +
      " people uncovered" : "") + (d.travel ? "<br>travel time " + esc(d.travel) : "") +
      "<br>" + (d.pass ? "passes" : esc(d.fail_reason)));
    lyr.addTo(all);
    layers.push(lyr);
    drawn.districts++;
  });
  // Travel times of road districts: one square per sampled place, in bands.
  var bands = [[600, "#1a9850"], [1200, "#91cf60"], [1800, "#d9ef8b"], [3600, "#fc8d59"], [Infinity, "#d73027"]];
  function band(s) { for (var i = 0; i < bands.length; i++) if (s <= bands[i][0]) return bands[i][1]; }
  if (D.times.length) {
    var ren = L.canvas({ padding: 0.2 });
    D.times.forEach(function (t) {
      var dlat = t[3] / 2 / 111320 * 1.04, dlon = dlat / Math.cos(t[1] * Math.PI / 180);
      L.rectangle([[t[1] - dlat, t[0] - dlon], [t[1] + dlat, t[0] + dlon]], { renderer: ren, stroke: false, fillColor: band(t[2]), fillOpacity: 0.55, interactive: false }).addTo(map);
      drawn.times++;
    });
  }
  // Gaps: red beyond the rule; slate where no road or station is within
  // reach on foot (road rule).
  D.gaps.forEach(function (g, i) {
    var noAccess = D.gap_kind[i] === "no-access";
    L.geoJSON({ type: "Feature", geometry: g }, {
      style: { className: "cov-gap", color: noAccess ? "#334" : "#a00", weight: 1, fillColor: noAccess ? "#56607a" : "#e0002a", fillOpacity: 0.35 }
    }).bindPopup(esc(D.gap_info[i])).addTo(map);
    drawn.gaps++;
  });
  // Population points, area proportional to the count.
  var maxCount = D.people.reduce(function (m, p) { return Math.max(m, p[2]); }, 0);
  D.people.forEach(function (p) {
    L.circleMarker([p[1], p[0]], { className: "cov-person", radius: 2 + 8 * Math.sqrt(p[2] / (maxCount || 1)), color: "#5b2a86", weight: 1, fillColor: "#9b59d0", fillOpacity: 0.5 })
      .bindPopup(fmtPeople(p[2]) + " people").addTo(map);
    drawn.people++;
  });
  var stations = D.cluster ? L.markerClusterGroup({ chunkedLoading: true }) : L.layerGroup();
  D.stations.forEach(function (s) {
    L.circleMarker([s[1], s[0]], { className: "cov-station", radius: 4, color: "#0b3d91", weight: 1, fillColor: "#2f6fde", fillOpacity: 0.9 })
      .bindPopup(esc(s[2])).addTo(stations);
    drawn.stations++;
  });
  stations.addTo(map);
  D.districts.forEach(function (d) {
    if (!d.worst) return;
    L.circleMarker([d.worst.lat, d.worst.lon], { className: "cov-worst", radius: 5, color: "#000", weight: 2, fillColor: "#fff", fillOpacity: 1 })
      .bindPopup("Farthest place of " + esc(d.name) + ": " + esc(d.worst.cost) + " to " + esc(d.worst.station)).addTo(map);
    drawn.worst++;
  });
  D.sites.forEach(function (s) {
    L.circleMarker([s[1], s[0]], { className: "cov-site", radius: 7, color: "#7a3b00", weight: 2, fillColor: "#ff9f1c", fillOpacity: 1 })
      .bindTooltip(String(s[2]), { permanent: true, direction: "center", className: "site-rank" })
      .bindPopup("Proposed site " + s[2] + ": " + esc(s[3])).addTo(map);
    drawn.sites++;
  });
  if (layers.length) map.fitBounds(all.getBounds(), { padding: [10, 10] });

  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "legend");
    div.innerHTML = "<b>covered share</b><br>" +
      [0, 50, 90, 100].map(function (p) { return "<i style=\"background:" + colour(p) + "\"></i>" + p + "%"; }).join("<br>") +
      "<br><i style=\"background:#e0002a;opacity:.6\"></i>gap<br>" +
      (D.gap_kind.indexOf("no-access") >= 0 ? "<i style=\"background:#56607a;opacity:.6\"></i>no road within reach<br>" : "") +
      (D.times.length ? "<b>travel time</b><br>" + ["&le; 10 min", "10-20 min", "20-30 min", "30-60 min", "&gt; 60 min"].map(function (l, i) {
        return "<i style=\"background:" + bands[i][1] + ";opacity:.7\"></i>" + l; }).join("<br>") + "<br>" : "") +
      "<b class=\"dot\" style=\"background:#2f6fde\"></b>station<br>" +
      "<b class=\"dot\" style=\"background:#fff;border:2px solid #000\"></b>farthest place" +
      (D.people.length ? "<br><b class=\"dot\" style=\"background:#9b59d0\"></b>people" : "") +
      (D.sites.length ? "<br><b class=\"dot\" style=\"background:#ff9f1c;border:2px solid #7a3b00\"></b>proposed site" : "");
    return div;
  };
  legend.addTo(map);

  document.getElementById("summary").textContent = D.summary;
  document.getElementById("attribution").textContent = (D.attribution || []).join(" ");
  var tbody = document.querySelector("#districts tbody");
  function row(d, i) {
    var tr = document.createElement("tr");
    tr.className = "district";
    tr.dataset.index = i;
    tr.innerHTML = "<td>" + esc(d.name) + "</td><td>" + esc(d.class) + "</td><td>" + esc(d.rule) + "</td>" +
      "<td class=num>" + d.area_km2.toFixed(3) + "</td><td class=num>" + d.uncovered_km2.toFixed(3) + "</td>" +
      "<td class=num>" + d.covered_pct.toFixed(2) + "</td>" +
      (D.population ? "<td class=num>" + fmtPeople(d.people) + "</td><td class=num>" + fmtPeople(d.uncovered_people) + "</td>" : "") +
      "<td class=\"" + (d.pass ? "pass\">pass" : "fail\">FAIL") + "</td>" +
      "<td>" + (d.worst ? esc(d.worst.cost + " to " + d.worst.station) : "no station") + "</td>";
    tr.addEventListener("click", function () {
      document.querySelectorAll("tr.selected").forEach(function (r) { r.classList.remove("selected"); });
      tr.classList.add("selected");
      map.fitBounds(layers[i].getBounds(), { padding: [20, 20] });
      layers[i].openPopup(layers[i].getBounds().getCenter());
    });
    return tr;
  }
  if (D.population) {
    var after = document.querySelector("#districts th[data-key=covered_pct]");
    after.insertAdjacentHTML("afterend", "<th data-key=\"people\" class=\"num\">people</th><th data-key=\"uncovered_people\" class=\"num\">uncovered people</th>");
  }
  var order = D.districts.map(function (d, i) { return i; });
  function render() {
    tbody.innerHTML = "";
    order.forEach(function (i) { tbody.appendChild(row(D.districts[i], i)); });
  }
  var sortKey = null, sortDir = 1;
  document.querySelectorAll("#districts th").forEach(function (th) {
    th.addEventListener("click", function () {
      var k = th.dataset.key;
      sortDir = sortKey === k ? -sortDir : 1;
      sortKey = k;
      order.sort(function (a, b) {
        var x = D.districts[a][k], y = D.districts[b][k];
        if (k === "worst") { x = x ? x.cost : ""; y = y ? y.cost : ""; }
        return (x < y ? -1 : x > y ? 1 : a - b) * sortDir;
      });
      render();
    });
  });
  render();
  window.covauditReady = true;
})();
