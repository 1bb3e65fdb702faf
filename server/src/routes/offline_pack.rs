//! `GET /api/v1/offline-pack`: what the web map needs to answer residents with no network
//! (Huế floods every year): the communes simplified to a few metres, the offices, the former
//! units, and the URL of every tile and glyph range the map draws them with. The service
//! worker saves it and those URLs; offline, the page answers "which commune, which office"
//! from it. Its ETag changes with the dataset and the registry, and the worker refreshes then.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::conditional::{unchanged, validated};
use crate::http::error_responses::BadRequest;
use crate::http::query::{province_download, ProvinceFilter};
use crate::http::{ApiResult, QueryParams};
use crate::state::{AppState, Snapshot};
use crate::views::{CommuneRef, FormerUnitView, OfficeView};
use tiles::glyphs::{GlyphRange, FONT_STACK};

/// The zoom whose simplified borders the pack carries: the map's own at the deepest zoom it
/// keeps offline, so what the page answers and what it draws agree. Simplified to 4 of that
/// zoom's tile units (about 2.3 m at Huế's latitude) on a grid of about 0.6 m, and written to
/// 5 decimals (about 1.1 m): within the pack's promise of 5 m.
const OUTLINE_ZOOM: u8 = OFFLINE_MAX_ZOOM;
/// How far the pack's borders may be from the real ones, in metres.
const BORDER_TOLERANCE_M: f64 = 5.0;
/// Coordinates are written to 5 decimals (about 1.1 m).
const COORDINATE_SCALE: f64 = 1e5;
/// Offline, the map has the tiles down to this zoom (streets-level for a commune).
const OFFLINE_MAX_ZOOM: u8 = 14;

/// A commune as the offline map needs it.
#[derive(Serialize, ToSchema)]
pub struct PackCommune<'a> {
    #[serde(flatten)]
    pub commune: CommuneRef<'a>,
    /// The outline as GeoJSON MultiPolygon coordinates, within 5 m of the real one; a border
    /// shared with a neighbour has the same vertices in both.
    #[schema(value_type = Vec<Vec<Vec<Vec<f64>>>>)]
    pub coordinates: Vec<Vec<Vec<[f64; 2]>>>,
}

/// Everything the web map answers offline with.
#[derive(Serialize, ToSchema)]
pub struct OfflinePack<'a> {
    /// The dataset and registry versions together; also the ETag.
    pub version: String,
    /// How far the simplified borders may be from the real ones, in metres.
    pub border_tolerance_m: f64,
    pub communes: Vec<PackCommune<'a>>,
    pub offices: Vec<OfficeView<'a>>,
    pub former_units: Vec<FormerUnitView<'a>>,
    /// The search index's keys, made by the server so that offline search finds what the
    /// API finds.
    pub search: Vec<PackSearchEntry<'a>>,
    /// The tiles (to z14, those with data) and glyph ranges to save for the map offline.
    pub urls: Vec<String>,
}

fn rounded(value: f64) -> f64 {
    (value * COORDINATE_SCALE).round() / COORDINATE_SCALE
}

/// One commune's outline for the pack: each ring rounded, without the repeated points that
/// rounding can make, and without rings that rounding collapsed.
fn coordinates(polygons: &[Vec<Vec<[f64; 2]>>]) -> Vec<Vec<Vec<[f64; 2]>>> {
    polygons
        .iter()
        .map(|rings| {
            rings
                .iter()
                .map(|ring| {
                    let mut out: Vec<[f64; 2]> = Vec::with_capacity(ring.len());
                    for point in ring.iter().map(|p| [rounded(p[0]), rounded(p[1])]) {
                        if out.last() != Some(&point) {
                            out.push(point);
                        }
                    }
                    out
                })
                .filter(|ring| ring.len() >= 4)
                .collect::<Vec<_>>()
        })
        .filter(|rings| !rings.is_empty())
        .collect()
}

/// A search entry as the pack carries it.
#[derive(Serialize, ToSchema)]
pub struct PackSearchEntry<'a> {
    /// `commune`, `former_unit` or `office`.
    pub kind: &'static str,
    /// Its position in the pack's `communes`, `former_units` or `offices`.
    pub at: usize,
    /// The names it is found by, each as words folded and words with their tone apart.
    #[schema(value_type = Vec<serde_json::Value>)]
    pub keys: &'a [data_boundaries::search::Key],
    /// Text matched as substring only (an office's address).
    #[schema(value_type = Option<serde_json::Value>)]
    pub extra: Option<&'a data_boundaries::search::Key>,
    /// Ties are ranked by this: the kind's rank, then the folded name.
    #[schema(value_type = Vec<serde_json::Value>)]
    pub order: &'a (u8, String),
}

/// The search entries of what the pack holds, each pointing at its place in the pack.
fn search_entries<'a>(snapshot: &'a Snapshot, kept: &Kept) -> Vec<PackSearchEntry<'a>> {
    use data_boundaries::search::Target;
    snapshot
        .search
        .entries()
        .iter()
        .filter_map(|entry| {
            let (kind, at) = match entry.target {
                Target::Commune(i) => ("commune", kept.communes.place(i)?),
                // The index points at a unit's first link; a split unit's first link may go
                // into another province, so any link the pack keeps stands for it.
                Target::FormerUnit(i) => {
                    let data = &snapshot.data;
                    let links = data.links_of_former_unit(&data.former_units[i].old_code);
                    let place = kept.former_units.place(i);
                    ("former_unit", place.or_else(|| links.iter().find_map(|&l| kept.former_units.place(l)))?)
                }
                Target::Office(i) => ("office", kept.offices.place(i)?),
                // A basemap's landmarks are not in the dataset's index, nor in the pack.
                Target::Named(_) => return None,
            };
            Some(PackSearchEntry { kind, at, keys: &entry.keys, extra: entry.extra.as_ref(), order: &entry.order })
        })
        .collect()
}

/// Which of a dataset's items (communes, offices or lineage links) a pack holds, in order.
struct Selection {
    /// The dataset's indexes of the items kept.
    items: Vec<usize>,
    /// For each dataset index, its place in the pack (None when left out).
    places: Vec<Option<usize>>,
}

impl Selection {
    fn of(count: usize, keep: impl Fn(usize) -> bool) -> Selection {
        let items: Vec<usize> = (0..count).filter(|&i| keep(i)).collect();
        let mut places = vec![None; count];
        for (place, &i) in items.iter().enumerate() {
            places[i] = Some(place);
        }
        Selection { items, places }
    }

    fn place(&self, i: usize) -> Option<usize> {
        self.places.get(i).copied().flatten()
    }
}

/// What one pack holds: everything, or one province's communes, their offices and the
/// lineage links into them.
struct Kept {
    communes: Selection,
    offices: Selection,
    former_units: Selection,
    /// The province's box, or None for the whole dataset.
    bbox: Option<[f64; 4]>,
}

impl Kept {
    fn new(data: &data_boundaries::Dataset, province: &ProvinceFilter) -> Kept {
        Kept {
            communes: Selection::of(data.communes.len(), |i| province.commune(i)),
            offices: Selection::of(data.offices.len(), |i| province.office(i)),
            former_units: Selection::of(data.former_units.len(), |i| province.former_unit(i)),
            bbox: province.index().map(|p| data.provinces()[p].bbox),
        }
    }

    /// Whether the tile meets the pack's area.
    fn tile(&self, id: tiles::TileId) -> bool {
        let Some([west, south, east, north]) = self.bbox else { return true };
        let ([x0, y0], [x1, y1]) = (tiles::tile_math::to_unit(west, north), tiles::tile_math::to_unit(east, south));
        let [tx0, ty0, tx1, ty1] = id.unit_bounds();
        tx0 <= x1 && x0 <= tx1 && ty0 <= y1 && y0 <= ty1
    }
}

/// The glyph ranges the map's labels need: every character of the names it shows.
fn glyph_urls(snapshot: &Snapshot) -> Vec<String> {
    let data = &snapshot.data;
    let names = data
        .communes
        .iter()
        .flat_map(|c| [c.name.as_str(), c.full_name.as_str()])
        .chain(data.offices.iter().map(|o| o.name.as_str()))
        .chain(data.former_units.iter().map(|u| u.old_name.as_str()))
        .chain(std::iter::once("0123456789 ()≈-–,."));
    let ranges: BTreeSet<u32> =
        names.flat_map(str::chars).filter_map(|c| GlyphRange::containing(c as u32)).map(GlyphRange::start).collect();
    let font = FONT_STACK.replace(' ', "%20");
    ranges
        .into_iter()
        .filter_map(|start| GlyphRange::new(start, start + 255).ok())
        .map(|range| format!("/fonts/{font}/{range}.pbf"))
        .collect()
}

fn pack<'a>(snapshot: &'a Snapshot, province: &ProvinceFilter) -> OfflinePack<'a> {
    let data = &snapshot.data;
    let kept = Kept::new(data, province);
    let tiles = snapshot
        .tiles
        .pyramid_tiles()
        .into_iter()
        .filter(|(id, _)| id.z <= OFFLINE_MAX_ZOOM && kept.tile(*id))
        .map(|(id, _)| format!("/tiles/{}/{}/{}.mvt", id.z, id.x, id.y));
    let source = snapshot.tiles.source();
    OfflinePack {
        version: version(snapshot, province.code()),
        border_tolerance_m: BORDER_TOLERANCE_M,
        communes: kept
            .communes
            .items
            .iter()
            .map(|&i| PackCommune {
                commune: CommuneRef::from(&data.communes[i]),
                coordinates: coordinates(&source.outline_at(OUTLINE_ZOOM, i)),
            })
            .collect(),
        offices: kept.offices.items.iter().map(|&i| OfficeView::new(&data.offices[i], None)).collect(),
        former_units: kept.former_units.items.iter().map(|&i| FormerUnitView::from(&data.former_units[i])).collect(),
        search: search_entries(snapshot, &kept),
        urls: tiles.chain(glyph_urls(snapshot)).collect(),
    }
}

/// The pack's own shape, part of its version: a service worker holding a pack of another
/// shape (before `search` was shipped, say) fetches the new one, rather than a 304.
const PACK_FORMAT: u32 = 2;

fn version(snapshot: &Snapshot, province: Option<&str>) -> String {
    match province {
        None => format!("{}-p{PACK_FORMAT}", snapshot.version()),
        Some(code) => format!("{}-p{PACK_FORMAT}-{code}", snapshot.version()),
    }
}

/// The offline pack of the data being served, or of one province's part of it (a phone keeps
/// the province it lives in: the whole country's pack is about 15 MB compressed).
#[utoipa::path(get, path = "/api/v1/offline-pack", tag = "residents",
    params(("province" = Option<String>, Query, description = "Only this province's units, their offices and the former units that went into them, and the tiles over it: its code or name")),
    responses(
        (status = 200, description = "The pack, with an ETag that changes with the dataset and the registry", body = OfflinePack),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        BadRequest,
    ))]
pub async fn offline_pack(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: QueryParams,
) -> ApiResult<Response> {
    let (snapshot, index) = province_download(&state, &params)?;
    let code = index.map(|p| snapshot.data.provinces()[p].code.as_str());
    let etag = format!("\"{}\"", version(&snapshot, code));
    if let Some(response) = unchanged(&headers, &etag, "no-cache") {
        return Ok(response);
    }
    // Made once per snapshot (and province), off the async workers: the country's takes
    // seconds.
    let body = crate::cpu::run(move || {
        let encode = || {
            let province = ProvinceFilter::of_index(&snapshot.data, index);
            match serde_json::to_vec(&pack(&snapshot, &province)) {
                Ok(bytes) => axum::body::Bytes::from(bytes),
                // Serialising plain strings and numbers cannot fail; an empty object says so.
                Err(_) => axum::body::Bytes::from_static(b"{}"),
            }
        };
        let exports = &snapshot.exports;
        match index {
            None => exports.offline_pack.get_or_init(encode).clone(),
            Some(p) => exports
                .province_packs
                .get_or_init(|| snapshot.data.provinces().iter().map(|_| std::sync::OnceLock::new()).collect())[p]
                .get_or_init(encode)
                .clone(),
        }
    })
    .await?;
    Ok(validated(([(header::CONTENT_TYPE, "application/json")], body).into_response(), &etag, "no-cache"))
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(offline_pack))
}
