// covaudit report: draws the audit's data (the JSON above) with Leaflet.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("covaudit-data").textContent);
  var P = D.palette;
  var map = L.map("map", { preferCanvas: D.canvas, zoomSnap: 0.25, maxZoom: 19 }).setView([0, 0], 2); // a view before any layer
  window.covauditMap = map;
  map.attributionControl.setPrefix("Leaflet");
  if (D.basemap) {
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors"
    }).addTo(map);
  }
  // Panes, bottom to top: district fills, travel-time bands, gaps,
  // district outlines, points (people, stations, farthest places, sites),
  // names (haloed, so that they read over the points).
  [["times", 405], ["gaps", 410], ["outlines", 415], ["points", 420], ["labels", 425]].forEach(function (p) {
    map.createPane(p[0]).style.zIndex = p[1];
  });
  map.getPane("outlines").style.pointerEvents = "none";
  map.getPane("labels").style.pointerEvents = "none";
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c]; });
  }
  var drawn = { districts: 0, gaps: 0, stations: 0, worst: 0, people: 0, sites: 0, times: 0, labels: 0 };
  function fmtPeople(n) { return Math.round(n).toLocaleString("en"); }
  window.covauditDrawn = drawn;
  var fillOpacity = 0.55, gapOpacity = 0.6;

  var layers = [];
  var districts = L.featureGroup().addTo(map);
  D.districts.forEach(function (d, i) {
    var lyr = L.geoJSON({ type: "Feature", geometry: d.geometry }, {
      style: { className: "cov-district", stroke: false, fillColor: d.fill, fillOpacity: fillOpacity }
    });
    lyr.bindPopup("<b>" + esc(d.name) + "</b><br>" + esc(d.class) + ", " + esc(d.rule) + "<br>covered " +
      d.covered_pct.toFixed(2) + "%" + (D.population ? "<br>" + fmtPeople(d.uncovered_people) + " of " + fmtPeople(d.people) +
      " people uncovered" : "") + (d.travel ? "<br>travel time (sampled) " + esc(d.travel) : "") +
      "<br>" + (d.pass ? "passes" : esc(d.fail_reason)));
    lyr.addTo(districts);
    L.geoJSON({ type: "Feature", geometry: d.geometry }, {
      pane: "outlines", interactive: false, style: { className: "cov-outline", color: "#222", weight: 1.2, fill: false }
    }).addTo(districts);
    layers.push(lyr);
    drawn.districts++;
  });

  // Travel times of road districts: one square per sampled place, cut to
  // its district, in bands; a layer of its own, off by default.
  function band(s) {
    for (var i = 0; i < P.band_limits_s.length; i++) if (s <= P.band_limits_s[i]) return P.bands[i];
    return P.bands[P.bands.length - 1];
  }
  var times = L.layerGroup();
  if (D.times.length) {
    var ren = L.canvas({ pane: "times", padding: 0.2 });
    var shapes = {};
    D.time_shapes.forEach(function (s) { shapes[s.i] = s.rings; });
    D.times.forEach(function (t, k) {
      var style = { renderer: ren, pane: "times", stroke: false, fillColor: band(t[2]), fillOpacity: 0.85, interactive: false };
      if (shapes[k]) {
        if (!shapes[k].length) return;
        L.polygon(shapes[k].map(function (r) { return r.map(function (p) { return [p[1], p[0]]; }); }), style).addTo(times);
      } else {
        var dlat = t[3] / 2 / 111320 * 1.02, dlon = dlat / Math.cos(t[1] * Math.PI / 180);
        L.rectangle([[t[1] - dlat, t[0] - dlon], [t[1] + dlat, t[0] + dlon]], style).addTo(times);
      }
      drawn.times++;
    });
  }

  // Gaps: red beyond the rule; purple where no road or station is within
  // reach on foot (road rule).
  var gaps = L.layerGroup().addTo(map);
  var gapLayers = [];
  D.gaps.forEach(function (g, i) {
    var noAccess = D.gap_kind[i] === "no-access";
    var lyr = L.geoJSON({ type: "Feature", geometry: g }, {
      pane: "gaps",
      style: { className: "cov-gap" + (noAccess ? " cov-no-access" : ""), color: noAccess ? P.no_access_stroke : P.gap_stroke, weight: 1,
        fillColor: noAccess ? P.no_access : P.gap, fillOpacity: gapOpacity }
    }).bindPopup(esc(D.gap_info[i])).addTo(gaps);
    gapLayers.push(lyr);
    drawn.gaps++;
  });

  // District names at a place inside each district (the middle of its
  // widest run), shown when they fit the run.
  var labels = L.layerGroup().addTo(map);
  var labelMarks = [];
  D.districts.forEach(function (d) {
    var m = L.marker([d.label[1], d.label[0]], {
      pane: "labels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "cov-label", iconSize: null, html: "<span>" + esc(d.name) + "</span>" })
    }).addTo(labels);
    m.covRun = d.label_w;
    labelMarks.push(m);
    drawn.labels++;
  });
  function updateLabels() {
    labelMarks.forEach(function (m) {
      var el = m.getElement();
      if (!el) return;
      if (!m.covWidth) m.covWidth = el.firstChild.offsetWidth;
      var ll = m.getLatLng();
      var a = map.latLngToContainerPoint([ll.lat, ll.lng - m.covRun / 2]), b = map.latLngToContainerPoint([ll.lat, ll.lng + m.covRun / 2]);
      // A name may reach a little past its run (names wrap at 110 px).
      el.classList.toggle("off", 1.15 * (b.x - a.x) < m.covWidth);
    });
  }
  map.on("zoomend viewreset", updateLabels);

  // Population points, area proportional to the count.
  var people = L.layerGroup().addTo(map);
  var maxCount = D.people.reduce(function (m, p) { return Math.max(m, p[2]); }, 0);
  D.people.forEach(function (p) {
    L.circleMarker([p[1], p[0]], { pane: "points", className: "cov-person", radius: 2 + 8 * Math.sqrt(p[2] / (maxCount || 1)), color: "#543005", weight: 1, fillColor: "#bf812d", fillOpacity: 0.55 })
      .bindPopup(fmtPeople(p[2]) + " people").addTo(people);
    drawn.people++;
  });
  var stations = D.cluster ? L.markerClusterGroup({ chunkedLoading: true }) : L.layerGroup();
  D.stations.forEach(function (s) {
    L.circleMarker([s[1], s[0]], { pane: "points", className: "cov-station", radius: 4, color: "#fff", weight: 1.5, fillColor: "#1f5fbf", fillOpacity: 1 })
      .bindPopup(esc(s[2])).addTo(stations);
    drawn.stations++;
  });
  stations.addTo(map);
  // Farthest places: shown at first for up to 50 districts (beyond, they
  // crowd the map; the layers control shows them).
  var worst = L.layerGroup();
  if (D.districts.length <= 50) worst.addTo(map);
  D.districts.forEach(function (d) {
    if (!d.worst) return;
    L.circleMarker([d.worst.lat, d.worst.lon], { pane: "points", className: "cov-worst", radius: 5, color: "#000", weight: 2, fillColor: "#fff", fillOpacity: 1 })
      .bindPopup("Farthest place of " + esc(d.name) + ": " + esc(d.worst.cost) + " to " + esc(d.worst.station)).addTo(worst);
    drawn.worst++;
  });
  var sites = L.layerGroup().addTo(map);
  var siteMarks = [];
  D.sites.forEach(function (s) {
    var m = L.circleMarker([s[1], s[0]], { pane: "points", className: "cov-site", radius: 8, color: "#7a3b00", weight: 2, fillColor: "#ff9f1c", fillOpacity: 1 })
      .bindTooltip(String(s[2]), { permanent: true, direction: "center", className: "site-rank" })
      .bindPopup("Proposed site " + s[2] + ": " + esc(s[3])).addTo(sites);
    siteMarks.push(m);
    drawn.sites++;
  });
  var legendDiv;
  function fitAll() {
    var below = legendDiv ? legendDiv.offsetHeight + 10 : 10;
    if (layers.length) map.fitBounds(districts.getBounds(), { paddingTopLeft: [10, 10], paddingBottomRight: [10, below], animate: false });
  }

  L.control.scale({ position: "bottomleft", metric: true, imperial: false, maxWidth: 160 }).addTo(map);
  var overlays = { "districts (covered share)": districts, "gaps": gaps, "district names": labels };
  if (D.times.length) overlays["travel time by road (sampled)"] = times;
  overlays["stations"] = stations;
  if (drawn.worst) overlays["farthest places"] = worst;
  if (D.people.length) overlays["people"] = people;
  if (D.sites.length) overlays["proposed sites"] = sites;
  // The layers control opens on hover or a click; it starts open where the
  // map has room.
  var layersControl = L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);
  if (map.getSize().x >= 760) layersControl.expand();
  window.covauditLayers = { districts: districts, gaps: gaps, labels: labels, times: times, stations: stations };

  var legend = L.control({ position: "bottomright" });
  function legendHTML() {
    var sw = function (cls, fill, op, stroke) {
      return "<i class=\"" + cls + "\" style=\"background:" + fill + ";opacity:" + op + (stroke ? ";border-color:" + stroke : "") + "\"></i>";
    };
    var item = function (s) { return "<span class=\"item\">" + s + "</span>"; };
    var dot = function (style, label) { return item("<b class=\"dot\" style=\"" + style + "\"></b>" + label); };
    var h = "<div><span class=\"head\">covered</span>" + P.share.map(function (s) {
      return item(sw("share share-" + s[0], s[1], fillOpacity) + s[0] + "%"); }).join("") + "</div>";
    h += "<div><span class=\"head\">uncovered</span>" + item(sw("gap", P.gap, gapOpacity, P.gap_stroke) + "gap") +
      (D.gap_kind.indexOf("no-access") >= 0 ? item(sw("no-access", P.no_access, gapOpacity, P.no_access_stroke) + "no road within reach on foot") : "") + "</div>";
    if (map.hasLayer(times)) {
      h += "<div><span class=\"head\">travel time (sampled)</span>" + P.band_labels.map(function (l, i) {
        return item(sw("band", P.bands[i], 0.85) + esc(l)); }).join("") + "</div>";
    }
    h += "<div>" + dot("background:#1f5fbf", "station") +
      (map.hasLayer(worst) ? dot("background:#fff;border:2px solid #000", "farthest place") : "") +
      (D.people.length ? dot("background:#bf812d", "people") : "") +
      (D.sites.length ? dot("background:#ff9f1c;border:2px solid #7a3b00", "proposed site") : "") + "</div>";
    return h;
  }
  legend.onAdd = function () {
    legendDiv = L.DomUtil.create("div", "legend");
    legendDiv.innerHTML = legendHTML();
    return legendDiv;
  };
  legend.addTo(map);
  fitAll();
  // With the travel-time bands shown, district fills go and gaps become
  // outlines over a light fill, so that the bands read through them.
  function timesShown(on) {
    layers.forEach(function (l) { l.setStyle({ fillOpacity: on ? 0 : fillOpacity }); });
    gapLayers.forEach(function (l) { l.setStyle({ fillOpacity: on ? 0.12 : gapOpacity, weight: on ? 2.5 : 1 }); });
    legendDiv.innerHTML = legendHTML();
  }
  map.on("overlayadd", function (e) { if (e.layer === times) timesShown(true); else legendDiv.innerHTML = legendHTML(); });
  map.on("overlayremove", function (e) { if (e.layer === times) timesShown(false); else legendDiv.innerHTML = legendHTML(); });

  document.getElementById("summary").textContent = D.summary;
  document.getElementById("attribution").textContent = (D.attribution || []).join(" ");
  var tbody = document.querySelector("#districts tbody");
  function row(d, i) {
    var tr = document.createElement("tr");
    tr.className = "district";
    tr.dataset.index = i;
    tr.innerHTML = "<td class=name>" + esc(d.name) + "</td>" +
      "<td class=\"" + (d.pass ? "pass\">pass" : "fail\" title=\"" + esc(d.fail_reason) + "\">FAIL") + "</td>" +
      "<td class=num>" + d.covered_pct.toFixed(2) + "</td><td class=num>" + d.uncovered_km2.toFixed(3) + "</td>" +
      "<td class=num>" + d.area_km2.toFixed(3) + "</td>" +
      (D.population ? "<td class=num>" + fmtPeople(d.people) + "</td><td class=num>" + fmtPeople(d.uncovered_people) + "</td>" : "") +
      "<td class=wrap>" + esc(d.class_rule) + "</td>" +
      "<td class=wrap>" + (d.worst ? esc(d.worst.cost + " to " + d.worst.station) : "no station") + "</td>";
    tr.addEventListener("click", function () {
      document.querySelectorAll("tr.selected").forEach(function (r) { r.classList.remove("selected"); });
      tr.classList.add("selected");
      map.fitBounds(layers[i].getBounds(), { padding: [20, 20] });
      layers[i].openPopup(layers[i].getBounds().getCenter());
    });
    return tr;
  }
  if (D.suggest) document.getElementById("districts-head").textContent = "Districts before the proposed sites";
  if (D.population) {
    document.getElementById("side").classList.add("wide");
    var after = document.querySelector("#districts th[data-key=area_km2]");
    after.insertAdjacentHTML("afterend", "<th data-key=\"people\" class=\"num\">people</th><th data-key=\"uncovered_people\" class=\"num\">uncovered people</th>");
  }
  var order = D.districts.map(function (d, i) { d.class_rule = d.class + ": " + d.rule; return i; });
  function render() {
    tbody.innerHTML = "";
    order.forEach(function (i) { tbody.appendChild(row(D.districts[i], i)); });
  }
  var sortKey = null, sortDir = 1;
  document.querySelectorAll("#districts th").forEach(function (th) {
    th.tabIndex = 0;
    th.title = "sort by " + th.textContent;
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); th.click(); } });
    th.addEventListener("click", function () {
      var k = th.dataset.key;
      sortDir = sortKey === k ? -sortDir : 1;
      sortKey = k;
      document.querySelectorAll("#districts th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      order.sort(function (a, b) {
        var x = D.districts[a][k], y = D.districts[b][k];
        if (k === "worst") { x = x ? x.sort : "~"; y = y ? y.sort : "~"; }
        var c = typeof x === "string" ? x.localeCompare(y) : (x < y ? -1 : x > y ? 1 : 0);
        return (c || a - b) * sortDir;
      });
      render();
    });
  });
  render();
  document.querySelectorAll("#sites tr.site").forEach(function (tr, i) {
    tr.addEventListener("click", function () {
      document.querySelectorAll("tr.selected").forEach(function (r) { r.classList.remove("selected"); });
      tr.classList.add("selected");
      map.setView([Number(tr.dataset.lat), Number(tr.dataset.lon)], Math.max(map.getZoom(), 13));
      if (siteMarks[i]) siteMarks[i].openPopup();
    });
  });
  // Printing resizes the map: draw it again for the page.
  function reflow() { map.invalidateSize({ animate: false }); fitAll(); updateLabels(); }
  window.addEventListener("beforeprint", reflow);
  window.addEventListener("afterprint", reflow);
  if (window.matchMedia) {
    var mq = window.matchMedia("print");
    if (mq.addEventListener) mq.addEventListener("change", reflow);
  }
  updateLabels();
  window.covauditReady = true;
})();
