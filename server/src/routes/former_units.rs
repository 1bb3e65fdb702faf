//! `GET /api/v1/former-units?q=…` and `GET /api/v1/former-units/{old_code}`: the 133 units
//! before 1 July 2025, each with the new unit it joined and the legal basis.

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use data_boundaries::text::fold;
use data_boundaries::{Dataset, FormerUnit};
use serde_json::{json, Value};

use crate::params::QueryParams;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::FormerUnitView;

fn with_new_unit(data: &Dataset, unit: &FormerUnit) -> Value {
    let mut value = serde_json::to_value(FormerUnitView::from(unit)).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        let new_unit = data.commune_by_code(&unit.new_code).map(|i| &data.communes[i]);
        object.insert(
            "new_unit".into(),
            new_unit.map_or(Value::Null, |c| json!({"code": c.code, "name": c.name, "full_name": c.full_name, "type": c.unit_type})),
        );
        object.insert("effective_date".into(), "2025-07-01".into());
    }
    value
}

pub async fn list(State(state): State<AppState>, RawQuery(query): RawQuery) -> ApiResult<Json<Value>> {
    let params = QueryParams::parse(query.as_deref())?;
    let q = params.single("q")?.map(fold).filter(|q| !q.is_empty());
    let snapshot = state.current();
    let data = &snapshot.data;
    let units: Vec<Value> = data
        .former_units
        .iter()
        .filter(|u| q.as_ref().is_none_or(|q| fold(&u.old_name).contains(q.as_str()) || fold(&u.old_district).contains(q.as_str())))
        .map(|u| with_new_unit(data, u))
        .collect();
    Ok(Json(json!({ "count": units.len(), "former_units": units })))
}

pub async fn one(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<Json<Value>> {
    let snapshot = state.current();
    let data = &snapshot.data;
    let unit = data
        .former_units
        .iter()
        .find(|u| u.old_code == code)
        .ok_or_else(|| Problem::not_found(format!("no former unit has code {code:?}")))?;
    Ok(Json(with_new_unit(data, unit)))
}
