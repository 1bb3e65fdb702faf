//! `GET /style.json`: a MapLibre GL style (v8) for our layers, with our own glyphs, so the
//! map works with no outside request.

use axum::extract::State;
use axum::Json;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use tiles::style::{Basemap, StyleUrls};

use crate::http::BaseUrl;
use crate::state::AppState;

/// The top of a MapLibre style (v8), as `tiles::style` builds it: what the API description
/// says of `/style.json`. The document itself is built as JSON (layers are data, not Rust
/// types); schemathesis checks each real answer against this schema.
#[derive(ToSchema)]
#[allow(dead_code)] // a schema, never built
pub struct MapLibreStyle {
    /// Always 8.
    version: u8,
    name: String,
    /// `hue-map:basemap` says which basemap the style draws under the communes (`tiles`,
    /// `style` or none), `hue-map:basemap-style` the hosted style's URL.
    #[schema(value_type = Object)]
    metadata: Value,
    /// Longitude and latitude to open at.
    center: [f64; 2],
    zoom: f64,
    /// Source name to MapLibre source (`hue`: our TileJSON; `basemap`: the street map's).
    #[schema(value_type = Object)]
    sources: Value,
    /// The glyph URL template (`{fontstack}`, `{range}`).
    glyphs: String,
    /// MapLibre layers, bottom first.
    #[schema(value_type = Vec<Object>)]
    layers: Vec<Value>,
}

/// A MapLibre GL style for the vector tiles, with our glyphs.
#[utoipa::path(get, path = "/style.json", tag = "tiles", responses((status = 200, description = "MapLibre style v8", body = MapLibreStyle)))]
pub async fn style(State(state): State<AppState>, BaseUrl(base): BaseUrl) -> Json<Value> {
    let urls = StyleUrls {
        tilejson: format!("{base}/tiles.json"),
        glyphs: format!("{base}/fonts/{{fontstack}}/{{range}}.pbf"),
    };
    let basemap_tilejson = format!("{base}/basemap.json");
    let basemap = match (&state.settings.basemap, state.settings.basemap_style.as_ref()) {
        (Some(streets), _) => Basemap::Tiles { tilejson: &basemap_tilejson, layers: &streets.layers },
        (None, Some(hosted)) => Basemap::StyleUrl(&hosted.url),
        (None, None) => Basemap::None,
    };
    Json(tiles::style::style(&urls, basemap))
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(style))
}
