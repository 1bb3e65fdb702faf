//! OGC API – Features, Part 1 (Core, GeoJSON, OpenAPI 3.0) and the CRS84/EPSG:4326 subset
//! of Part 2, over the same data as `/api/v1`.
//!
//! The API's root is the service root: `/` answers a browser with the web map and anything
//! else (`Accept: application/json`, `?f=json`, curl, GDAL) with the landing page, so
//! `OAPIF:http://host/` and the OGC test suites find the standard paths where they look.

mod collections;
mod conformance;
pub mod items;
mod landing;

use serde::Serialize;
use utoipa::ToSchema;

pub use collections::CollectionId;
pub use items::ItemsQuery;
pub use landing::LandingFormat;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::{ApiResult, Problem, QueryParams};
use crate::state::AppState;

pub use crate::http::bbox::{CRS84, EPSG_4326};

/// A web link (RFC 8288) as OGC API documents carry them.
#[derive(Serialize, ToSchema, Clone)]
pub struct Link {
    pub href: String,
    pub rel: &'static str,
    #[serde(rename = "type")]
    pub media_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'static str>,
}

impl Link {
    pub fn new(href: String, rel: &'static str, media_type: &'static str, title: &'static str) -> Link {
        Link { href, rel, media_type, title: Some(title) }
    }
}

/// The formats `?f=` may ask for on the other OGC resources.
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum JsonFormat {
    #[schema(rename = "json")]
    Json,
    #[schema(rename = "geojson")]
    Geojson,
}

/// The coordinate reference systems we answer in.
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum CrsUri {
    #[schema(rename = "http://www.opengis.net/def/crs/OGC/1.3/CRS84")]
    Crs84,
    #[schema(rename = "http://www.opengis.net/def/crs/EPSG/0/4326")]
    Epsg4326,
}

/// Checks the OGC documents' query: only the parameters in `allowed` (and `f`), and `f`, if
/// given, a JSON flavour, the only formats offered.
pub fn check_format(params: &QueryParams, allowed: &[&str]) -> ApiResult<()> {
    if let Some(format) = params.single("f")? {
        if !matches!(format, "json" | "geojson") {
            return Err(Problem::invalid_param("f", format!("must be json or geojson, got {format:?}")));
        }
    }
    params.reject_unknown(&[allowed, &["f"]].concat())
}

/// The OGC API's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(landing::landing))
        .routes(routes!(conformance::conformance))
        .routes(routes!(collections::collections))
        .routes(routes!(collections::collection))
        .routes(routes!(items::items))
        .routes(routes!(items::item))
}
