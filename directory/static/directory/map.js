/* The directory map: Leaflet with clustered markers, loading only the entries in view.
 *
 * The page works without this script (it lists the results); the script turns the
 * hidden #directory-map element into a map and asks the points endpoint, with the list's
 * own query string and the bounds in view, for the entries to show each time the view moves.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, name) {
      return name in values ? String(values[name]) : "";
    });
  }

  ready(function () {
    var element = document.getElementById("directory-map");
    if (!element || typeof L === "undefined" || !L.markerClusterGroup) return;
    var data = element.dataset;
    var status = document.getElementById("map-status");
    var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

    // The list's filters and query, without what only the list uses.
    var params = new URLSearchParams(window.location.search);
    ["page", "per_page", "sort", "bbox"].forEach(function (name) { params.delete(name); });

    element.hidden = false;
    var map = L.map(element, { worldCopyJump: true, keyboard: true }).setView([25, 5], 2);
    L.tileLayer(data.tilesUrl, { attribution: data.tilesAttribution, maxZoom: 19 }).addTo(map);

    var icon = L.icon({
      iconUrl: data.iconUrl,
      iconRetinaUrl: data.iconRetinaUrl,
      shadowUrl: data.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
    var cluster = L.markerClusterGroup({ chunkedLoading: true });
    map.addLayer(cluster);

    function popup(properties) {
      var box = document.createElement("div");
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = properties.name;
      box.appendChild(link);
      var place = [properties.locality, properties.country].filter(Boolean).join(", ");
      var facts = [properties.category, place].filter(Boolean).join(" · ");
      if (facts) {
        var line = document.createElement("p");
        line.textContent = facts;
        box.appendChild(line);
      }
      return box;
    }

    function say(text) {
      if (status) status.textContent = text;
    }

    var pending = null;
    var first = true;

    function load() {
      if (pending) pending.abort();
      pending = new AbortController();
      var query = new URLSearchParams(params);
      query.set("bbox", first ? "-180,-90,180,90" : map.getBounds().toBBoxString());
      say(data.textLoading);
      fetch(data.pointsUrl + "?" + query.toString(), {
        signal: pending.signal,
        headers: { Accept: "application/geo+json, application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (collection) {
          var markers = collection.features.map(function (feature) {
            var c = feature.geometry.coordinates;
            var name = feature.properties.name;
            return L.marker([c[1], c[0]], { icon: icon, title: name, alt: name, keyboard: true })
              .bindPopup(popup(feature.properties));
          });
          cluster.clearLayers();
          cluster.addLayers(markers);
          var values = { count: numbers.format(collection.count), total: numbers.format(collection.total) };
          if (collection.truncated) say(format(data.textTruncated, values));
          else if (collection.count === 1) say(format(data.textOne, values));
          else say(format(data.textMany, values));
          if (first) {
            first = false;
            if (markers.length) {
              map.fitBounds(L.latLngBounds(markers.map(function (m) { return m.getLatLng(); })), {
                maxZoom: 10,
                padding: [20, 20],
              });
            }
          }
        })
        .catch(function (error) {
          if (error.name !== "AbortError") say(data.textError);
        });
    }

    map.on("moveend", load);
    load();
  });
})();
