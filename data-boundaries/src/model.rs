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
    /// Phường: an urban ward.
    Phuong,
    /// Xã: a rural commune.
    Xa,
    /// Đặc khu: a special zone (islands; none in Huế).
    DacKhu,
}

impl UnitType {
    /// Reads the type as the sources spell it: `phuong`, `xa`, `dac_khu`, or the Vietnamese
    /// words ("Phường", "xã", "Đặc khu"), in any case, with or without diacritics. `None` for
    /// anything else, including a full name such as "Phường Phú Xuân".
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
    /// The name without its type word: "Phú Xuân".
    pub name: String,
    /// The name with its type word, as people write it: "Phường Phú Xuân".
    pub full_name: String,
    /// An English name, where the source gives one.
    pub name_en: Option<String>,
    /// Ward, commune or special zone.
    pub unit_type: UnitType,
    /// Official area as published; compare with the computed one, never replace it.
    pub area_km2: Option<f64>,
    /// Published population. Known to be inconsistent with the city total: always show with
    /// [`POPULATION_CAVEAT`].
    pub population: Option<u64>,
    /// The administrative seat's address as published, where the source gives one.
    pub seat_address: Option<String>,
    /// The resolution that created the unit (e.g. "1675/NQ-UBTVQH15"), where given.
    pub legal_basis: Option<String>,
    /// The province's 2-digit code (after 1 July 2025); present in the national dataset only.
    pub province_code: Option<String>,
    /// The province's short name, "Hà Nội"; present in the national dataset only.
    pub province_name: Option<String>,
    /// The unit's area in WGS84 lon/lat, RFC 7946 winding; one polygon per part.
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
    /// Every kind, in the order the API documents them.
    pub const ALL: [OfficeKind; 4] =
        [OfficeKind::CommuneSeat, OfficeKind::PublicServiceAgent, OfficeKind::PostOffice, OfficeKind::CityCentre];

    /// The identifier as serialised and as written in `offices.csv`: `commune_seat`,
    /// `public_service_agent`, `post_office` or `city_centre`.
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeKind::CommuneSeat => "commune_seat",
            OfficeKind::PublicServiceAgent => "public_service_agent",
            OfficeKind::PostOffice => "post_office",
            OfficeKind::CityCentre => "city_centre",
        }
    }

    /// The kind whose identifier is exactly `text` (see [`OfficeKind::as_str`]); `None`
    /// otherwise (no case folding: these are identifiers, not words).
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
    /// Measured on the ground (GNSS at the site).
    Surveyed,
    /// Placed by a person on a map (dragged or tapped), usually onto the building.
    HandPlaced,
    /// Geocoded from the address: usually within a street block.
    Geocoded,
    /// Geocoded roughly (a former unit's area, not a building).
    ApproximateGeocoded,
    /// Not the office at all: the label point of its commune, used until it is geocoded.
    CommuneLabelPoint,
}

impl PositionPrecision {
    /// Every precision, most trustworthy first.
    pub const ALL: [PositionPrecision; 5] = [
        PositionPrecision::Surveyed,
        PositionPrecision::HandPlaced,
        PositionPrecision::Geocoded,
        PositionPrecision::ApproximateGeocoded,
        PositionPrecision::CommuneLabelPoint,
    ];

    /// The identifier as serialised and as written in the CSV files: `surveyed`,
    /// `hand_placed`, `geocoded`, `approximate_geocoded` or `commune_label_point`.
    pub fn as_str(self) -> &'static str {
        match self {
            PositionPrecision::Surveyed => "surveyed",
            PositionPrecision::HandPlaced => "hand_placed",
            PositionPrecision::Geocoded => "geocoded",
            PositionPrecision::ApproximateGeocoded => "approximate_geocoded",
            PositionPrecision::CommuneLabelPoint => "commune_label_point",
        }
    }

    /// The precision whose identifier is exactly `text` (see [`PositionPrecision::as_str`]);
    /// `None` otherwise.
    pub fn parse(text: &str) -> Option<PositionPrecision> {
        PositionPrecision::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// True when the point is where the thing really is, give or take a building.
    pub fn is_exact(self) -> bool {
        matches!(self, PositionPrecision::Surveyed | PositionPrecision::HandPlaced | PositionPrecision::Geocoded)
    }

    /// A plain-words statement of what the position means, for people rather than programs.
    pub fn explanation(self) -> &'static str {
        match self {
            PositionPrecision::Surveyed => "Position surveyed on the ground.",
            PositionPrecision::HandPlaced => "Position placed on a map by a member of staff.",
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
    /// A stable identifier, unique in the dataset: `seat-19753`.
    pub id: String,
    /// Seat, agent point, post office or city centre.
    pub kind: OfficeKind,
    /// The code of the commune the office serves (it may stand outside it).
    pub commune_code: String,
    /// The office's name: "Trụ sở Phường Phú Xuân".
    pub name: String,
    /// The postal address; the reliable part while positions are approximate. May be empty.
    pub address: String,
    /// WGS84 longitude in degrees, within [-180, 180].
    pub lon: f64,
    /// WGS84 latitude in degrees, within [-90, 90].
    pub lat: f64,
    /// How far `lon`/`lat` can be trusted; must travel with the point.
    pub position_precision: PositionPrecision,
    /// Where the row came from, in words or a URL.
    pub source: String,
    /// Opening hours in OpenStreetMap `opening_hours` syntax, when known.
    pub opening_hours: Option<String>,
    /// A telephone number as published, when known.
    pub phone: Option<String>,
    /// The services offered, as free-text labels.
    pub services: Vec<String>,
    /// Notes for the public.
    pub notes: Option<String>,
    /// The registry's version of this office (1 when created, +1 per change); 0 for an office
    /// read from a dataset file, which has no history.
    pub version: u64,
}

/// A province after 1 July 2025, as the national dataset names its units' provinces.
#[derive(Debug, Clone)]
pub struct Province {
    /// The 2-digit code: "01".
    pub code: String,
    /// The short name: "Hà Nội".
    pub name: String,
    /// Its units (indexes into `Dataset::communes`), in dataset order.
    pub communes: Vec<usize>,
    /// `[west, south, east, north]` of its units.
    pub bbox: [f64; 4],
}

/// How much of a former unit went into one new unit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Share {
    /// The whole former unit went into this new unit.
    Whole,
    /// The former unit was split: this new unit took a part, and others the rest.
    Part,
}

impl Share {
    /// Reads `whole` or `part`.
    pub fn parse(text: &str) -> Option<Share> {
        match text {
            "whole" => Some(Share::Whole),
            "part" => Some(Share::Part),
            _ => None,
        }
    }

    /// `whole` or `part`.
    pub fn as_str(self) -> &'static str {
        match self {
            Share::Whole => "whole",
            Share::Part => "part",
        }
    }
}

/// One link of the lineage: a commune-level unit that existed before 1 July 2025, and a new
/// unit it went into, whole or in part. A split unit has one link per new unit that took a
/// part of it, each with the same `old_code`.
#[derive(Debug, Clone)]
pub struct FormerUnit {
    /// The unit's own code before the reform (5 digits, as text).
    pub old_code: String,
    /// Its full name with the type word: "Phường Vĩnh Ninh".
    pub old_name: String,
    /// The district it belonged to: "Quận Thuận Hóa". May be empty.
    pub old_district: String,
    /// The province it belonged to: "Tỉnh Thừa Thiên Huế". Empty where the dataset does not
    /// say (Huế's, all of whose units were in one province).
    pub old_province: String,
    /// Whether it went into this new unit whole or in part.
    pub share: Share,
    /// The code of the new commune it went into.
    pub new_code: String,
    /// The new commune's full name as the lineage source writes it (checked against
    /// communes.geojson by validation). May be empty.
    pub new_name: String,
    /// Approximate geocoded point of the old unit (a point, not a boundary), `[lon, lat]` in
    /// degrees, where the source has one (34 national units have none).
    pub point: Option<[f64; 2]>,
    /// How far the point can be trusted (approximate for every unit in the reference data);
    /// `None` with the point.
    pub position_precision: Option<PositionPrecision>,
    /// The legal basis of the merger (the resolution), as given by the source.
    pub resolution: String,
}
