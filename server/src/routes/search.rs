//! `GET /api/v1/search?q=…&limit=…`: communes, former units (with the unit they joined) and
//! offices by name, diacritics-insensitive, ranked exact → prefix → substring.

use axum::extract::{RawQuery, State};
use axum::Json;
use data_boundaries::search::{MatchKind, Target};
use serde_json::{json, Value};

use crate::params::QueryParams;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::OfficeView;

pub async fn search(State(state): State<AppState>, RawQuery(query): RawQuery) -> ApiResult<Json<Value>> {
    let params = QueryParams::parse(query.as_deref())?;
    let q = params.single("q")?.ok_or_else(|| Problem::invalid_param("q", "is required"))?.to_string();
    if q.chars().count() > 200 {
        return Err(Problem::invalid_param("q", "must be at most 200 characters"));
    }
    let limit = params.integer_in("limit", 10, 1, 50)? as usize;
    let snapshot = state.current();
    let data = &snapshot.data;
    let results: Vec<Value> = snapshot
        .search
        .search(&q, limit)
        .into_iter()
        .map(|hit| {
            let matched = match hit.kind {
                MatchKind::Exact => "exact",
                MatchKind::Prefix => "prefix",
                MatchKind::Substring => "substring",
            };
            match hit.target {
                Target::Commune(i) => {
                    let c = &data.communes[i];
                    json!({"kind": "commune", "match": matched, "code": c.code, "name": c.name, "full_name": c.full_name, "type": c.unit_type})
                }
                Target::FormerUnit(i) => {
                    let u = &data.former_units[i];
                    let new_unit = data.commune_by_code(&u.new_code).map(|n| &data.communes[n]);
                    json!({
                        "kind": "former_unit", "match": matched,
                        "code": u.old_code, "name": u.old_name, "district": u.old_district,
                        "lon": u.lon, "lat": u.lat, "position_precision": u.position_precision,
                        "new_unit": new_unit.map(|n| json!({"code": n.code, "name": n.name, "full_name": n.full_name})),
                    })
                }
                Target::Office(i) => {
                    let o = &data.offices[i];
                    json!({"kind": "office", "match": matched, "office": OfficeView::new(o, None)})
                }
            }
        })
        .collect();
    Ok(Json(json!({ "query": q, "results": results })))
}
