//! OGC API – Features, Part 1 (Core, GeoJSON, OpenAPI 3.0) and the CRS84/EPSG:4326 subset
//! of Part 2, over the same data as `/api/v1`.
//!
//! The API's root is the service root: `/` answers a browser with the web map and anything
//! else (`Accept: application/json`, `?f=json`, curl, GDAL) with the landing page, so
//! `OAPIF:http://host/` and the OGC test suites find the standard paths where they look.

mod collections;
pub mod items;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

pub use collections::CollectionId;
pub use items::ItemsQuery;

use crate::params::QueryParams;
use crate::problem::{ApiResult, Problem};
use crate::routes::tiles::base_url;
use crate::state::AppState;

pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
pub const EPSG_4326: &str = "http://www.opengis.net/def/crs/EPSG/0/4326";
pub const OPENAPI_30: &str = "application/vnd.oai.openapi+json;version=3.0";
pub const OPENAPI_31: &str = "application/vnd.oai.openapi+json;version=3.1";

/// The conformance classes we implement and test (ogctests, GDAL).
pub const CONFORMANCE: [&str; 4] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
];

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

#[derive(Serialize, ToSchema)]
pub struct LandingPage {
    pub title: &'static str,
    pub description: &'static str,
    pub links: Vec<Link>,
}

#[derive(Serialize, ToSchema)]
pub struct ConformanceDeclaration {
    #[serde(rename = "conformsTo")]
    pub conforms_to: Vec<&'static str>,
}

/// The formats `?f=` may ask for on the landing page.
#[derive(ToSchema)]
#[schema(as = LandingFormat)]
#[allow(dead_code)]
pub enum LandingFormat {
    #[schema(rename = "json")]
    Json,
    #[schema(rename = "html")]
    Html,
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

/// Whether a request for `/` comes from a browser that wants the web map.
fn wants_html(headers: &HeaderMap, params: &QueryParams) -> bool {
    match params.single("f").ok().flatten() {
        Some("html") => return true,
        Some(_) => return false,
        None => {}
    }
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
}

/// `/`: the web map for browsers, the OGC landing page for everything else.
#[utoipa::path(get, path = "/", tag = "ogc",
    params(("f" = Option<LandingFormat>, Query, description = "`json` for the landing page, `html` for the web map")),
    responses(
        (status = 200, description = "The landing page (or, for browsers and `f=html`, the web map)", content((LandingPage = "application/json"), (String = "text/html"))),
        (status = 400, description = "An unknown parameter", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn landing(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let params = QueryParams::parse(query.as_deref())?;
    if wants_html(&headers, &params) {
        let mut response = crate::routes::assets::index().await;
        response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept"));
        return Ok(response);
    }
    check_format(&params, &[])?;
    let base = base_url(&state, &headers);
    let links = vec![
        Link::new(format!("{base}/"), "self", "application/json", "This document"),
        Link::new(format!("{base}/?f=html"), "alternate", "text/html", "The web map"),
        Link::new(format!("{base}/api"), "service-desc", OPENAPI_30, "The API definition (OpenAPI 3.0)"),
        Link::new(format!("{base}/openapi.json"), "service-desc", OPENAPI_31, "The API definition (OpenAPI 3.1)"),
        Link::new(format!("{base}/docs"), "service-doc", "text/html", "The API documentation"),
        Link::new(format!("{base}/conformance"), "conformance", "application/json", "Conformance classes implemented"),
        Link::new(format!("{base}/collections"), "data", "application/json", "The feature collections"),
        Link::new(format!("{base}/tiles.json"), "tiles", "application/json", "Vector tiles (TileJSON 3.0.0)"),
    ];
    let page = LandingPage {
        title: "Huế communes and wards after 1 July 2025",
        description: "The 40 communes and wards of Huế, their offices, and the 133 units they were formed from.",
        links,
    };
    let mut response = Json(page).into_response();
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

/// The conformance classes this service implements.
#[utoipa::path(get, path = "/conformance", tag = "ogc",
    responses(
        (status = 200, description = "The conformance declaration", body = ConformanceDeclaration),
        (status = 400, description = "An unknown parameter", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn conformance(RawQuery(query): RawQuery) -> ApiResult<Response> {
    check_format(&QueryParams::parse(query.as_deref())?, &[])?;
    Ok(Json(ConformanceDeclaration { conforms_to: CONFORMANCE.to_vec() }).into_response())
}

/// The feature collections: communes, offices, former units.
#[utoipa::path(get, path = "/collections", tag = "ogc",
    responses(
        (status = 200, description = "The collections", body = collections::Collections),
        (status = 400, description = "An unknown parameter", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn collections(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    check_format(&QueryParams::parse(query.as_deref())?, &[])?;
    let base = base_url(&state, &headers);
    let snapshot = state.current();
    Ok(Json(collections::Collections::new(&snapshot.data, &base)).into_response())
}

/// One collection's description and extent.
#[utoipa::path(get, path = "/collections/{collectionId}", tag = "ogc",
    params(("collectionId" = CollectionId, Path, description = "communes, offices or former_units")),
    responses(
        (status = 200, description = "The collection", body = collections::CollectionInfo),
        (status = 404, description = "No such collection", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn collection(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    check_format(&QueryParams::parse(query.as_deref())?, &[])?;
    let id = CollectionId::parse(&id)?;
    let base = base_url(&state, &headers);
    let snapshot = state.current();
    Ok(Json(collections::CollectionInfo::new(id, &snapshot.data, &base)).into_response())
}
