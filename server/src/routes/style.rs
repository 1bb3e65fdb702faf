//! `GET /style.json`: a MapLibre GL style (v8) for our layers, with our own glyphs, so the
//! map works with no outside request.

use axum::extract::State;
use axum::Json;
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};

use tiles::style::{Basemap, StyleUrls};

use crate::http::BaseUrl;
use crate::state::AppState;

/// A MapLibre GL style for the vector tiles, with our glyphs.
#[utoipa::path(get, path = "/style.json", tag = "tiles", responses((status = 200, description = "MapLibre style v8", body = Object)))]
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
