//! `POST /admin/reload`: reload the dataset. Present only when `HUE_MAP_ADMIN_TOKEN` is set;
//! requires `Authorization: Bearer <token>`, compared in constant time.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;

use crate::boot::reload::Reloader;
use crate::http::problem::{ApiResult, Problem};
use crate::state::AppState;

/// What the admin routes need: the state to reload, the reloader and the token to check.
#[derive(Clone)]
pub struct AdminState {
    pub app: AppState,
    pub reloader: Reloader,
    pub token: String,
}

/// Reloads the dataset now; 422 with the reason when the new data is refused.
async fn reload(State(admin): State<AdminState>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| Problem::new(StatusCode::UNAUTHORIZED, "send Authorization: Bearer <admin token>"))?;
    if !bool::from(presented.as_bytes().ct_eq(admin.token.as_bytes())) {
        return Err(Problem::new(StatusCode::FORBIDDEN, "the admin token is not valid"));
    }
    match admin.reloader.reload(&admin.app).await {
        Ok(version) => Ok(Json(json!({"status": "reloaded", "dataset_version": version}))),
        Err(reason) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "the new dataset was refused and the previous one ({}) is still served: {reason}",
                admin.app.current().data.version
            ),
        )),
    }
}

/// This module's route (not in the OpenAPI document: it is for the operator).
pub fn router(admin: AdminState) -> axum::Router<AppState> {
    axum::Router::new().route("/admin/reload", axum::routing::post(reload)).with_state(admin)
}
