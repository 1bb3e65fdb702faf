//! Bounding boxes and the coordinate reference systems they come in: OGC API Features'
//! `bbox` and `bbox-crs`, and the still map's `bbox`.

use crate::http::problem::{ApiResult, Problem};
use crate::http::query::parse_finite;

/// Longitude, latitude on WGS 84: OGC API Features' default CRS.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
/// WGS 84 with EPSG's axis order (latitude first).
pub const EPSG_4326: &str = "http://www.opengis.net/def/crs/EPSG/0/4326";

/// A coordinate reference system we can answer in.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Crs {
    /// Longitude, latitude (WGS 84): the default.
    Crs84,
    /// Latitude, longitude (WGS 84), the axis order EPSG defines.
    Epsg4326,
}

impl Crs {
    pub(crate) fn parse(name: &str, raw: &str) -> ApiResult<Crs> {
        match raw.trim().trim_start_matches('<').trim_end_matches('>') {
            CRS84 => Ok(Crs::Crs84),
            EPSG_4326 => Ok(Crs::Epsg4326),
            other => {
                Err(Problem::invalid_param(name, format!("unsupported CRS {other:?}; use {CRS84} or {EPSG_4326}")))
            }
        }
    }

    pub(crate) fn uri(self) -> &'static str {
        match self {
            Crs::Crs84 => CRS84,
            Crs::Epsg4326 => EPSG_4326,
        }
    }
}

/// 4 numbers (or 6, with heights we ignore) in the given CRS's axis order, returned as
/// CRS84 `[west, south, east, north]`.
pub fn parse_bbox(raw: &str, crs: Crs) -> ApiResult<[f64; 4]> {
    let numbers = raw.split(',').map(|part| parse_finite("bbox", part)).collect::<ApiResult<Vec<f64>>>()?;
    let (a0, b0, a1, b1) = match *numbers.as_slice() {
        [a0, b0, a1, b1] => (a0, b0, a1, b1),
        [a0, b0, _, a1, b1, _] => (a0, b0, a1, b1),
        _ => {
            return Err(Problem::invalid_param(
                "bbox",
                format!("must be 4 or 6 comma-separated numbers, got {}", numbers.len()),
            ))
        }
    };
    let [west, south, east, north] = match crs {
        Crs::Crs84 => [a0, b0, a1, b1],
        Crs::Epsg4326 => [b0, a0, b1, a1],
    };
    if ![west, east].iter().all(|x| (-180.0..=180.0).contains(x))
        || ![south, north].iter().all(|y| (-90.0..=90.0).contains(y))
    {
        return Err(Problem::invalid_param(
            "bbox",
            "longitudes must be within [-180, 180] and latitudes within [-90, 90]",
        ));
    }
    if south > north {
        return Err(Problem::invalid_param(
            "bbox",
            format!("the southern edge {south} is north of the northern edge {north}"),
        ));
    }
    Ok([west, south, east, north])
}
