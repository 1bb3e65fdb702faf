//! `GET /`: the OGC API landing page, or the web map for a browser.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::{check_format, Link};
use crate::http::error_responses::BadRequest;
use crate::http::media::{OPENAPI_30, OPENAPI_31};
use crate::http::{ApiResult, BaseUrl, QueryParams};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct LandingPage {
    pub title: &'static str,
    pub description: &'static str,
    pub links: Vec<Link>,
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

/// Whether a request for `/` comes from a browser that wants the web map.
fn wants_html(headers: &HeaderMap, params: &QueryParams) -> bool {
    match params.single("f").ok().flatten() {
        Some("html") => return true,
        Some(_) => return false,
        None => {}
    }
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
}

/// The box of a dataset of many provinces (the country's), from its provinces' boxes; none
/// for a city's.
fn national_bounds(data: &data_boundaries::Dataset) -> Option<[f64; 4]> {
    let provinces = data.provinces();
    (provinces.len() > 1).then(|| {
        provinces.iter().fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, p| {
            [b[0].min(p.bbox[0]), b[1].min(p.bbox[1]), b[2].max(p.bbox[2]), b[3].max(p.bbox[3])]
        })
    })
}

/// `/`: the web map for browsers, the OGC landing page for everything else.
#[utoipa::path(get, path = "/", tag = "ogc",
    params(("f" = Option<LandingFormat>, Query, description = "`json` for the landing page, `html` for the web map")),
    responses(
        (status = 200, description = "The landing page (or, for browsers and `f=html`, the web map)", content((LandingPage = "application/json"), (String = "text/html"))),
        BadRequest,
    ))]
pub async fn landing(
    State(state): State<AppState>,
    headers: HeaderMap,
    BaseUrl(base): BaseUrl,
    params: QueryParams,
) -> ApiResult<Response> {
    if wants_html(&headers, &params) {
        let hosted = state.settings.basemap_style.as_ref().map(|style| style.origin.as_str());
        let country = national_bounds(&state.current().data);
        let mut response = crate::assets::index_page(&headers, hosted, country);
        response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept"));
        return Ok(response);
    }
    check_format(&params, &[])?;
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
