//! Conditional requests (RFC 9110 §13) on registry offices: the ETag carries the office's
//! version, a write must name the version it changes in `If-Match` (428 without it, 412 when
//! it is stale), and a read answers 304 to `If-None-Match` with the current ETag.

use axum::http::{header, HeaderMap, StatusCode};

use super::problem::Problem;

/// The strong ETag of an office version: `"v7"`.
pub fn etag(version: u64) -> String {
    format!("\"v{version}\"")
}

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

/// True when `If-None-Match` lists `etag` (or `*`).
pub fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        },
    )
}
