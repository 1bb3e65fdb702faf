//! JSON request bodies as extractors: the media type is checked (415, as RFC 9110 says),
//! the body limit becomes a 413 problem, and a body that does not parse is a 400 that says
//! what the body should look like. Batches also enforce their item limit (413).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::problem::Problem;

/// A JSON body parsed into `T` (any `application/json` or `application/*+json` body).
pub struct JsonBody<T>(pub T);

/// A request body that carries a list of items, with a limit on how many.
pub trait Batch: DeserializeOwned {
    /// At most this many items per request; more is a 413.
    const MAX: usize;
    /// What the items are called in messages, e.g. "points".
    const ITEMS: &'static str;
    /// The body's shape for the 400 message, e.g. `{"points": [[lon, lat], ...]}`.
    const SHAPE: &'static str;
    /// How many items this body carries.
    fn count(&self) -> usize;
}

/// A JSON batch body, parsed and within its item limit.
pub struct JsonBatch<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<JsonBody<T>, Problem> {
        let bytes = json_bytes(request, state, "").await?;
        registry::json_keys::check(&bytes).map_err(|why| Problem::new(StatusCode::BAD_REQUEST, why))?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            Problem::new(StatusCode::BAD_REQUEST, format!("the body is not valid JSON for this request: {e}"))
        })
    }
}

impl<S: Send + Sync, T: Batch + Send + 'static> FromRequest<S> for JsonBatch<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<JsonBatch<T>, Problem> {
        let limit_hint = format!(" for {} {}", T::MAX, T::ITEMS);
        let bytes = json_bytes(request, state, &limit_hint).await?;
        // Up to 2 MiB of JSON, read twice (repeated keys, then the batch): CPU work, off the
        // async workers.
        let batch: T = crate::cpu::run(move || {
            registry::json_keys::check(&bytes).map_err(|why| Problem::new(StatusCode::BAD_REQUEST, why))?;
            serde_json::from_slice(&bytes)
                .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, format!("the body must be {}: {e}", T::SHAPE)))
        })
        .await??;
        if batch.count() > T::MAX {
            return Err(Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("{} {} sent; at most {} per request", batch.count(), T::ITEMS, T::MAX),
            ));
        }
        Ok(JsonBatch(batch))
    }
}

/// The body's bytes, once its media type says JSON; `limit_hint` completes the 413 message.
async fn json_bytes<S: Send + Sync>(request: Request, state: &S, limit_hint: &str) -> Result<Bytes, Problem> {
    require_json(request.headers())?;
    Bytes::from_request(request, state).await.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            Problem::new(StatusCode::PAYLOAD_TOO_LARGE, format!("the body is larger than the limit{limit_hint}"))
        }
        status => Problem::new(status, e.body_text()),
    })
}

/// Refuses bodies that do not declare JSON, with 415 as RFC 9110 says.
pub fn require_json(headers: &HeaderMap) -> Result<(), Problem> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json")) {
        return Ok(());
    }
    let got = if content_type.is_empty() { "no Content-Type" } else { content_type };
    Err(Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("send the body as application/json (got {got:?})")))
}
