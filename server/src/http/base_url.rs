//! The absolute base URL for links in responses (TileJSON, the style, OGC API links):
//! `--public-url` when the operator set one (behind a proxy), else the request's own Host.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use std::convert::Infallible;

use crate::state::AppState;

/// `https://maps.example.vn` or `http://127.0.0.1:8080`, without a trailing slash.
pub struct BaseUrl(pub String);

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<BaseUrl, Infallible> {
        if let Some(url) = &state.settings.public_url {
            return Ok(BaseUrl(url.trim_end_matches('/').to_string()));
        }
        let header = |name| parts.headers.get(name).and_then(|v: &axum::http::HeaderValue| v.to_str().ok());
        let host = header(header::HOST).unwrap_or("127.0.0.1:8080");
        let scheme = header(header::HeaderName::from_static("x-forwarded-proto")).unwrap_or("http");
        Ok(BaseUrl(format!("{scheme}://{host}")))
    }
}
