//! RFC 9457 problem details: the one error type every handler returns, rendered once as
//! `application/problem+json`, so every client sees the same error shape.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

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
        }
    }

    /// A 400 naming the offending query or body parameter.
    pub fn invalid_param(name: impl Into<String>, reason: impl Into<String>) -> Problem {
        let (name, reason) = (name.into(), reason.into());
        let mut problem = Problem::new(StatusCode::BAD_REQUEST, format!("{name}: {reason}"));
        problem.invalid_params.push(InvalidParam { name, reason });
        problem
    }

    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, detail)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

pub type ApiResult<T> = Result<T, Problem>;
