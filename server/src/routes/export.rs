//! Downloads for GIS tools: the layers as RFC 7946 FeatureCollections (counter-clockwise
//! exteriors, lon/lat) and the communes as FlatGeobuf with its spatial index, served with
//! byte ranges so a FlatGeobuf client can read one bbox without the whole file.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use data_boundaries::Dataset;
use serde::Serialize;
use utoipa::ToSchema;

use crate::formats::fgb::{Cell, Column, ColumnKind, Layer};
use crate::http::error_responses::{BadRequest, RangeNotSatisfiable};
use crate::http::media::{FLATGEOBUF, GEOJSON};
use crate::http::problem::Problem;
use crate::http::query::{province_download, ProvinceFilter};
use crate::http::{ApiResult, QueryParams};
use crate::state::AppState;
use crate::views::{commune_feature, office_feature, round_km2, CommuneFeature, OfficeFeature};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize, ToSchema)]
pub struct CommuneCollection<'a> {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub dataset_version: &'a str,
    pub features: Vec<CommuneFeature<'a>>,
}

#[derive(Serialize, ToSchema)]
pub struct OfficeCollection<'a> {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub dataset_version: &'a str,
    pub features: Vec<OfficeFeature<'a>>,
}

fn attachment(filename: &str) -> String {
    format!("attachment; filename=\"{filename}\"")
}

/// Every commune (or one province's) as one GeoJSON FeatureCollection.
#[utoipa::path(get, path = "/api/v1/export/communes.geojson", tag = "exports",
    params(("province" = Option<String>, Query, description = "Only this province's units: its code or name")),
    responses(
        (status = 200, description = "The communes", body = CommuneCollection, content_type = "application/geo+json"),
        BadRequest,
    ))]
pub async fn communes_geojson(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    params.reject_unknown(&["province"])?;
    let snapshot = state.current();
    let data = &snapshot.data;
    let province = ProvinceFilter::parse(data, &params)?;
    let features =
        (0..data.communes.len()).filter(|&i| province.commune(i)).map(|i| commune_feature(data, i)).collect();
    let body = CommuneCollection { kind: "FeatureCollection", dataset_version: &data.version, features };
    Ok(geojson_download("communes", province.code(), body))
}

/// A GeoJSON download of `layer` (of one province's, when `province` is set).
fn geojson_download(layer: &str, province: Option<&str>, body: impl Serialize) -> Response {
    (
        [
            (header::CONTENT_TYPE, GEOJSON.to_string()),
            (header::CONTENT_DISPOSITION, attachment(&export_name(layer, province))),
        ],
        Json(body),
    )
        .into_response()
}

/// The file name of an export: `hue-communes.geojson`, or `hue-communes-79.geojson` for one
/// province's.
fn export_name(layer: &str, province: Option<&str>) -> String {
    match province {
        Some(code) => format!("hue-{layer}-{code}.geojson"),
        None => format!("hue-{layer}.geojson"),
    }
}

/// Offices as points; every feature keeps `position_precision`, so GIS users see which
/// positions are only approximate.
#[utoipa::path(get, path = "/api/v1/export/offices.geojson", tag = "exports",
    params(("province" = Option<String>, Query, description = "Only the offices of this province's units: its code or name")),
    responses(
        (status = 200, description = "The offices", body = OfficeCollection, content_type = "application/geo+json"),
        BadRequest,
    ))]
pub async fn offices_geojson(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    params.reject_unknown(&["province"])?;
    let snapshot = state.current();
    let data = &snapshot.data;
    let province = ProvinceFilter::parse(data, &params)?;
    let body = OfficeCollection {
        kind: "FeatureCollection",
        dataset_version: &data.version,
        features: (0..data.offices.len())
            .filter(|&i| province.office(i))
            .map(|i| office_feature(&data.offices[i]))
            .collect(),
    };
    Ok(geojson_download("offices", province.code(), body))
}

/// The communes (those `province` keeps) as a flat table: nested values (seat, lineage)
/// become plain columns.
pub fn communes_layer(data: &Dataset, province: &ProvinceFilter) -> Layer {
    let text = |name: &str| Column { name: name.into(), kind: ColumnKind::Text };
    let columns = vec![
        text("code"),
        text("name"),
        text("full_name"),
        text("name_en"),
        text("type"),
        text("province_code"),
        Column { name: "area_km2".into(), kind: ColumnKind::Double },
        Column { name: "area_km2_computed".into(), kind: ColumnKind::Double },
        Column { name: "population".into(), kind: ColumnKind::Long },
        text("seat_address"),
        text("legal_basis"),
        text("seat_id"),
        text("seat_position_precision"),
        text("former_unit_codes"),
    ];
    let features = data
        .communes
        .iter()
        .enumerate()
        .filter(|&(i, _)| province.commune(i))
        .map(|(i, c)| {
            let seat = data.seat(i);
            let former: Vec<&str> = data.former_units_of(i).map(|u| u.old_code.as_str()).collect();
            let cells = vec![
                Cell::Text(c.code.clone()),
                Cell::Text(c.name.clone()),
                Cell::Text(c.full_name.clone()),
                Cell::from(c.name_en.as_deref()),
                Cell::Text(c.unit_type.as_str().to_string()),
                Cell::from(c.province_code.as_deref()),
                Cell::from(c.area_km2),
                Cell::Double(round_km2(c.computed_area_km2)),
                c.population.map_or(Cell::Null, |p| Cell::Long(p as i64)),
                Cell::from(c.seat_address.as_deref()),
                Cell::from(c.legal_basis.as_deref()),
                Cell::from(seat.map(|o| o.id.as_str())),
                Cell::from(seat.map(|o| o.position_precision.as_str())),
                if former.is_empty() { Cell::Null } else { Cell::Text(former.join(",")) },
            ];
            (geo::Geometry::MultiPolygon(c.geometry.clone()), cells)
        })
        .collect();
    let title = match (province.index(), data.provinces().len()) {
        (Some(p), _) => format!("Communes and wards of {} from 1 July 2025", data.provinces()[p].name),
        (None, 0 | 1) => "Huế communes and wards from 1 July 2025".to_string(),
        (None, _) => "Communes and wards of Vietnam from 1 July 2025".to_string(),
    };
    Layer { name: "communes".into(), title: Some(title), columns, features }
}

/// The communes (or one province's) as FlatGeobuf (with its packed Hilbert R-tree), with
/// HTTP range support.
#[utoipa::path(get, path = "/api/v1/export/communes.fgb", tag = "exports",
    params(
        ("Range" = Option<String>, Header, nullable = false, pattern = "^bytes=[0-9]{1,9}-[0-9]{0,9}$", description = "One byte range, e.g. `bytes=0-8191`"),
        ("province" = Option<String>, Query, description = "Only this province's units: its code or name"),
    ),
    responses(
        (status = 200, description = "The whole file", content_type = "application/flatgeobuf", body = Vec<u8>),
        (status = 206, description = "The requested byte range", content_type = "application/flatgeobuf", body = Vec<u8>),
        BadRequest, RangeNotSatisfiable,
    ))]
pub async fn communes_fgb(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: QueryParams,
) -> ApiResult<Response> {
    let (snapshot, index) = province_download(&state, &params)?;
    let code = index.map(|p| snapshot.data.provinces()[p].code.clone());
    let file = snapshot.clone();
    // Encoding is CPU work (seconds for the country): off the async workers. The country's
    // file is kept for the snapshot, and the last few provinces' (Exports::province_fgb),
    // for the byte ranges that follow.
    let bytes = crate::cpu::run(move || {
        let data = &file.data;
        let encode = || {
            let province = ProvinceFilter::of_index(data, index);
            crate::formats::fgb::write(&communes_layer(data, &province), flatgeobuf::GeometryType::MultiPolygon)
                .map(Bytes::from)
        };
        let served = |encoded: &crate::state::EncodedFgb| match encoded {
            Ok(bytes) => Ok(bytes.clone()),
            Err(error) => Err(Problem::from(error)),
        };
        match index {
            None => served(file.exports.communes_fgb.get_or_init(encode)),
            Some(p) => served(&file.exports.province_fgb(p, encode)),
        }
    })
    .await??;
    let data = &snapshot.data;
    // The file carries each commune's seat, so the registry version is part of its identity.
    let (etag, name) = match code.as_deref() {
        None => (
            format!("\"{}-r{}-communes-fgb\"", data.version, snapshot.registry_version),
            "hue-communes.fgb".to_string(),
        ),
        Some(code) => (
            format!("\"{}-r{}-communes-{code}-fgb\"", data.version, snapshot.registry_version),
            format!("hue-communes-{code}.fgb"),
        ),
    };
    Ok(crate::formats::ranges::respond(&headers, bytes, FLATGEOBUF, &etag, &name))
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(communes_geojson))
        .routes(routes!(offices_geojson))
        .routes(routes!(communes_fgb))
}
