//! A MapLibre style (spec v8) for the five layers. It works with no internet: our own tiles,
//! our own glyphs (served by the server from an embedded font), no sprite, and a plain
//! background instead of a basemap unless one is asked for: a street basemap served beside
//! our tiles ([`Basemap::Tiles`]) goes under our layers.

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

/// What goes under the communes.
#[derive(Debug, Clone, Copy, Default)]
pub enum Basemap<'a> {
    /// Nothing: a plain background (and the metadata says so).
    #[default]
    None,
    /// A hosted MapLibre style, named in the metadata (`hue-map:basemap-style`) for the page
    /// to put underneath; nothing here fetches it. The fills lighten.
    StyleUrl(&'a str),
    /// Vector tiles in the Protomaps basemap schema.
    Tiles {
        /// The source's TileJSON URL.
        tilejson: &'a str,
        /// Their MapLibre layers, drawing from a source named `basemap`, in our font.
        layers: &'a [Value],
    },
}

/// The colours of our layers, shared by the style and the still map (`static_map.rs`).
pub mod palette {
    /// Under everything.
    pub const BACKGROUND: &str = "#eef3f6";
    /// Wards (phường).
    pub const PHUONG: &str = "#f3d9b1";
    /// Communes (xã).
    pub const XA: &str = "#cfe6c3";
    /// Any other kind of unit.
    pub const OTHER_UNIT: &str = "#dddddd";
    /// Of the unit fills.
    pub const FILL_OPACITY: f64 = 0.85;
    /// Borders between two units.
    pub const INTERNAL_BORDER: &str = "#7d6b57";
    /// The city's outer border.
    pub const CITY_BORDER: &str = "#3d2f22";
    /// Dots of the former units.
    pub const FORMER_UNIT: &str = "#8a8f98";
    /// Office symbols: filled when the position is known, the outline when approximate.
    pub const OFFICE: &str = "#c0392b";
    /// The pale inside of an approximate office's symbol.
    pub const APPROXIMATE_OFFICE_FILL: &str = "rgba(255,255,255,0.6)";
    /// Unit names.
    pub const LABEL: &str = "#2b2118";
    /// Office names.
    pub const OFFICE_LABEL: &str = "#8e2a1f";
    /// Halos and symbol outlines.
    pub const HALO: &str = "#ffffff";

    /// The still map's streets (a basemap in the Protomaps schema drawn under the units, as
    /// its own light flavour draws them): land, water, buildings, roads and their casing.
    pub mod streets {
        /// Land.
        pub const EARTH: &str = "#e2dfda";
        /// Rivers, lagoons and the sea.
        pub const WATER: &str = "#9ecfe0";
        /// Buildings, from z14.
        pub const BUILDING: &str = "#cfc8bd";
        /// Roads.
        pub const ROAD: &str = "#ffffff";
        /// The edge of roads, so white roads show on pale land and on paper.
        pub const ROAD_CASING: &str = "#b3aa9c";
    }

    /// A size that grows linearly with the zoom between two stops, `(zoom, size)`, and stays
    /// at the end values outside them: the style's `["interpolate", ["linear"], ["zoom"], …]`.
    pub type ByZoom = [(f64, f64); 2];
    /// Width of the borders between units, in px.
    pub const INTERNAL_BORDER_WIDTH: ByZoom = [(8.0, 0.6), (14.0, 2.0)];
    /// Width of the city's outer border, in px.
    pub const CITY_BORDER_WIDTH: ByZoom = [(8.0, 1.2), (14.0, 3.0)];
    /// Radius of an approximate office's symbol, in px.
    pub const APPROXIMATE_OFFICE_RADIUS: ByZoom = [(9.0, 4.0), (14.0, 9.0)];
    /// Size of the unit names, in px.
    pub const LABEL_SIZE: ByZoom = [(9.0, 11.0), (14.0, 16.0)];
    /// Opacity of the unit fills over a street basemap: lighter the closer one zooms, so
    /// the streets show through.
    pub const FILL_OPACITY_OVER_STREETS: ByZoom = [(9.0, 0.55), (15.0, 0.2)];

    /// The size at `zoom`.
    pub fn at(stops: ByZoom, zoom: f64) -> f64 {
        let [(z0, v0), (z1, v1)] = stops;
        let t = ((zoom - z0) / (z1 - z0)).clamp(0.0, 1.0);
        v0 + t * (v1 - v0)
    }

    /// The same as a MapLibre expression.
    pub fn expression(stops: ByZoom) -> serde_json::Value {
        let [(z0, v0), (z1, v1)] = stops;
        serde_json::json!(["interpolate", ["linear"], ["zoom"], z0, v0, z1, v1])
    }
}

/// The MapLibre style (spec v8) for the five layers, labelled in [`FONT_STACK`], over
/// `basemap`.
///
/// `urls` are written as they are, so they should be absolute for a style fetched from
/// elsewhere. With a basemap underneath (tiles or a hosted style), the commune fills are
/// lighter so the streets show through, more so the closer one zooms. The metadata's `hue-map:basemap` says what is
/// underneath (`null`, `"style"` or `"tiles"`), so a client can say when there is no street map.
///
/// ```
/// use tiles::style::{style, Basemap, StyleUrls};
/// let urls = StyleUrls {
///     tilejson: "https://maps.example/hue/tiles.json".into(),
///     glyphs: "https://maps.example/fonts/{fontstack}/{range}.pbf".into(),
/// };
/// let document = style(&urls, Basemap::None);
/// assert_eq!(document["version"], 8);
/// assert_eq!(document["sources"]["hue"]["url"], "https://maps.example/hue/tiles.json");
/// assert_eq!(document["glyphs"], "https://maps.example/fonts/{fontstack}/{range}.pbf");
/// assert!(document["metadata"]["hue-map:basemap"].is_null());
/// ```
pub fn style(urls: &StyleUrls, basemap: Basemap) -> Value {
    let mut document = communes_style(urls, basemap);
    let basemap_layers = match basemap {
        Basemap::None => return document,
        // The page adds the hosted style's layers underneath, and removes our background once
        // they are in (web-viewer/src/hosted-style.js): until then, or if they never come,
        // the background stays.
        Basemap::StyleUrl(_) => None,
        Basemap::Tiles { tilejson, layers } => {
            document["sources"]["basemap"] = json!({ "type": "vector", "url": tilejson });
            Some(layers)
        }
    };
    if let Some(ours) = document["layers"].as_array_mut() {
        for fill in ours.iter_mut().filter(|layer| layer["id"] == "communes-fill") {
            fill["paint"]["fill-opacity"] = palette::expression(palette::FILL_OPACITY_OVER_STREETS);
        }
        if let Some(layers) = basemap_layers {
            // The basemap draws its own background and land; ours would hide them.
            ours.retain(|layer| layer["type"] != "background");
            let mut all = layers.to_vec();
            all.append(ours);
            *ours = all;
        }
    }
    document
}

fn communes_style(urls: &StyleUrls, basemap: Basemap) -> Value {
    let font = json!([FONT_STACK]);
    let (kind, style_url) = match basemap {
        Basemap::None => (None, None),
        Basemap::StyleUrl(url) => (Some("style"), Some(url)),
        Basemap::Tiles { .. } => (Some("tiles"), None),
    };
    json!({
        "version": 8,
        "name": "Huế communes and wards",
        "metadata": {
            "hue-map:basemap": kind,
            "hue-map:basemap-style": style_url,
            "hue-map:approximate-offices": "Hollow office symbols mark positions that are only approximate (commune label points).",
        },
        "center": [107.58, 16.46],
        "zoom": 10,
        "glyphs": urls.glyphs,
        "sources": {
            "hue": { "type": "vector", "url": urls.tilejson }
        },
        "layers": [
            { "id": "background", "type": "background", "paint": { "background-color": palette::BACKGROUND } },
            {
                "id": "communes-fill", "type": "fill", "source": "hue", "source-layer": "communes",
                "paint": {
                    "fill-color": ["match", ["get", "type"], "phuong", palette::PHUONG, "xa", palette::XA, palette::OTHER_UNIT],
                    "fill-opacity": palette::FILL_OPACITY
                }
            },
            {
                "id": "boundaries-internal", "type": "line", "source": "hue", "source-layer": "boundaries",
                "filter": ["==", ["get", "kind"], "internal"],
                "layout": { "line-join": "round" },
                "paint": { "line-color": palette::INTERNAL_BORDER, "line-width": palette::expression(palette::INTERNAL_BORDER_WIDTH) }
            },
            {
                "id": "boundaries-city", "type": "line", "source": "hue", "source-layer": "boundaries",
                "filter": ["==", ["get", "kind"], "city"],
                "layout": { "line-join": "round" },
                "paint": { "line-color": palette::CITY_BORDER, "line-width": palette::expression(palette::CITY_BORDER_WIDTH) }
            },
            {
                "id": "former-units", "type": "circle", "source": "hue", "source-layer": "former_units", "minzoom": crate::source::FORMER_UNITS_MIN_ZOOM,
                "paint": { "circle-radius": 3, "circle-color": palette::FORMER_UNIT, "circle-stroke-color": palette::HALO, "circle-stroke-width": 1 }
            },
            {
                "id": "offices-exact", "type": "circle", "source": "hue", "source-layer": "offices",
                "filter": ["==", ["get", "position_is_exact"], true],
                "paint": { "circle-radius": 6, "circle-color": palette::OFFICE, "circle-stroke-color": palette::HALO, "circle-stroke-width": 2 }
            },
            {
                "id": "offices-approximate", "type": "circle", "source": "hue", "source-layer": "offices",
                "filter": ["!=", ["get", "position_is_exact"], true],
                "paint": {
                    "circle-radius": palette::expression(palette::APPROXIMATE_OFFICE_RADIUS),
                    "circle-color": palette::APPROXIMATE_OFFICE_FILL,
                    "circle-stroke-color": palette::OFFICE,
                    "circle-stroke-width": 2
                }
            },
            {
                "id": "commune-labels", "type": "symbol", "source": "hue", "source-layer": "labels",
                "layout": {
                    "text-field": ["get", "name"],
                    "text-font": font,
                    "text-size": palette::expression(palette::LABEL_SIZE),
                    "text-max-width": 8
                },
                "paint": { "text-color": palette::LABEL, "text-halo-color": palette::HALO, "text-halo-width": 1.5 }
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
                "paint": { "text-color": palette::OFFICE_LABEL, "text-halo-color": palette::HALO, "text-halo-width": 1.5 }
            }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls() -> StyleUrls {
        StyleUrls { tilejson: "/tiles.json".into(), glyphs: "/fonts/{fontstack}/{range}.pbf".into() }
    }

    #[test]
    fn basemap_tiles_go_under_every_layer_of_ours() {
        let streets = [
            json!({"id": "basemap-earth", "type": "fill", "source": "basemap", "source-layer": "earth"}),
            json!({"id": "basemap-roads", "type": "line", "source": "basemap", "source-layer": "roads"}),
        ];
        let document = style(&urls(), Basemap::Tiles { tilejson: "/basemap.json", layers: &streets });
        assert_eq!(document["sources"]["basemap"]["url"], "/basemap.json");
        assert_eq!(document["metadata"]["hue-map:basemap"], "tiles");
        let ids: Vec<&str> = document["layers"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
        assert_eq!(&ids[..3], ["basemap-earth", "basemap-roads", "communes-fill"]);
        assert!(!ids.contains(&"background"), "our background would hide the streets");
        assert!(document["layers"][2]["paint"]["fill-opacity"].is_array(), "lighter fills over streets");
    }

    #[test]
    fn without_a_basemap_the_metadata_says_so() {
        let plain = style(&urls(), Basemap::None);
        assert!(plain["metadata"]["hue-map:basemap"].is_null());
        assert_eq!(plain["layers"][0]["id"], "background");
        let hosted = style(&urls(), Basemap::StyleUrl("https://maps.example/style.json"));
        assert_eq!(hosted["metadata"]["hue-map:basemap"], "style");
        assert_eq!(hosted["metadata"]["hue-map:basemap-style"], "https://maps.example/style.json");
        assert_eq!(hosted["layers"][0]["id"], "background", "kept until the page has the hosted layers");
        assert!(hosted["layers"][1]["paint"]["fill-opacity"].is_array(), "lighter fills over streets");
        assert!(hosted["sources"].get("basemap").is_none());
    }
}
