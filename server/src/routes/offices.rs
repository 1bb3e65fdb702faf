//! `GET /api/v1/offices` and `GET /api/v1/offices/{id}`.

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde_json::{json, Value};

use crate::params::QueryParams;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::OfficeView;

pub async fn list(State(state): State<AppState>, RawQuery(query): RawQuery) -> ApiResult<Json<Value>> {
    let kinds = QueryParams::parse(query.as_deref())?.office_kinds()?;
    let snapshot = state.current();
    let data = &snapshot.data;
    let offices: Vec<OfficeView> = data
        .offices
        .iter()
        .filter(|o| kinds.is_empty() || kinds.contains(&o.kind))
        .map(|o| OfficeView::new(o, None))
        .collect();
    Ok(Json(json!({ "count": offices.len(), "offices": offices })))
}

pub async fn one(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let snapshot = state.current();
    let data = &snapshot.data;
    let index = data.office_by_id(&id).ok_or_else(|| Problem::not_found(format!("no office has id {id:?}")))?;
    Ok(Json(serde_json::to_value(OfficeView::new(&data.offices[index], None)).unwrap_or_default()))
}
