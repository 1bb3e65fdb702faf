//! `GET /docs`: Scalar's API reference over `/openapi.json`, and `GET /docs/scalar.js`, its
//! script, served by us so the page works offline and under our Content-Security-Policy.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The reference page.
async fn docs() -> Response {
    let page = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hue-map API</title>
</head>
<body>
<script id="api-reference" data-url="/openapi.json" data-configuration='{"withDefaultFonts": false, "hideClientButton": true}'></script>
<script src="/docs/scalar.js"></script>
</body>
</html>"#;
    let mut response = Html(page).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"),
    );
    response
}

/// Scalar's script.
async fn scalar_script(headers: HeaderMap) -> Response {
    crate::assets::scalar_script(&headers)
}

/// This module's routes (not in the OpenAPI document: they render it).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/docs", get(docs)).route("/docs/scalar.js", get(scalar_script))
}
