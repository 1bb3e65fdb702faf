// What the page draws over the communes: the selected commune's outline, the data-quality
// findings (shown in planning mode, with the former units at every zoom) and the marker of a
// point asked about. Before the map goes live it has no style and no layers: a selection made
// then is kept and drawn when the layers are added.

/** `map`, `maplibregl` and `isLive` are the live map's (live-map.js). */
export function createOverlays({ map, maplibregl, isLive }) {
  let highlighted = '';
  let marker = null;
  // Whether the map has a style yet (before going live it has none, and no layers to ask about).
  const hasLayer = (id) => isLive() && Boolean(map.getLayer(id));

  /** Adds the page's layers: call once the map's style has loaded. */
  function addLayers() {
    map.addLayer({
      id: 'commune-selected', type: 'line', source: 'hue', 'source-layer': 'communes',
      // A selection made on the still picture, before this layer existed, shows now.
      filter: ['==', ['get', 'code'], highlighted], paint: { 'line-color': '#9b2c1f', 'line-width': 3 },
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

  /** Planning shows the findings, and the former units at every zoom. */
  function showPlanningLayers(planning) {
    if (hasLayer('findings')) map.setLayoutProperty('findings', 'visibility', planning ? 'visible' : 'none');
    if (hasLayer('former-units')) map.setLayerZoomRange('former-units', planning ? 0 : 11, 24);
  }

  return { addLayers, highlight, placeMarker, showPlanningLayers };
}
