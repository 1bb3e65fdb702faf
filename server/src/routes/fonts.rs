//! `GET /fonts/{fontstack}/{start}-{end}.pbf`: SDF glyph ranges (DejaVu Sans, which covers
//! Vietnamese) for the style's labels. They do not depend on the data, so each range is
//! rendered once per process and kept.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

use tiles::glyphs::GlyphRange;

use crate::http::media::PROTOBUF;
use crate::http::{ApiResult, Problem};
use crate::state::AppState;

/// `GET /fonts/{fontstack}/{range}.pbf`: SDF glyphs for the style's labels.
pub async fn glyphs(
    State(state): State<AppState>,
    Path((font_stack, range_file)): Path<(String, String)>,
) -> ApiResult<Response> {
    let range = range_file.strip_suffix(".pbf").ok_or_else(|| {
        Problem::invalid_param("range", format!("glyphs are served as {{start}}-{{end}}.pbf, got {range_file:?}"))
    })?;
    let range = parse_range(range)?;
    if !tiles::glyphs::serves(&font_stack) {
        return Err(Problem::not_found(format!(
            "no glyphs for font stack {font_stack:?}; this server has {:?}",
            tiles::glyphs::FONT_STACK
        )));
    }
    let cached = state.glyphs.lock().ok().and_then(|cache| cache.get(&range.start()).cloned());
    let bytes = match cached {
        Some(bytes) => bytes,
        None => {
            let rendered =
                tokio::task::spawn_blocking(move || tiles::glyphs::glyph_range(&font_stack, range)).await??;
            let bytes = std::sync::Arc::new(rendered);
            if let Ok(mut cache) = state.glyphs.lock() {
                cache.insert(range.start(), bytes.clone());
            }
            bytes
        }
    };
    let mut response = bytes.as_ref().clone().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROTOBUF));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    Ok(response)
}

/// `0-255` → the range; a 400 naming `range` for anything else.
fn parse_range(text: &str) -> ApiResult<GlyphRange> {
    let bad = |why: String| Problem::invalid_param("range", format!("{text:?} is not a glyph range: {why}"));
    let (start, end) = text.split_once('-').ok_or_else(|| bad("expected {start}-{end}".into()))?;
    let number = |part: &str| part.parse::<u32>().map_err(|_| bad(format!("{part:?} is not a whole number")));
    GlyphRange::new(number(start)?, number(end)?).map_err(|e| bad(e.to_string()))
}

/// This module's route (not in the OpenAPI document: it serves the style's glyphs).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/fonts/{fontstack}/{range}", get(glyphs))
}
