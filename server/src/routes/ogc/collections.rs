//! `GET /collections` and `GET /collections/{collectionId}`: the three feature collections
//! and their metadata documents.

use data_boundaries::Dataset;

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::{check_format, Link, CRS84, EPSG_4326};
use crate::http::error_responses::{BadRequest, NotFound};
use crate::http::problem::{ApiResult, Problem};
use crate::http::{BaseUrl, QueryParams};
use crate::state::AppState;
use crate::views::{commune_feature, former_unit_feature, office_feature};

/// The collections we publish.
#[derive(Serialize, ToSchema, Clone, Copy, PartialEq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum CollectionId {
    Communes,
    Offices,
    FormerUnits,
}

impl CollectionId {
    pub const ALL: [CollectionId; 3] = [CollectionId::Communes, CollectionId::Offices, CollectionId::FormerUnits];

    pub fn parse(id: &str) -> ApiResult<CollectionId> {
        CollectionId::ALL.into_iter().find(|c| c.id() == id).ok_or_else(|| {
            Problem::not_found(format!("no collection {id:?}; the collections are communes, offices and former_units"))
        })
    }

    pub fn id(self) -> &'static str {
        match self {
            CollectionId::Communes => "communes",
            CollectionId::Offices => "offices",
            CollectionId::FormerUnits => "former_units",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            CollectionId::Communes => "Communes and wards (from 1 July 2025)",
            CollectionId::Offices => "Public-service offices",
            CollectionId::FormerUnits => "Former commune-level units (before 1 July 2025)",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            CollectionId::Communes => "The new communes and wards as MultiPolygons, with official and computed area, population (indicative only), seat and the former units each was formed from.",
            CollectionId::Offices => "Commune seats and other public-service points. Many positions are approximate: every feature says how precise its position is in position_precision.",
            CollectionId::FormerUnits => "The units merged on 1 July 2025, each at an approximate point (not a boundary), with the new unit it joined and the legal basis.",
        }
    }

    pub fn count(self, data: &Dataset) -> usize {
        match self {
            CollectionId::Communes => data.communes.len(),
            CollectionId::Offices => data.offices.len(),
            CollectionId::FormerUnits => data.former_units.len(),
        }
    }

    /// The index of the feature whose id is `feature_id`.
    pub fn find(self, data: &Dataset, feature_id: &str) -> Option<usize> {
        match self {
            CollectionId::Communes => data.commune_by_code(feature_id),
            CollectionId::Offices => data.office_by_id(feature_id),
            CollectionId::FormerUnits => data.former_unit_by_code(feature_id),
        }
    }

    /// Feature `index` as a GeoJSON Feature.
    pub fn feature(self, data: &Dataset, index: usize) -> Value {
        let value = match self {
            CollectionId::Communes => serde_json::to_value(commune_feature(data, index)),
            CollectionId::Offices => serde_json::to_value(office_feature(&data.offices[index])),
            CollectionId::FormerUnits => serde_json::to_value(former_unit_feature(data, &data.former_units[index])),
        };
        value.unwrap_or(Value::Null)
    }

    /// `[west, south, east, north]` of every feature of the collection.
    fn extent(self, data: &Dataset) -> [f64; 4] {
        let points: Vec<(f64, f64)> = match self {
            CollectionId::Communes => return data.bounds(),
            CollectionId::Offices => data.offices.iter().map(|o| (o.lon, o.lat)).collect(),
            CollectionId::FormerUnits => {
                data.former_units.iter().filter_map(|u| u.point).map(|[lon, lat]| (lon, lat)).collect()
            }
        };
        if points.is_empty() {
            return data.bounds();
        }
        points.iter().fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |[w, s, e, n], &(x, y)| {
            [w.min(x), s.min(y), e.max(x), n.max(y)]
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct SpatialExtent {
    /// `[west, south, east, north]`, CRS84.
    pub bbox: Vec<[f64; 4]>,
    pub crs: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Extent {
    pub spatial: SpatialExtent,
}

/// One collection's metadata.
#[derive(Serialize, ToSchema)]
pub struct CollectionInfo {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub links: Vec<Link>,
    pub extent: Extent,
    /// Always `feature`.
    #[serde(rename = "itemType")]
    pub item_type: &'static str,
    /// CRS84 (the default) and EPSG:4326 (latitude first).
    pub crs: Vec<&'static str>,
    #[serde(rename = "storageCrs")]
    pub storage_crs: &'static str,
}

impl CollectionInfo {
    pub fn new(id: CollectionId, data: &Dataset, base: &str) -> CollectionInfo {
        let root = format!("{base}/collections/{}", id.id());
        let mut links = vec![
            Link::new(root.clone(), "self", "application/json", "This collection"),
            Link::new(format!("{root}/items"), "items", "application/geo+json", "The features"),
        ];
        if id == CollectionId::Communes {
            links.push(Link::new(
                format!("{base}/api/v1/export/communes.fgb"),
                "enclosure",
                "application/flatgeobuf",
                "All communes as FlatGeobuf",
            ));
            links.push(Link::new(
                format!("{base}/api/v1/export/communes.geojson"),
                "enclosure",
                "application/geo+json",
                "All communes as one GeoJSON file",
            ));
        }
        if id == CollectionId::Offices {
            links.push(Link::new(
                format!("{base}/api/v1/export/offices.geojson"),
                "enclosure",
                "application/geo+json",
                "All offices as one GeoJSON file",
            ));
        }
        CollectionInfo {
            id: id.id(),
            title: id.title(),
            description: id.description(),
            links,
            extent: Extent { spatial: SpatialExtent { bbox: vec![id.extent(data)], crs: CRS84 } },
            item_type: "feature",
            crs: vec![CRS84, EPSG_4326],
            storage_crs: CRS84,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Collections {
    pub links: Vec<Link>,
    pub collections: Vec<CollectionInfo>,
    /// Every CRS any collection offers.
    pub crs: Vec<&'static str>,
}

impl Collections {
    pub fn new(data: &Dataset, base: &str) -> Collections {
        Collections {
            links: vec![Link::new(format!("{base}/collections"), "self", "application/json", "This document")],
            collections: CollectionId::ALL.into_iter().map(|id| CollectionInfo::new(id, data, base)).collect(),
            crs: vec![CRS84, EPSG_4326],
        }
    }
}

/// The feature collections: communes, offices, former units.
#[utoipa::path(get, path = "/collections", tag = "ogc",
    responses(
        (status = 200, description = "The collections", body = Collections),
        BadRequest,
    ))]
pub async fn collections(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    params: QueryParams,
) -> ApiResult<Response> {
    check_format(&params, &[])?;
    let snapshot = state.current();
    Ok(Json(Collections::new(&snapshot.data, &base)).into_response())
}

/// One collection's description and extent.
#[utoipa::path(get, path = "/collections/{collectionId}", tag = "ogc",
    params(("collectionId" = CollectionId, Path, description = "communes, offices or former_units")),
    responses(
        (status = 200, description = "The collection", body = CollectionInfo),
        NotFound,
    ))]
pub async fn collection(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    params: QueryParams,
) -> ApiResult<Response> {
    check_format(&params, &[])?;
    let id = CollectionId::parse(&id)?;
    let snapshot = state.current();
    Ok(Json(CollectionInfo::new(id, &snapshot.data, &base)).into_response())
}
