// What the page draws over the communes: the selected commune's outline, the data-quality
// findings (shown in planning mode, with the former units at every zoom), the marker of a
// point asked about, and "you are here" (a blue dot in the circle of its accuracy). Before the map goes live it has no style and no layers: a selection made
// then is kept and drawn when the layers are added.

/** `map`, `maplibregl` and `isLive` are the live map's (live-map.js). */
export function createOverlays({ map, maplibregl, isLive }) {
  let highlighted = '';
  let marker = null;
  let youAreHere = { type: 'FeatureCollection', features: [] };
  // Whether the map has a style yet (before going live it has none, and no layers to ask about).
  const hasLayer = (id) => isLive() && Boolean(map.getLayer(id));

  /** Adds the page's layers: call once the map's style has loaded. */
  function addLayers() {
    map.addLayer({
      id: 'commune-selected', type: 'line', source: 'hue', 'source-layer': 'communes',
      // A selection made on the still picture, before this layer existed, shows now.
      filter: ['==', ['get', 'code'], highlighted], paint: { 'line-color': '#9b2c1f', 'line-width': 3 },
    });
    map.addSource('you-are-here', { type: 'geojson', data: youAreHere });
    map.addLayer({
      id: 'you-are-here-accuracy', type: 'fill', source: 'you-are-here', filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': 'rgba(29,106,229,0.15)', 'fill-outline-color': '#1d6ae5' },
    });
    map.addLayer({
      id: 'you-are-here', type: 'circle', source: 'you-are-here', filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 7, 'circle-color': '#1d6ae5', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 },
    });
    map.addSource('findings', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({
      id: 'findings', type: 'circle', source: 'findings', layout: { visibility: 'none' },
      paint: { 'circle-radius': 8, 'circle-color': 'rgba(230,126,34,0.35)', 'circle-stroke-color': '#e67e22', 'circle-stroke-width': 2 },
    });
  }

  /** Outlines the commune with `code`; none for '' or null. */
  function highlight(code) {
    highlighted = code || '';
    if (hasLayer('commune-selected')) map.setFilter('commune-selected', ['==', ['get', 'code'], code || '']);
  }

  function placeMarker(lon, lat) {
    if (marker) marker.remove();
    marker = new maplibregl.Marker({ color: '#2b2118' }).setLngLat([lon, lat]).addTo(map);
  }

  /** "You are here": the device's position and the circle of its accuracy (metres); the
   * marker of a point asked about gives way to it. */
  function showYouAreHere(lon, lat, accuracy) {
    marker?.remove();
    marker = null;
    youAreHere = { type: 'FeatureCollection', features: [accuracyCircle(lon, lat, accuracy), { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [lon, lat] } }] };
    if (isLive() && map.getSource('you-are-here')) map.getSource('you-are-here').setData(youAreHere);
  }

  /** Planning shows the findings, and the former units at every zoom. */
  function showPlanningLayers(planning) {
    if (hasLayer('findings')) map.setLayoutProperty('findings', 'visibility', planning ? 'visible' : 'none');
    if (hasLayer('former-units')) map.setLayerZoomRange('former-units', planning ? 0 : 11, 24);
  }

  return { addLayers, highlight, placeMarker, showYouAreHere, showPlanningLayers };
}

/** A circle of `metres` around (lon, lat), as a 48-sided GeoJSON polygon. */
export function accuracyCircle(lon, lat, metres) {
  const radius = Math.max(metres || 0, 1);
  const dLat = radius / 111_320;
  const dLon = radius / (111_320 * Math.cos((lat * Math.PI) / 180));
  const ring = Array.from({ length: 49 }, (_, i) => {
    const a = (2 * Math.PI * (i % 48)) / 48;
    return [lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)];
  });
  return { type: 'Feature', properties: { accuracy_m: radius }, geometry: { type: 'Polygon', coordinates: [ring] } };
}
