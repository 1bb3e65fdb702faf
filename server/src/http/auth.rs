//! Who is writing: `Authorization: Bearer TOKEN` on every registry write, checked against
//! the registry's token digests at every request (so a token created or revoked with the
//! command line counts at once, on every replica). A missing or unknown token is 401 with
//! `WWW-Authenticate`; a valid token without the right is 403, decided by the registry.
//!
//! Failed sign-ins are counted per client and per client and token id. A correct token is
//! always let in, whatever others' failures: checking one costs a SHA-256 and an indexed read
//! ([`registry::Registry::authenticate`]), so there is no work to ration. The counts only
//! turn a guesser's 401s into 429s with `Retry-After`, and show in the metrics.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use registry::{Actor, Role};

use super::problem::Problem;
use crate::net::client::ClientAddr;
use crate::state::AppState;

/// A signed-in member of staff (an editor or an admin).
pub struct Staff(pub Actor);

/// A signed-in admin.
pub struct Admin(pub Actor);

fn unauthorized(detail: &str, error: Option<&str>) -> Problem {
    let challenge = match error {
        Some(error) => format!("Bearer realm=\"hue-map\", error=\"{error}\""),
        None => "Bearer realm=\"hue-map\"".to_string(),
    };
    Problem::new(StatusCode::UNAUTHORIZED, detail).with_header(header::WWW_AUTHENTICATE, &challenge)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Staff, Problem> {
        let Some(link) = state.registry.clone() else {
            return Err(Problem::not_found("this server keeps no office registry"));
        };
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string())
            .ok_or_else(|| unauthorized("send Authorization: Bearer <token> (hue-map token create)", None))?;
        let client = parts.extensions.get::<ClientAddr>().map(|client| client.key());
        let token_id = registry::token_id(&presented).map(str::to_string);
        if let Some(actor) = link.authenticate(presented).await? {
            return Ok(Staff(actor));
        }
        metrics::counter!("hue_map_sign_in_failures_total").increment(1);
        match state.auth_failures.record(client, token_id.as_deref()) {
            Some(wait) => {
                Err(Problem::new(StatusCode::TOO_MANY_REQUESTS, "too many failed sign-ins from this address")
                    .with_header(header::RETRY_AFTER, &wait.as_secs().max(1).to_string()))
            }
            None => Err(unauthorized("the token is unknown or revoked", Some("invalid_token"))),
        }
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Admin, Problem> {
        let Staff(actor) = Staff::from_request_parts(parts, state).await?;
        if actor.role != Role::Admin {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                format!("{} is an editor; this needs an admin token", actor.name),
            ));
        }
        Ok(Admin(actor))
    }
}
