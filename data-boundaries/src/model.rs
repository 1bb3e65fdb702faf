//! The domain model: the new communes and wards, their public-service offices, and the
//! former units they were formed from on 1 July 2025.
//!
//! Geometry is held as `geo` types in WGS84 longitude/latitude, already normalised to the
//! RFC 7946 winding (exterior rings counter-clockwise, holes clockwise), whatever the
//! source file used.

use geo::MultiPolygon;
use serde::Serialize;

/// Whether a unit is an urban ward (phường) or a rural commune (xã).
///
/// The special-zone type (đặc khu) exists nationally but not in Huế; it is kept so that the
/// national dataset loads without losing the distinction.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitType {
    Phuong,
    Xa,
    DacKhu,
}

impl UnitType {
    /// Reads the type as the sources spell it: `phuong`/`xa`, or a Vietnamese prefix.
    pub fn parse(text: &str) -> Option<UnitType> {
        match crate::text::fold(text).as_str() {
            "phuong" => Some(UnitType::Phuong),
            "xa" => Some(UnitType::Xa),
            "dac khu" | "dac_khu" | "dackhu" => Some(UnitType::DacKhu),
            _ => None,
        }
    }

    /// The identifier as serialised: `phuong`, `xa` or `dac_khu`.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitType::Phuong => "phuong",
            UnitType::Xa => "xa",
            UnitType::DacKhu => "dac_khu",
        }
    }

    /// The Vietnamese word that prefixes a full name, e.g. "Phường".
    pub fn vietnamese(self) -> &'static str {
        match self {
            UnitType::Phuong => "Phường",
            UnitType::Xa => "Xã",
            UnitType::DacKhu => "Đặc khu",
        }
    }
}

/// One new commune-level unit (in force from 1 July 2025).
#[derive(Debug, Clone)]
pub struct Commune {
    /// The official 5-digit code, kept as text because leading zeros matter nationally.
    pub code: String,
    pub name: String,
    pub full_name: String,
    pub name_en: Option<String>,
    pub unit_type: UnitType,
    /// Official area as published; compare with the computed one, never replace it.
    pub area_km2: Option<f64>,
    /// Published population. Known to be inconsistent with the city total: always show with
    /// [`POPULATION_CAVEAT`].
    pub population: Option<u64>,
    pub seat_address: Option<String>,
    pub legal_basis: Option<String>,
    /// Present in the national dataset only.
    pub province_code: Option<String>,
    pub geometry: MultiPolygon<f64>,
    /// Geodesic area of `geometry`, computed once at load for validation and the API.
    pub computed_area_km2: f64,
}

/// The caveat that must travel with every population figure.
pub const POPULATION_CAVEAT: &str = "Published per-unit figures sum to 1,433,465 while the published city total is 1,236,393; treat them as indicative only.";

/// What kind of public-service point an office is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum OfficeKind {
    /// The administrative seat (trụ sở) of a commune or ward.
    CommuneSeat,
    /// One of the city's public-service agent points.
    PublicServiceAgent,
    /// A post office reception and return point.
    PostOffice,
    /// The city's public administrative service centre.
    CityCentre,
}

impl OfficeKind {
    pub const ALL: [OfficeKind; 4] =
        [OfficeKind::CommuneSeat, OfficeKind::PublicServiceAgent, OfficeKind::PostOffice, OfficeKind::CityCentre];

    pub fn as_str(self) -> &'static str {
        match self {
            OfficeKind::CommuneSeat => "commune_seat",
            OfficeKind::PublicServiceAgent => "public_service_agent",
            OfficeKind::PostOffice => "post_office",
            OfficeKind::CityCentre => "city_centre",
        }
    }

    pub fn parse(text: &str) -> Option<OfficeKind> {
        OfficeKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// How much a published position can be trusted. An approximate position must never be shown
/// as exact; this travels with every point we serve.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionPrecision {
    /// Measured on the ground.
    Surveyed,
    /// Geocoded from the address: usually within a street block.
    Geocoded,
    /// Geocoded roughly (a former unit's area, not a building).
    ApproximateGeocoded,
    /// Not the office at all: the label point of its commune, used until it is geocoded.
    CommuneLabelPoint,
}

impl PositionPrecision {
    pub const ALL: [PositionPrecision; 4] = [
        PositionPrecision::Surveyed,
        PositionPrecision::Geocoded,
        PositionPrecision::ApproximateGeocoded,
        PositionPrecision::CommuneLabelPoint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PositionPrecision::Surveyed => "surveyed",
            PositionPrecision::Geocoded => "geocoded",
            PositionPrecision::ApproximateGeocoded => "approximate_geocoded",
            PositionPrecision::CommuneLabelPoint => "commune_label_point",
        }
    }

    pub fn parse(text: &str) -> Option<PositionPrecision> {
        PositionPrecision::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// True when the point is where the thing really is, give or take a building.
    pub fn is_exact(self) -> bool {
        matches!(self, PositionPrecision::Surveyed | PositionPrecision::Geocoded)
    }

    /// A plain-words statement of what the position means, for people rather than programs.
    pub fn explanation(self) -> &'static str {
        match self {
            PositionPrecision::Surveyed => "Position surveyed on the ground.",
            PositionPrecision::Geocoded => "Position geocoded from the address.",
            PositionPrecision::ApproximateGeocoded => {
                "Approximate position only; not a boundary and not an office."
            }
            PositionPrecision::CommuneLabelPoint => {
                "The office has not been geocoded: the point is the commune's label point, not the building. Use the address."
            }
        }
    }
}

/// A public-service point, such as a commune seat.
#[derive(Debug, Clone)]
pub struct Office {
    pub id: String,
    pub kind: OfficeKind,
    pub commune_code: String,
    pub name: String,
    pub address: String,
    pub lon: f64,
    pub lat: f64,
    pub position_precision: PositionPrecision,
    pub source: String,
}

/// A commune-level unit that existed before 1 July 2025, and the new unit it went into whole.
#[derive(Debug, Clone)]
pub struct FormerUnit {
    pub old_code: String,
    pub old_name: String,
    pub old_district: String,
    pub new_code: String,
    pub new_name: String,
    /// Approximate geocoded point of the old unit (not a boundary).
    pub lon: f64,
    pub lat: f64,
    pub position_precision: PositionPrecision,
    pub resolution: String,
}
