//! `GET /api/v1/quality`: the validation report of the dataset being served.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use data_boundaries::{Finding, Severity};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, ToSchema)]
pub struct FindingCounts {
    pub fatal: usize,
    pub warning: usize,
    pub info: usize,
}

#[derive(Serialize, ToSchema)]
pub struct QualityView<'a> {
    pub dataset_version: &'a str,
    pub summary: FindingCounts,
    /// Most severe first.
    pub findings: &'a [Finding],
}

/// What validation found in the served dataset: overlaps, gaps, misplaced points, and more.
#[utoipa::path(get, path = "/api/v1/quality", tag = "planners",
    responses((status = 200, description = "The quality report", body = QualityView)))]
pub async fn report(State(state): State<AppState>) -> Response {
    let snapshot = state.current();
    let data = &snapshot.data;
    let report = &data.report;
    Json(QualityView {
        dataset_version: &data.version,
        summary: FindingCounts {
            fatal: report.count(Severity::Fatal),
            warning: report.count(Severity::Warning),
            info: report.count(Severity::Info),
        },
        findings: &report.findings,
    })
    .into_response()
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report))
}
