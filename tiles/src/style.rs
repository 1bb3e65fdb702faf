//! A MapLibre style (spec v8) for the five layers. It works with no internet: our own tiles,
//! our own glyphs (served by the server from an embedded font), no sprite, and a plain
//! background instead of a basemap unless one is asked for.

use serde_json::{json, Value};

pub use crate::glyphs::FONT_STACK;

/// Where a client finds what the style refers to. The caller (a server, a static export)
/// owns its URL layout; the style only writes these strings into the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyleUrls {
    /// The TileJSON of the vector source (the source's `url`), e.g.
    /// `https://example.org/tiles.json`.
    pub tilejson: String,
    /// The glyph URL template, with MapLibre's `{fontstack}` and `{range}` placeholders left
    /// in, e.g. `https://example.org/fonts/{fontstack}/{range}.pbf`.
    pub glyphs: String,
}

/// The MapLibre style (spec v8) for the five layers, labelled in [`FONT_STACK`].
///
/// `urls` are written as they are, so they should be absolute for a style fetched from
/// elsewhere. `basemap_style` (a style URL) is only recorded in the metadata
/// (`hue-map:basemap-style`, `null` when `None`) so a client can put that basemap
/// underneath; nothing here fetches it.
///
/// ```
/// use tiles::style::{style, StyleUrls};
/// let urls = StyleUrls {
///     tilejson: "https://maps.example/hue/tiles.json".into(),
///     glyphs: "https://maps.example/fonts/{fontstack}/{range}.pbf".into(),
/// };
/// let document = style(&urls, None);
/// assert_eq!(document["version"], 8);
/// assert_eq!(document["sources"]["hue"]["url"], "https://maps.example/hue/tiles.json");
/// assert_eq!(document["glyphs"], "https://maps.example/fonts/{fontstack}/{range}.pbf");
/// assert!(document["metadata"]["hue-map:basemap-style"].is_null());
/// ```
pub fn style(urls: &StyleUrls, basemap_style: Option<&str>) -> Value {
    let font = json!([FONT_STACK]);
    json!({
        "version": 8,
        "name": "Huế communes and wards",
        "metadata": {
            "hue-map:basemap-style": basemap_style,
            "hue-map:approximate-offices": "Hollow office symbols mark positions that are only approximate (commune label points).",
        },
        "center": [107.58, 16.46],
        "zoom": 10,
        "glyphs": urls.glyphs,
        "sources": {
            "hue": { "type": "vector", "url": urls.tilejson }
        },
        "layers": [
            { "id": "background", "type": "background", "paint": { "background-color": "#eef3f6" } },
            {
                "id": "communes-fill", "type": "fill", "source": "hue", "source-layer": "communes",
                "paint": {
                    "fill-color": ["match", ["get", "type"], "phuong", "#f3d9b1", "xa", "#cfe6c3", "#dddddd"],
                    "fill-opacity": 0.85
                }
            },
            {
                "id": "boundaries-internal", "type": "line", "source": "hue", "source-layer": "boundaries",
                "filter": ["==", ["get", "kind"], "internal"],
                "layout": { "line-join": "round" },
                "paint": { "line-color": "#7d6b57", "line-width": ["interpolate", ["linear"], ["zoom"], 8, 0.6, 14, 2.0] }
            },
            {
                "id": "boundaries-city", "type": "line", "source": "hue", "source-layer": "boundaries",
                "filter": ["==", ["get", "kind"], "city"],
                "layout": { "line-join": "round" },
                "paint": { "line-color": "#3d2f22", "line-width": ["interpolate", ["linear"], ["zoom"], 8, 1.2, 14, 3.0] }
            },
            {
                "id": "former-units", "type": "circle", "source": "hue", "source-layer": "former_units", "minzoom": 11,
                "paint": { "circle-radius": 3, "circle-color": "#8a8f98", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1 }
            },
            {
                "id": "offices-exact", "type": "circle", "source": "hue", "source-layer": "offices",
                "filter": ["==", ["get", "position_is_exact"], true],
                "paint": { "circle-radius": 6, "circle-color": "#c0392b", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 }
            },
            {
                "id": "offices-approximate", "type": "circle", "source": "hue", "source-layer": "offices",
                "filter": ["!=", ["get", "position_is_exact"], true],
                "paint": {
                    "circle-radius": ["interpolate", ["linear"], ["zoom"], 9, 4, 14, 9],
                    "circle-color": "rgba(255,255,255,0.6)",
                    "circle-stroke-color": "#c0392b",
                    "circle-stroke-width": 2
                }
            },
            {
                "id": "commune-labels", "type": "symbol", "source": "hue", "source-layer": "labels",
                "layout": {
                    "text-field": ["get", "name"],
                    "text-font": font,
                    "text-size": ["interpolate", ["linear"], ["zoom"], 9, 11, 14, 16],
                    "text-max-width": 8
                },
                "paint": { "text-color": "#2b2118", "text-halo-color": "#ffffff", "text-halo-width": 1.5 }
            },
            {
                "id": "office-labels", "type": "symbol", "source": "hue", "source-layer": "offices", "minzoom": 13,
                "layout": {
                    "text-field": ["concat", ["get", "name"], ["case", ["==", ["get", "position_is_exact"], true], "", " (≈)"]],
                    "text-font": font,
                    "text-size": 12,
                    "text-offset": [0, 1.2],
                    "text-anchor": "top"
                },
                "paint": { "text-color": "#8e2a1f", "text-halo-color": "#ffffff", "text-halo-width": 1.5 }
            }
        ]
    })
}
