//! Byte-range responses (RFC 9110 §14) for files served from memory, so FlatGeobuf clients
//! can fetch the header, the index and then only the features a bbox needs.

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::http::conditional::validated;
use crate::http::problem::Problem;

/// Short enough that a data correction reaches downloads quickly; the ETag makes a re-fetch
/// of an unchanged file a range request away.
const EXPORT_CACHE_CONTROL: &str = "public, max-age=300";

/// Answers a GET for `body`: 200 with the whole body, 206 with one range, 416 when the
/// range lies outside it, 400 when the Range header is not `bytes=…` syntax. A request with several ranges, or whose `If-Range` does not match
/// `etag`, gets the whole body, which RFC 9110 allows.
pub fn respond(headers: &HeaderMap, body: Bytes, content_type: &'static str, etag: &str, filename: &str) -> Response {
    let length = body.len() as u64;
    let mut response = match requested_range(headers, length, etag) {
        Ok(Some((start, end))) => {
            let mut response = (StatusCode::PARTIAL_CONTENT, body.slice(start as usize..=end as usize)).into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("bytes {start}-{end}/{length}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            response
        }
        Ok(None) => (StatusCode::OK, body).into_response(),
        Err(RangeError::Malformed(reason)) => return Problem::invalid_param("Range", reason).into_response(),
        Err(RangeError::Unsatisfiable(reason)) => {
            let mut response =
                Problem::new(StatusCode::RANGE_NOT_SATISFIABLE, format!("{reason}; the file is {length} bytes"))
                    .into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{length}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            return response;
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    validated(response, etag, EXPORT_CACHE_CONTROL)
}

enum RangeError {
    Malformed(String),
    Unsatisfiable(String),
}

/// The one range to serve, `None` for the whole body, or why the range cannot be served.
fn requested_range(headers: &HeaderMap, length: u64, etag: &str) -> Result<Option<(u64, u64)>, RangeError> {
    let Some(raw) = headers.get(header::RANGE) else { return Ok(None) };
    if let Some(if_range) = headers.get(header::IF_RANGE) {
        if if_range.as_bytes() != etag.as_bytes() {
            return Ok(None);
        }
    }
    let raw = raw.to_str().map_err(|_| RangeError::Malformed("the Range header is not text".into()))?;
    let parsed = http_range_header::parse_range_header(raw)
        .map_err(|e| RangeError::Malformed(format!("{raw:?} is not a byte range such as bytes=0-1023 ({e:?})")))?;
    if length == 0 {
        return Err(RangeError::Unsatisfiable("the file is empty".into()));
    }
    let ranges = parsed
        .validate(length)
        .map_err(|e| RangeError::Unsatisfiable(format!("the range {raw:?} cannot be served ({e:?})")))?;
    match ranges.as_slice() {
        [one] if one.start() <= one.end() && *one.start() < length => Ok(Some((*one.start(), *one.end()))),
        [_] => Err(RangeError::Unsatisfiable(format!("the range {raw:?} starts after the end of the file"))),
        _ => Ok(None),
    }
}
