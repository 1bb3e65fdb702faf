//! The media types this service speaks, in one place.

/// RFC 9457 problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";
/// Plain JSON.
pub const JSON: &str = "application/json";
/// RFC 7946 GeoJSON.
pub const GEOJSON: &str = "application/geo+json";
/// RFC 7396 JSON merge patch.
pub const MERGE_PATCH_JSON: &str = "application/merge-patch+json";
/// FlatGeobuf, served with byte ranges (never re-compressed: ranges address its own bytes).
pub const FLATGEOBUF: &str = "application/flatgeobuf";
/// Mapbox Vector Tiles 2.1.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";
/// Protocol buffers (the glyph ranges).
pub const PROTOBUF: &str = "application/x-protobuf";
/// The OpenAPI document as OpenAPI 3.0 (what OGC API – Features links to).
pub const OPENAPI_30: &str = "application/vnd.oai.openapi+json;version=3.0";
/// The OpenAPI document as OpenAPI 3.1.
pub const OPENAPI_31: &str = "application/vnd.oai.openapi+json;version=3.1";
/// Prometheus' text exposition format.
pub const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4";
/// CSV, for audit downloads.
pub const CSV: &str = "text/csv; charset=utf-8";

/// A body with its media type.
pub fn typed(body: axum::body::Bytes, media_type: &'static str) -> axum::response::Response {
    use axum::response::IntoResponse;
    ([(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static(media_type))], body).into_response()
}
