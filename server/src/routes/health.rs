//! `GET /healthz`: the process is up and has a dataset.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::state::AppState;

pub async fn healthz(State(state): State<AppState>) -> Json<Value> {
    let snapshot = state.current();
    let data = &snapshot.data;
    Json(json!({"status": "ok", "dataset_version": data.version, "communes": data.communes.len()}))
}
