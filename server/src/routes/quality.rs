//! `GET /api/v1/quality`: the validation report of the dataset being served.

use axum::extract::State;
use axum::Json;
use data_boundaries::Severity;
use serde_json::{json, Value};

use crate::state::AppState;

pub async fn report(State(state): State<AppState>) -> Json<Value> {
    let snapshot = state.current();
    let data = &snapshot.data;
    let report = &data.report;
    Json(json!({
        "dataset_version": data.version,
        "summary": {
            "fatal": report.count(Severity::Fatal),
            "warning": report.count(Severity::Warning),
            "info": report.count(Severity::Info),
        },
        "findings": report.findings,
    }))
}
