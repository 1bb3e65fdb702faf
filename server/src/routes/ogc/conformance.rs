//! `GET /conformance`: the OGC API conformance classes this service implements.

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::check_format;
use crate::http::error_responses::BadRequest;
use crate::http::{ApiResult, QueryParams};

/// The conformance classes we implement and test (ogctests, GDAL).
pub const CONFORMANCE: [&str; 4] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
];

#[derive(Serialize, ToSchema)]
pub struct ConformanceDeclaration {
    #[serde(rename = "conformsTo")]
    pub conforms_to: Vec<&'static str>,
}

/// The conformance classes this service implements.
#[utoipa::path(get, path = "/conformance", tag = "ogc",
    responses(
        (status = 200, description = "The conformance declaration", body = ConformanceDeclaration),
        BadRequest,
    ))]
pub async fn conformance(params: QueryParams) -> ApiResult<Response> {
    check_format(&params, &[])?;
    Ok(Json(ConformanceDeclaration { conforms_to: CONFORMANCE.to_vec() }).into_response())
}
