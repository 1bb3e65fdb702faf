//! The JSON shapes clients see. Kept apart from the domain model so the API can stay stable
//! while the model evolves, and so that every office carries its position precision. Each
//! shape derives its JSON Schema, so the OpenAPI document is generated from the very types
//! the handlers serialise and cannot drift from them.

use data_boundaries::{Commune, Dataset, FormerUnit, Office};
use serde::Serialize;
use utoipa::ToSchema;

/// The date the 40 new units came into force.
pub const REFORM_DATE: &str = "2025-07-01";

/// A new commune or ward, named.
#[derive(Serialize, ToSchema, Clone)]
pub struct CommuneRef<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub full_name: &'a str,
    #[serde(rename = "type")]
    pub unit_type: data_boundaries::UnitType,
}

impl<'a> From<&'a Commune> for CommuneRef<'a> {
    fn from(c: &'a Commune) -> Self {
        CommuneRef { code: &c.code, name: &c.name, full_name: &c.full_name, unit_type: c.unit_type }
    }
}

/// A public-service point. Its position may be approximate: see `position_precision`.
#[derive(Serialize, ToSchema)]
pub struct OfficeView<'a> {
    pub id: &'a str,
    pub kind: data_boundaries::OfficeKind,
    pub commune_code: &'a str,
    pub name: &'a str,
    pub address: &'a str,
    pub lon: f64,
    pub lat: f64,
    pub position_precision: data_boundaries::PositionPrecision,
    /// False unless the point is the building itself; clients must show it as approximate.
    pub position_is_exact: bool,
    pub position_note: &'static str,
    pub source: &'a str,
    /// Opening hours in OpenStreetMap `opening_hours` syntax, when known.
    pub opening_hours: Option<&'a str>,
    /// A telephone number, when known.
    pub phone: Option<&'a str>,
    /// The services offered.
    pub services: &'a [String],
    /// Notes for the public.
    pub notes: Option<&'a str>,
    /// The registry's version of this office (its ETag is `"v{version}"`); 0 when the office
    /// comes from the dataset file.
    pub version: u64,
    /// Great-circle distance from the query point, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
    /// When the office closed: only in the answer to the write that closed it (a closed
    /// office is in no other answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub valid_to: Option<chrono::DateTime<chrono::Utc>>,
}

impl<'a> OfficeView<'a> {
    pub fn new(o: &'a Office, distance_m: Option<f64>) -> Self {
        OfficeView {
            id: &o.id,
            kind: o.kind,
            commune_code: &o.commune_code,
            name: &o.name,
            address: &o.address,
            lon: o.lon,
            lat: o.lat,
            position_precision: o.position_precision,
            position_is_exact: o.position_precision.is_exact(),
            position_note: o.position_precision.explanation(),
            source: &o.source,
            opening_hours: o.opening_hours.as_deref(),
            phone: o.phone.as_deref(),
            services: &o.services,
            notes: o.notes.as_deref(),
            version: o.version,
            distance_m: distance_m.map(round_metres),
            valid_to: None,
        }
    }
}

/// A unit from before 1 July 2025, named.
#[derive(Serialize, ToSchema)]
pub struct FormerUnitRef<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// The district it was in before the reform.
    pub district: &'a str,
    /// The province it was in before the reform; absent where the dataset does not say.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub province: &'a str,
    /// `whole`: all of it went into this unit; `part`: it was split, and this unit took a
    /// part of it.
    pub share: data_boundaries::Share,
    /// For a split unit, the other new units that took the rest of it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rest_went_to: Vec<CommuneRef<'a>>,
}

impl<'a> FormerUnitRef<'a> {
    /// `link`, one of the lineage links of `commune`.
    pub fn new(data: &'a Dataset, link: &'a FormerUnit, commune: usize) -> FormerUnitRef<'a> {
        let rest_went_to = match link.share {
            data_boundaries::Share::Whole => Vec::new(),
            data_boundaries::Share::Part => data
                .links_of_former_unit(&link.old_code)
                .iter()
                .filter_map(|&i| data.commune_by_code(&data.former_units[i].new_code))
                .filter(|&other| other != commune)
                .map(|other| CommuneRef::from(&data.communes[other]))
                .collect(),
        };
        FormerUnitRef {
            code: &link.old_code,
            name: &link.old_name,
            district: &link.old_district,
            province: &link.old_province,
            share: link.share,
            rest_went_to,
        }
    }
}

/// A unit from before 1 July 2025 and a new unit it went into, whole or in part.
#[derive(Serialize, ToSchema)]
pub struct FormerUnitView<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub district: &'a str,
    /// The province it was in before the reform; absent where the dataset does not say.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub province: &'a str,
    pub new_code: &'a str,
    pub new_name: &'a str,
    /// `whole`: the unit went entirely into `new_code`; `part`: it was split, and this new
    /// unit took a part of it.
    pub share: data_boundaries::Share,
    /// An approximate point inside the old unit (not a boundary); `null` where the source
    /// has none.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub position_precision: Option<data_boundaries::PositionPrecision>,
    /// The legal basis of the merger.
    pub resolution: &'a str,
}

impl<'a> From<&'a FormerUnit> for FormerUnitView<'a> {
    fn from(u: &'a FormerUnit) -> Self {
        FormerUnitView {
            code: &u.old_code,
            name: &u.old_name,
            district: &u.old_district,
            province: &u.old_province,
            new_code: &u.new_code,
            new_name: &u.new_name,
            share: u.share,
            lon: u.point.map(|[lon, _]| lon),
            lat: u.point.map(|[_, lat]| lat),
            position_precision: u.position_precision,
            resolution: &u.resolution,
        }
    }
}

/// A former unit with the new unit it joined, as the former-units endpoints return it.
#[derive(Serialize, ToSchema)]
pub struct FormerUnitDetail<'a> {
    #[serde(flatten)]
    pub unit: FormerUnitView<'a>,
    pub new_unit: Option<CommuneRef<'a>>,
    /// When the merger took effect.
    pub effective_date: &'static str,
}

impl<'a> FormerUnitDetail<'a> {
    pub fn new(data: &'a Dataset, unit: &'a FormerUnit) -> Self {
        let new_unit = data.commune_by_code(&unit.new_code).map(|i| CommuneRef::from(&data.communes[i]));
        FormerUnitDetail { unit: FormerUnitView::from(unit), new_unit, effective_date: REFORM_DATE }
    }
}

/// Areas to the hectare are enough for a table; the geometry is not that precise anyway.
pub fn round_km2(km2: f64) -> f64 {
    (km2 * 100.0).round() / 100.0
}

/// Distances to the centimetre are noise: the positions themselves are approximate.
pub fn round_metres(m: f64) -> f64 {
    (m * 10.0).round() / 10.0
}

/// The properties of a commune feature.
#[derive(Serialize, ToSchema)]
pub struct CommuneProperties<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub full_name: &'a str,
    pub name_en: Option<&'a str>,
    #[serde(rename = "type")]
    pub unit_type: data_boundaries::UnitType,
    /// Present in the national dataset only.
    pub province_code: Option<&'a str>,
    /// The official area as published.
    pub area_km2: Option<f64>,
    /// The geodesic area of the served geometry, to compare with the official one.
    pub area_km2_computed: f64,
    pub population: Option<u64>,
    /// Present with every population figure: the published figures are inconsistent.
    pub population_caveat: Option<&'static str>,
    pub seat_address: Option<&'a str>,
    pub legal_basis: Option<&'a str>,
    pub seat: Option<OfficeView<'a>>,
    pub former_units: Vec<FormerUnitView<'a>>,
}

/// One commune as an RFC 7946 Feature (MultiPolygon, counter-clockwise exteriors, lon/lat).
#[derive(Serialize, ToSchema)]
pub struct CommuneFeature<'a> {
    /// Always `Feature`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: &'a str,
    pub bbox: Option<[f64; 4]>,
    /// A GeoJSON MultiPolygon.
    #[schema(value_type = Object)]
    pub geometry: geojson::Geometry,
    pub properties: CommuneProperties<'a>,
}

/// One commune as an RFC 7946 Feature: counter-clockwise exterior rings (the loader
/// normalised them), properties, seat and lineage.
pub fn commune_feature(data: &Dataset, index: usize) -> CommuneFeature<'_> {
    let c = &data.communes[index];
    let geometry = geojson::Geometry::new(geojson::GeometryValue::from(&c.geometry));
    let bbox = geo::BoundingRect::bounding_rect(&c.geometry).map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
    CommuneFeature {
        kind: "Feature",
        id: &c.code,
        bbox,
        geometry,
        properties: CommuneProperties {
            code: &c.code,
            name: &c.name,
            full_name: &c.full_name,
            name_en: c.name_en.as_deref(),
            unit_type: c.unit_type,
            province_code: c.province_code.as_deref(),
            area_km2: c.area_km2,
            area_km2_computed: round_km2(c.computed_area_km2),
            population: c.population,
            population_caveat: c.population.map(|_| data_boundaries::POPULATION_CAVEAT),
            seat_address: c.seat_address.as_deref(),
            legal_basis: c.legal_basis.as_deref(),
            seat: data.seat(index).map(|o| OfficeView::new(o, None)),
            former_units: data.former_units_of(index).map(FormerUnitView::from).collect(),
        },
    }
}

/// A GeoJSON Point.
#[derive(Serialize, ToSchema)]
pub struct PointGeometry {
    /// Always `Point`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Longitude, latitude (WGS 84).
    pub coordinates: [f64; 2],
}

impl PointGeometry {
    pub fn new(lon: f64, lat: f64) -> PointGeometry {
        PointGeometry { kind: "Point", coordinates: [lon, lat] }
    }
}

/// One office as an RFC 7946 Feature; `position_precision` travels with it.
#[derive(Serialize, ToSchema)]
pub struct OfficeFeature<'a> {
    /// Always `Feature`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: &'a str,
    pub geometry: PointGeometry,
    pub properties: OfficeView<'a>,
}

pub fn office_feature(o: &Office) -> OfficeFeature<'_> {
    OfficeFeature {
        kind: "Feature",
        id: &o.id,
        geometry: PointGeometry::new(o.lon, o.lat),
        properties: OfficeView::new(o, None),
    }
}

/// One former unit as an RFC 7946 Feature at its approximate point.
#[derive(Serialize, ToSchema)]
pub struct FormerUnitFeature<'a> {
    /// Always `Feature`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: &'a str,
    /// `null` for a unit whose source gives no point (RFC 7946 allows it).
    pub geometry: Option<PointGeometry>,
    pub properties: FormerUnitDetail<'a>,
}

pub fn former_unit_feature<'a>(data: &'a Dataset, u: &'a FormerUnit) -> FormerUnitFeature<'a> {
    FormerUnitFeature {
        kind: "Feature",
        id: &u.old_code,
        geometry: u.point.map(|[lon, lat]| PointGeometry::new(lon, lat)),
        properties: FormerUnitDetail::new(data, u),
    }
}

/// One office as JSON with its ETag (`"v{version}"`), as `GET /api/v1/offices/{id}` and the
/// registry writes answer.
pub fn office_response(
    office: &Office,
    valid_to: Option<chrono::DateTime<chrono::Utc>>,
    status: axum::http::StatusCode,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let etag = crate::http::conditional::etag(office.version);
    let view = OfficeView { valid_to, ..OfficeView::new(office, None) };
    let mut response = (status, axum::Json(view)).into_response();
    if let Ok(value) = axum::http::HeaderValue::from_str(&etag) {
        response.headers_mut().insert(axum::http::header::ETAG, value);
    }
    response
}
