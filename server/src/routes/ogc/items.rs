//! `/collections/{collectionId}/items` and `/collections/{collectionId}/items/{featureId}`.

use std::time::SystemTime;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{CollectionId, Link};
use crate::http::bbox::{parse_bbox, Crs};
use crate::http::error_responses::{BadRequest, NotFound};
use crate::http::media::GEOJSON;
use crate::http::problem::{ApiResult, Problem};
use crate::http::query::ProvinceFilter;
use crate::http::query::QueryParams;
use crate::http::BaseUrl;
use crate::state::AppState;

pub const DEFAULT_LIMIT: u64 = 10;
/// Larger limits are clamped to this, as the standard says (not refused).
pub const MAX_LIMIT: u64 = 1_000;
/// The largest `limit` or `offset` accepted at all: the OpenAPI int32 range.
const MAX_COUNT: u32 = i32::MAX as u32;

const ITEMS_PARAMS: [&str; 7] = ["limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "province"];

/// The parameters of an items request, checked.
#[derive(Debug)]
pub struct ItemsQuery {
    pub limit: usize,
    pub offset: usize,
    /// `[west, south, east, north]` in CRS84; west > east crosses the antimeridian.
    pub bbox: Option<[f64; 4]>,
    pub crs: Crs,
    /// Kept only to repeat it in paging links: our features have no time, so every feature
    /// matches any valid datetime.
    pub datetime: Option<String>,
    /// The `province` asked for, as written (for paging links).
    pub province: Option<String>,
    raw_bbox: Option<String>,
    raw_bbox_crs: Option<String>,
}

impl ItemsQuery {
    pub fn parse(params: &QueryParams) -> ApiResult<ItemsQuery> {
        super::check_format(params, &ITEMS_PARAMS)?;
        let limit = match params.single("limit")? {
            None => DEFAULT_LIMIT,
            Some(raw) => {
                let value: u32 = raw.trim().parse().ok().filter(|v| *v <= MAX_COUNT).ok_or_else(|| {
                    Problem::invalid_param(
                        "limit",
                        format!("must be a whole number from 1 to {MAX_COUNT}, got {raw:?}"),
                    )
                })?;
                if value == 0 {
                    return Err(Problem::invalid_param("limit", "must be at least 1"));
                }
                u64::from(value).min(MAX_LIMIT)
            }
        } as usize;
        let offset = match params.single("offset")? {
            None => 0,
            Some(raw) => raw.trim().parse::<u32>().ok().filter(|v| *v <= MAX_COUNT).ok_or_else(|| {
                Problem::invalid_param("offset", format!("must be a whole number from 0 to {MAX_COUNT}, got {raw:?}"))
            })? as usize,
        };
        let crs = params.single("crs")?.map(|raw| Crs::parse("crs", raw)).transpose()?.unwrap_or(Crs::Crs84);
        let raw_bbox_crs = params.single("bbox-crs")?.map(str::to_string);
        let bbox_crs =
            raw_bbox_crs.as_deref().map(|raw| Crs::parse("bbox-crs", raw)).transpose()?.unwrap_or(Crs::Crs84);
        let raw_bbox = params.single("bbox")?.map(str::to_string);
        let bbox = raw_bbox.as_deref().map(|raw| parse_bbox(raw, bbox_crs)).transpose()?;
        if raw_bbox_crs.is_some() && raw_bbox.is_none() {
            return Err(Problem::invalid_param("bbox-crs", "is only meaningful with bbox"));
        }
        let datetime =
            params.single("datetime")?.map(|raw| check_datetime(raw).map(|()| raw.to_string())).transpose()?;
        let province = params.single("province")?.map(str::to_string);
        Ok(ItemsQuery { limit, offset, bbox, crs, datetime, raw_bbox, raw_bbox_crs, province })
    }

    /// The query string of this request at another offset, for paging links.
    fn query_at(&self, offset: usize) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("limit", self.limit.to_string()), ("offset", offset.to_string())];
        if let Some(bbox) = &self.raw_bbox {
            pairs.push(("bbox", bbox.clone()));
        }
        if let Some(bbox_crs) = &self.raw_bbox_crs {
            pairs.push(("bbox-crs", bbox_crs.clone()));
        }
        if self.crs != Crs::Crs84 {
            pairs.push(("crs", self.crs.uri().to_string()));
        }
        if let Some(datetime) = &self.datetime {
            pairs.push(("datetime", datetime.clone()));
        }
        if let Some(province) = &self.province {
            pairs.push(("province", province.clone()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// An RFC 3339 instant or interval (`a/b`, with `..` or nothing for an open end).
fn check_datetime(raw: &str) -> ApiResult<()> {
    let instant = |part: &str| -> bool {
        let part = part.trim();
        humantime::parse_rfc3339_weak(part).is_ok() || is_date(part)
    };
    let valid = match raw.split_once('/') {
        None => instant(raw),
        Some((start, end)) => {
            let open = |p: &str| p.is_empty() || p == "..";
            !(open(start) && open(end)) && (open(start) || instant(start)) && (open(end) || instant(end))
        }
    };
    if valid {
        Ok(())
    } else {
        Err(Problem::invalid_param("datetime", format!("must be an RFC 3339 date, date-time or interval, got {raw:?}")))
    }
}

fn is_date(text: &str) -> bool {
    humantime::parse_rfc3339_weak(&format!("{text} 00:00:00")).is_ok()
}

/// Swaps the first two numbers of every position (and of a bbox) for latitude-first CRSs.
fn swap_axes(value: &mut Value) {
    fn swap_positions(value: &mut Value) {
        if let Value::Array(items) = value {
            if items.first().is_some_and(Value::is_number) {
                if items.len() >= 2 {
                    items.swap(0, 1);
                }
            } else {
                items.iter_mut().for_each(swap_positions);
            }
        }
    }
    if let Some(coordinates) = value.pointer_mut("/geometry/coordinates") {
        swap_positions(coordinates);
    }
    if let Some(Value::Array(bbox)) = value.get_mut("bbox") {
        if bbox.len() == 4 {
            bbox.swap(0, 1);
            bbox.swap(2, 3);
        }
    }
}

/// A page of features, with paging links and counts.
#[derive(Serialize, ToSchema)]
pub struct FeatureCollectionPage {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// GeoJSON Features.
    #[schema(value_type = Vec<Object>)]
    pub features: Vec<Value>,
    pub links: Vec<Link>,
    #[serde(rename = "numberMatched")]
    pub number_matched: usize,
    #[serde(rename = "numberReturned")]
    pub number_returned: usize,
    /// When this response was made (RFC 3339).
    #[serde(rename = "timeStamp")]
    pub time_stamp: String,
}

/// One GeoJSON Feature (RFC 7946: `type`, `id`, `geometry`, `properties`) with its links.
#[derive(Serialize, ToSchema)]
pub struct FeatureWithLinks {
    /// The GeoJSON Feature's members.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub feature: Value,
    pub links: Vec<Link>,
}

fn geojson_response(body: impl Serialize, crs: Crs) -> Response {
    let mut response = Json(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON));
    if let Ok(value) = HeaderValue::from_str(&format!("<{}>", crs.uri())) {
        headers.insert("content-crs", value);
    }
    response
}

/// The features of a collection, a page at a time, optionally within a bbox.
#[utoipa::path(get, path = "/collections/{collectionId}/items", tag = "ogc",
    params(
        ("collectionId" = CollectionId, Path, description = "communes, offices or former_units"),
        ("limit" = Option<u32>, Query, style = Form, explode = false, minimum = 1, maximum = 2147483647, description = "Features per page (default 10; more than 1,000 is clamped to 1,000)"),
        ("offset" = Option<u32>, Query, maximum = 2147483647, description = "Features to skip (default 0)"),
        ("bbox" = Option<Vec<f64>>, Query, style = Form, explode = false, min_items = 4, max_items = 6, description = "west,south,east,north (CRS84 unless bbox-crs says otherwise)"),
        ("bbox-crs" = Option<super::CrsUri>, Query, description = "The CRS of bbox: CRS84 (default) or EPSG:4326 URI"),
        ("crs" = Option<super::CrsUri>, Query, description = "The CRS of the response: CRS84 (default) or EPSG:4326 URI"),
        ("datetime" = Option<String>, Query, style = Form, explode = false, description = "An RFC 3339 instant or interval; our features have no time, so all match"),
        ("province" = Option<String>, Query, description = "Only features in this province (after 1 July 2025): its code or name; an office is in its commune's, a former unit in the province of the unit it went into"),
        ("f" = Option<super::JsonFormat>, Query, description = "json or geojson"),
    ),
    responses(
        (status = 200, description = "A page of features", body = FeatureCollectionPage, content_type = "application/geo+json"),
        BadRequest, NotFound,
    ))]
pub async fn items(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    params: QueryParams,
) -> ApiResult<Response> {
    let id = CollectionId::parse(&id)?;
    let request = ItemsQuery::parse(&params)?;
    let snapshot = state.current();
    let data = &snapshot.data;
    let province = ProvinceFilter::parse(data, &params)?;
    // The dataset's R-trees answer the bbox (west > east crosses the antimeridian).
    let mut matched: Vec<usize> = match request.bbox {
        None => (0..id.count(data)).collect(),
        Some([west, south, east, north]) => match id {
            CollectionId::Communes => data.communes_in_bbox(west, south, east, north),
            CollectionId::Offices => data.offices_in_bbox(west, south, east, north),
            CollectionId::FormerUnits => data.former_units_in_bbox(west, south, east, north),
        },
    };
    matched.retain(|&i| match id {
        CollectionId::Communes => province.commune(i),
        CollectionId::Offices => province.office(i),
        CollectionId::FormerUnits => province.former_unit(i),
    });
    let page = matched.iter().skip(request.offset).take(request.limit);
    let features: Vec<Value> = page
        .map(|&i| {
            let mut feature = id.feature(data, i);
            if request.crs == Crs::Epsg4326 {
                swap_axes(&mut feature);
            }
            feature
        })
        .collect();
    let items_url = format!("{base}/collections/{}/items", id.id());
    let mut links = vec![
        Link::new(format!("{items_url}?{}", request.query_at(request.offset)), "self", GEOJSON, "This page"),
        Link::new(format!("{base}/collections/{}", id.id()), "collection", "application/json", "The collection"),
    ];
    if request.offset + features.len() < matched.len() {
        links.push(Link::new(
            format!("{items_url}?{}", request.query_at(request.offset + request.limit)),
            "next",
            GEOJSON,
            "The next page",
        ));
    }
    if request.offset > 0 {
        links.push(Link::new(
            format!("{items_url}?{}", request.query_at(request.offset.saturating_sub(request.limit))),
            "prev",
            GEOJSON,
            "The previous page",
        ));
    }
    let body = FeatureCollectionPage {
        kind: "FeatureCollection",
        number_returned: features.len(),
        number_matched: matched.len(),
        features,
        links,
        time_stamp: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
    };
    Ok(geojson_response(body, request.crs))
}

/// One feature of a collection.
#[utoipa::path(get, path = "/collections/{collectionId}/items/{featureId}", tag = "ogc",
    params(
        ("collectionId" = CollectionId, Path, description = "communes, offices or former_units"),
        ("featureId" = String, Path, description = "A commune code, an office id or a former unit's code"),
        ("crs" = Option<super::CrsUri>, Query, description = "The CRS of the response: CRS84 (default) or EPSG:4326 URI"),
        ("f" = Option<super::JsonFormat>, Query, description = "json or geojson"),
    ),
    responses(
        (status = 200, description = "The feature, with links", body = FeatureWithLinks, content_type = "application/geo+json"),
        BadRequest, NotFound,
    ))]
pub async fn item(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    Path((id, feature_id)): Path<(String, String)>,
    params: QueryParams,
) -> ApiResult<Response> {
    let id = CollectionId::parse(&id)?;
    super::check_format(&params, &["crs"])?;
    let crs = params.single("crs")?.map(|raw| Crs::parse("crs", raw)).transpose()?.unwrap_or(Crs::Crs84);
    let snapshot = state.current();
    let data = &snapshot.data;
    let index = id
        .find(data, &feature_id)
        .ok_or_else(|| Problem::not_found(format!("collection {} has no feature {feature_id:?}", id.id())))?;
    let mut feature = id.feature(data, index);
    if crs == Crs::Epsg4326 {
        swap_axes(&mut feature);
    }
    let links = vec![
        Link::new(format!("{base}/collections/{}/items/{feature_id}", id.id()), "self", GEOJSON, "This feature"),
        Link::new(format!("{base}/collections/{}", id.id()), "collection", "application/json", "The collection"),
    ];
    Ok(geojson_response(FeatureWithLinks { feature, links }, crs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_in_epsg_4326_is_latitude_first() {
        assert_eq!(parse_bbox("16.3,107.5,16.6,107.7", Crs::Epsg4326).unwrap(), [107.5, 16.3, 107.7, 16.6]);
        assert_eq!(parse_bbox("107.5,16.3,0,107.7,16.6,100", Crs::Crs84).unwrap(), [107.5, 16.3, 107.7, 16.6]);
        assert!(parse_bbox("1,2,3", Crs::Crs84).is_err());
        assert!(parse_bbox("0,10,1,5", Crs::Crs84).is_err(), "south above north");
        assert!(parse_bbox("0,0,200,1", Crs::Crs84).is_err());
    }

    #[test]
    fn datetimes_follow_rfc_3339() {
        for good in ["2025-07-01", "2025-07-01T00:00:00Z", "2015-01-01/2024-01-01", "../2025-07-01", "2025-07-01/.."] {
            assert!(check_datetime(good).is_ok(), "{good}");
        }
        for bad in ["yesterday", "../..", "2025-13-01", "/"] {
            assert!(check_datetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn axes_swap_in_positions_and_bbox() {
        let mut feature = serde_json::json!({"bbox": [1.0, 2.0, 3.0, 4.0], "geometry": {"type": "Polygon", "coordinates": [[[1.0, 2.0], [3.0, 4.0]]]}});
        swap_axes(&mut feature);
        assert_eq!(feature["bbox"], serde_json::json!([2.0, 1.0, 4.0, 3.0]));
        assert_eq!(feature["geometry"]["coordinates"], serde_json::json!([[[2.0, 1.0], [4.0, 3.0]]]));
    }
}
