//! The JSON shapes clients see. Kept apart from the domain model so the API can stay stable
//! while the model evolves, and so that every office carries its position precision.

use data_boundaries::{Commune, Dataset, FormerUnit, Office};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Serialize)]
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

#[derive(Serialize)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
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
            distance_m: distance_m.map(round_metres),
        }
    }
}

#[derive(Serialize)]
pub struct FormerUnitRef<'a> {
    pub code: &'a str,
    pub name: &'a str,
}

#[derive(Serialize)]
pub struct FormerUnitView<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub district: &'a str,
    pub new_code: &'a str,
    pub new_name: &'a str,
    pub lon: f64,
    pub lat: f64,
    pub position_precision: data_boundaries::PositionPrecision,
    pub resolution: &'a str,
}

impl<'a> From<&'a FormerUnit> for FormerUnitView<'a> {
    fn from(u: &'a FormerUnit) -> Self {
        FormerUnitView {
            code: &u.old_code,
            name: &u.old_name,
            district: &u.old_district,
            new_code: &u.new_code,
            new_name: &u.new_name,
            lon: u.lon,
            lat: u.lat,
            position_precision: u.position_precision,
            resolution: &u.resolution,
        }
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

/// One commune as an RFC 7946 Feature: counter-clockwise exterior rings (the loader
/// normalised them), properties, seat and lineage.
pub fn commune_feature(data: &Dataset, index: usize) -> Value {
    let c = &data.communes[index];
    let geometry = geojson::Geometry::new(geojson::GeometryValue::from(&c.geometry));
    let bbox = geo::BoundingRect::bounding_rect(&c.geometry).map(|r| vec![r.min().x, r.min().y, r.max().x, r.max().y]);
    let former: Vec<FormerUnitView> = data.former_units_of(index).map(FormerUnitView::from).collect();
    json!({
        "type": "Feature",
        "id": c.code,
        "bbox": bbox,
        "geometry": geometry,
        "properties": {
            "code": c.code,
            "name": c.name,
            "full_name": c.full_name,
            "name_en": c.name_en,
            "type": c.unit_type,
            "province_code": c.province_code,
            "area_km2": c.area_km2,
            "area_km2_computed": round_km2(c.computed_area_km2),
            "population": c.population,
            "population_caveat": c.population.map(|_| data_boundaries::POPULATION_CAVEAT),
            "seat_address": c.seat_address,
            "legal_basis": c.legal_basis,
            "seat": data.seat(index).map(|o| OfficeView::new(o, None)),
            "former_units": former,
        }
    })
}
