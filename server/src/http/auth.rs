//! Who is writing: `Authorization: Bearer TOKEN` on every registry write, checked against
//! the registry's token hashes (so a token created or revoked with the command line counts
//! at once, on every replica). A missing or unknown token is 401 with `WWW-Authenticate`;
//! a valid token without the right is 403, decided by the registry.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use registry::{Actor, Role};

use super::problem::Problem;
use crate::rate_limit::ClientAddr;
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
        let client = parts.extensions.get::<ClientAddr>().map(|ClientAddr(addr)| addr.ip());
        if let Some(wait) = state.auth_failures.waiting(client) {
            return Err(Problem::new(StatusCode::TOO_MANY_REQUESTS, "too many failed sign-ins from this address")
                .with_header(header::RETRY_AFTER, &wait.as_secs().max(1).to_string()));
        }
        let found = link.authenticate(presented).await?;
        match found {
            Some(actor) => Ok(Staff(actor)),
            None => {
                state.auth_failures.record(client);
                Err(unauthorized("the token is unknown or revoked", Some("invalid_token")))
            }
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
