//! RFC 9457 problem details: the one error type every handler returns, rendered once as
//! `application/problem+json`, so every client sees the same error shape.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

pub use super::media::PROBLEM_JSON;

/// A request that could not be answered, and why, in words a client developer can act on
/// (RFC 9457 problem details, served as `application/problem+json`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `about:blank`: the status code says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    #[serde(serialize_with = "serialize_status")]
    #[schema(value_type = u16)]
    pub status: StatusCode,
    pub detail: String,
    /// For parameter errors: which parameter, and what was wrong with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invalid_params: Vec<InvalidParam>,
    /// Headers the answer needs (`Retry-After`, `WWW-Authenticate`, `ETag`).
    #[serde(skip)]
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

/// One parameter that was wrong, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvalidParam {
    pub name: String,
    pub reason: String,
}

fn serialize_status<S: serde::Serializer>(status: &StatusCode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u16(status.as_u16())
}

impl Problem {
    /// A problem whose type is `about:blank`: the status code says it all (RFC 9457 §4.2.1).
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status,
            detail: detail.into(),
            invalid_params: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// A 400 naming the offending query or body parameter.
    pub fn invalid_param(name: impl Into<String>, reason: impl Into<String>) -> Problem {
        let (name, reason) = (name.into(), reason.into());
        let mut problem = Problem::new(StatusCode::BAD_REQUEST, format!("{name}: {reason}"));
        problem.invalid_params.push(InvalidParam { name, reason });
        problem
    }

    /// A 404.
    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, detail)
    }

    /// A problem listing every invalid field at once (each in `invalid_params`).
    pub fn invalid_fields(status: StatusCode, errors: &[registry::FieldError]) -> Problem {
        let list: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.reason)).collect();
        let mut problem = Problem::new(status, list.join("; "));
        problem.invalid_params =
            errors.iter().map(|e| InvalidParam { name: e.field.clone(), reason: e.reason.clone() }).collect();
        problem
    }

    /// The same problem with one more header.
    pub fn with_header(mut self, name: HeaderName, value: &str) -> Problem {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }

    /// 503 with `Retry-After`: the store is unreachable; the request can be repeated as is.
    pub fn unavailable(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, detail).with_header(header::RETRY_AFTER, "5")
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

/// What a handler returns: its answer, or the problem that prevented it.
pub type ApiResult<T> = Result<T, Problem>;

/// A blocking task (rendering, a store call) that panicked or was cancelled.
impl From<tokio::task::JoinError> for Problem {
    fn from(error: tokio::task::JoinError) -> Problem {
        tracing::error!(%error, "a background task failed");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error; it has been logged")
    }
}

/// The FlatGeobuf export could not be encoded (a bug or a geometry the format refuses).
impl From<&crate::formats::fgb::FgbError> for Problem {
    fn from(error: &crate::formats::fgb::FgbError) -> Problem {
        tracing::error!(%error, "FlatGeobuf export failed");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "the FlatGeobuf export could not be built; it has been logged")
    }
}

/// A glyph range could not be rendered from the embedded font.
impl From<tiles::glyphs::GlyphError> for Problem {
    fn from(error: tiles::glyphs::GlyphError) -> Problem {
        tracing::error!(%error, "glyph rendering failed");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "the glyphs could not be rendered; it has been logged")
    }
}

/// The registry could not be read.
impl From<registry::StoreError> for Problem {
    fn from(error: registry::StoreError) -> Problem {
        if error.is_unavailable() {
            // What the database said (file paths, host names) is for the operator's log only.
            tracing::warn!(%error, "office registry unavailable");
            return Problem::unavailable(
                "the registry cannot be read or written right now; reads of the map still answer, retry shortly",
            );
        }
        if let registry::StoreError::Busy { .. } = error {
            return Problem::new(StatusCode::SERVICE_UNAVAILABLE, error.to_string())
                .with_header(header::RETRY_AFTER, "1");
        }
        tracing::error!(%error, "office registry error");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "the office registry failed; it has been logged")
    }
}

/// A registry write was refused; nothing was written.
impl From<registry::WriteError> for Problem {
    fn from(error: registry::WriteError) -> Problem {
        use registry::WriteError as E;
        metrics::counter!("hue_map_registry_rejected_writes_total", "reason" => rejection_label(&error)).increment(1);
        match error {
            E::Invalid(errors) => Problem::invalid_fields(StatusCode::UNPROCESSABLE_ENTITY, &errors),
            E::Forbidden { .. } => Problem::new(StatusCode::FORBIDDEN, error.to_string()),
            E::NotFound { .. } => Problem::not_found(error.to_string()),
            // A closed office conflicts with a report or a resolution about it; its own URL
            // answers 410 instead (`routes/offices/office.rs`).
            E::AlreadyExists { .. } | E::NoChange { .. } | E::AlreadyResolved { .. } | E::Closed { .. } => {
                Problem::new(StatusCode::CONFLICT, error.to_string())
            }
            E::VersionMismatch { ref current } => {
                let etag = super::etag::etag(current.version);
                Problem::new(StatusCode::PRECONDITION_FAILED, error.to_string()).with_header(header::ETAG, &etag)
            }
            E::Unavailable { .. } => {
                tracing::warn!(%error, "office registry write refused");
                Problem::unavailable("the registry cannot be written right now; nothing was written, retry shortly")
            }
            E::Store(store) => Problem::from(store),
        }
    }
}

fn rejection_label(error: &registry::WriteError) -> &'static str {
    use registry::WriteError as E;
    match error {
        E::Invalid(_) => "invalid",
        E::Forbidden { .. } => "forbidden",
        E::NotFound { .. } => "not_found",
        E::AlreadyExists { .. } => "already_exists",
        E::VersionMismatch { .. } => "version_mismatch",
        E::Closed { .. } => "closed",
        E::NoChange { .. } => "no_change",
        E::AlreadyResolved { .. } => "already_resolved",
        E::Unavailable { .. } => "unavailable",
        E::Store(_) => "store_error",
    }
}
