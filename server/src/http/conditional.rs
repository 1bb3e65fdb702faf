//! Conditional requests (RFC 9110 §13). Every cacheable answer is written the same way:
//! [`unchanged`] gives the 304 when the client's copy is current, and [`validated`] puts the
//! ETag and the cache policy on the full answer, so the two never disagree. Registry offices
//! carry their version in the ETag, and a write must name the version it changes in
//! `If-Match` (428 without it, 412 when it is stale).

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub use super::etag::etag;
use super::problem::Problem;

/// The version a write names in `If-Match`: 428 when there is none, 400 when it is not an
/// ETag of ours.
pub fn required_version(headers: &HeaderMap) -> Result<u64, Problem> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Err(Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "send If-Match with the office's ETag (from GET), so that no edit overwrites another unseen",
        ));
    };
    let text = value.to_str().unwrap_or("").trim();
    text.strip_prefix("\"v").and_then(|rest| rest.strip_suffix('"')).and_then(|digits| digits.parse().ok()).ok_or_else(
        || Problem::invalid_param("If-Match", format!("must be one office ETag such as \"v3\", got {text:?}")),
    )
}

/// The 304 for a request whose `If-None-Match` lists `etag`, with the same validators and
/// cache policy the full answer has; `None` when the client has no current copy.
pub fn unchanged(request: &HeaderMap, etag: &str, cache_control: &'static str) -> Option<Response> {
    none_match(request, etag).then(|| validated(StatusCode::NOT_MODIFIED.into_response(), etag, cache_control))
}

/// `response` with its ETag and `Cache-Control`.
pub fn validated(mut response: Response, etag: &str, cache_control: &'static str) -> Response {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    response
}

/// True when `If-None-Match` lists `etag` (or `*`).
pub fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        },
    )
}
