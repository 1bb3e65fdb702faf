//! `GET /api/v1/search?q=…&limit=…`: communes, former units (with the unit they joined) and
//! offices by name, ranked exact → prefix → substring. A word typed without marks matches on
//! its letters; with marks it must carry the same tone too (`data_boundaries::search`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use data_boundaries::search::{MatchKind, Target};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error_responses::BadRequest;
use crate::http::problem::{ApiResult, Problem};
use crate::http::query::ProvinceFilter;
use crate::http::query::QueryParams;
use crate::state::AppState;
use crate::views::{CommuneRef, OfficeView};
use utoipa_axum::{router::OpenApiRouter, routes};

/// How the query matched the name.
#[derive(Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    Exact,
    Prefix,
    Substring,
}

/// One search result: a commune, a former unit (with the unit it joined), or an office.
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SearchHit<'a> {
    Commune {
        #[serde(rename = "match")]
        matched: Match,
        code: &'a str,
        name: &'a str,
        full_name: &'a str,
        #[serde(rename = "type")]
        unit_type: data_boundaries::UnitType,
    },
    FormerUnit {
        #[serde(rename = "match")]
        matched: Match,
        code: &'a str,
        name: &'a str,
        district: &'a str,
        /// Its approximate point; `null` where the source has none.
        lon: Option<f64>,
        lat: Option<f64>,
        position_precision: Option<data_boundaries::PositionPrecision>,
        /// Its province before the reform, where the dataset says.
        #[serde(skip_serializing_if = "str::is_empty")]
        province: &'a str,
        /// `whole`, or `part` when it was split among `new_units`.
        share: data_boundaries::Share,
        /// The unit it joined on 1 July 2025 (the first, for a split unit).
        new_unit: Option<CommuneRef<'a>>,
        /// Every unit that took it, or a part of it.
        new_units: Vec<CommuneRef<'a>>,
    },
    Office {
        #[serde(rename = "match")]
        matched: Match,
        office: OfficeView<'a>,
    },
    /// A named place of the street basemap (when the server has one), with the commune it
    /// lies in and that commune's seat.
    Landmark {
        #[serde(rename = "match")]
        matched: Match,
        name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        name_en: Option<&'a str>,
        /// What it is, in the basemap's words (`attraction`, `locality`, …).
        category: Option<&'a str>,
        lon: f64,
        lat: f64,
        commune: Option<CommuneRef<'a>>,
        seat: Option<OfficeView<'a>>,
    },
}

#[derive(Serialize, ToSchema)]
pub struct SearchResults<'a> {
    pub query: String,
    pub results: Vec<SearchHit<'a>>,
}

/// Names of communes, former units, offices and, with a street basemap, its landmarks
/// ("dai noi" finds Đại Nội, with its commune and seat); "Thuận Hóa", "Thuận Hoá" and
/// "thuan hoa" are one name.
#[utoipa::path(get, path = "/api/v1/search", tag = "residents",
    params(
        ("q" = String, Query, description = "The text to look for (at most 200 characters)"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 50, description = "At most this many results (default 10)"),
        ("province" = Option<String>, Query, description = "Only names in this province (after 1 July 2025): its code (`01`) or name (`Hà Nội`); a former unit is in the province of the units it went into"),
    ),
    responses(
        (status = 200, description = "Results, best first", body = SearchResults),
        BadRequest,
    ))]
pub async fn search(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    let q = params.single("q")?.ok_or_else(|| Problem::invalid_param("q", "is required"))?.to_string();
    if q.chars().count() > 200 {
        return Err(Problem::invalid_param("q", "must be at most 200 characters"));
    }
    let limit = params.integer_in("limit", 10, 1, 50)? as usize;
    params.reject_unknown(&["q", "limit", "province"])?;
    let snapshot = state.current();
    let data = &snapshot.data;
    let landmarks = &state.settings.landmarks;
    let province = ProvinceFilter::parse(data, &params)?;
    let landmark_communes = snapshot.landmark_communes(landmarks);
    let keep = |target: Target| match target {
        Target::Commune(i) => province.commune(i),
        Target::FormerUnit(i) => province.any_link_of(i),
        Target::Office(i) => province.office(i),
        Target::Named(i) => province.code().is_none() || landmark_communes[i].is_some_and(|c| province.commune(c)),
    };
    // The dataset's own names first where a landmark matches as well (the sort is stable).
    let mut hits = snapshot.search.search_where(&q, limit, &keep);
    hits.extend(landmarks.index.search_where(&q, limit, &keep));
    hits.sort_by_key(|hit| hit.kind);
    hits.truncate(limit);
    let results = hits
        .into_iter()
        .map(|hit| {
            let matched = match hit.kind {
                MatchKind::Exact => Match::Exact,
                MatchKind::Prefix => Match::Prefix,
                MatchKind::Substring => Match::Substring,
            };
            match hit.target {
                Target::Commune(i) => {
                    let c = &data.communes[i];
                    SearchHit::Commune {
                        matched,
                        code: &c.code,
                        name: &c.name,
                        full_name: &c.full_name,
                        unit_type: c.unit_type,
                    }
                }
                Target::FormerUnit(i) => {
                    let u = &data.former_units[i];
                    SearchHit::FormerUnit {
                        matched,
                        code: &u.old_code,
                        name: &u.old_name,
                        district: &u.old_district,
                        lon: u.point.map(|[lon, _]| lon),
                        lat: u.point.map(|[_, lat]| lat),
                        position_precision: u.position_precision,
                        province: &u.old_province,
                        share: u.share,
                        new_unit: data.commune_by_code(&u.new_code).map(|n| CommuneRef::from(&data.communes[n])),
                        new_units: data
                            .links_of_former_unit(&u.old_code)
                            .iter()
                            .filter_map(|&l| data.commune_by_code(&data.former_units[l].new_code))
                            .map(|n| CommuneRef::from(&data.communes[n]))
                            .collect(),
                    }
                }
                Target::Office(i) => SearchHit::Office { matched, office: OfficeView::new(&data.offices[i], None) },
                Target::Named(i) => {
                    let place = &landmarks.points[i];
                    let commune = landmark_communes[i];
                    SearchHit::Landmark {
                        matched,
                        name: &place.name,
                        name_en: place.name_en.as_deref(),
                        category: place.kind.as_deref(),
                        lon: place.lon,
                        lat: place.lat,
                        commune: commune.map(|i| CommuneRef::from(&data.communes[i])),
                        seat: commune.and_then(|i| data.seat(i)).map(|seat| OfficeView::new(seat, None)),
                    }
                }
            }
        })
        .collect();
    Ok(Json(SearchResults { query: q, results }).into_response())
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}
