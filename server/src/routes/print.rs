//! `GET /print/communes/{code}` and `GET /print/offices/{id}`: print-ready A4 pages for the
//! standees and notices the city puts up at its service points: the name, a still map (the
//! SVG renderer's), the seat's address, hours and phone, what the commune was formed from, the
//! agent and post-office points near it, and a QR code to the live page. Vietnamese by
//! default, `?lang=en` for English. Each page is one HTML document with its styles and
//! pictures inline, so it prints the same from a browser or a headless one.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use data_boundaries::{Dataset, Office, OfficeKind};
use geo::BoundingRect;
use qrcode::render::svg;
use qrcode::QrCode;
use tiles::static_map::{self, View};
use tiles::xml::escape;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::basemap::archive::StreetTiles;
use crate::http::conditional::{unchanged, validated};
use crate::http::error_responses::{BadRequest, NotFound};
use crate::http::tiles::TILE_CACHE_CONTROL;
use crate::http::{ApiResult, BaseUrl, Problem, QueryParams};
use crate::state::{AppState, Snapshot};

/// The map on the page, in CSS pixels (about 17 × 11 cm).
const MAP_SIZE: (u32, u32) = (640, 420);
/// Nearby points listed, per kind.
const NEARBY: usize = 6;

/// The page's words, in its language.
struct Words {
    lang: &'static str,
    since: &'static str,
    seat: &'static str,
    address: &'static str,
    hours: &'static str,
    phone: &'static str,
    approximate: &'static str,
    formed_from: &'static str,
    agents: &'static str,
    post_offices: &'static str,
    none: &'static str,
    scan: &'static str,
    commune: &'static str,
    map_credit: &'static str,
}

const VI: Words = Words {
    lang: "vi",
    since: "Thành phố Huế · từ ngày 1/7/2025",
    seat: "Trụ sở",
    address: "Địa chỉ",
    hours: "Giờ làm việc",
    phone: "Điện thoại",
    approximate: "Vị trí trên bản đồ là gần đúng; hãy theo địa chỉ.",
    formed_from: "Hình thành từ",
    agents: "Điểm đại lý dịch vụ công gần đây",
    post_offices: "Điểm bưu điện tiếp nhận hồ sơ gần đây",
    none: "Chưa có.",
    scan: "Quét mã để xem bản đồ trực tuyến",
    commune: "Xã, phường",
    map_credit: "Bản đồ",
};

const EN: Words = Words {
    lang: "en",
    since: "Huế City · from 1 July 2025",
    seat: "Seat",
    address: "Address",
    hours: "Opening hours",
    phone: "Phone",
    approximate: "The position on the map is approximate; follow the address.",
    formed_from: "Formed from",
    agents: "Public-service agent points nearby",
    post_offices: "Post-office reception points nearby",
    none: "None yet.",
    scan: "Scan for the live map",
    commune: "Commune or ward",
    map_credit: "Map",
};

/// What both pages begin with: the page's language, the data it is drawn from and its ETag;
/// or, when the client's copy is current, the 304 that answers it.
enum Begun {
    Current(Response),
    Draw { w: &'static Words, snapshot: Arc<Snapshot>, etag: String },
}

/// `page` names what the page shows, for its ETag.
fn begin(state: &AppState, base: &str, params: &QueryParams, headers: &HeaderMap, page: &str) -> ApiResult<Begun> {
    let w = words(params)?;
    let snapshot = arc_swap::Guard::into_inner(state.current());
    let streets = state.settings.basemap.as_ref().map(|b| b.identity.as_str()).unwrap_or("no streets");
    let etag = page_etag(snapshot.version(), &format!("{page} {} {base} {streets}", w.lang));
    Ok(match unchanged(headers, &etag, TILE_CACHE_CONTROL) {
        Some(response) => Begun::Current(response),
        None => Begun::Draw { w, snapshot, etag },
    })
}

/// The page's map: the view of a box, the streets under it when a basemap is served, and
/// the credit line for both.
struct MapSource {
    view: Option<View>,
    streets: StreetTiles,
    credit: String,
}

impl MapSource {
    async fn of(state: &AppState, bbox: Option<[f64; 4]>) -> MapSource {
        let (width, height) = MAP_SIZE;
        let view = bbox.and_then(|b| View::new(b, width, height).ok());
        let basemap = state.settings.basemap.as_deref();
        let streets = match (&view, basemap) {
            (Some(view), Some(basemap)) => basemap.tiles_under(view).await,
            _ => StreetTiles::none(),
        };
        let credit = match basemap {
            Some(basemap) => format!("{} · {}", tiles::metadata::ATTRIBUTION, without_tags(basemap.attribution())),
            None => tiles::metadata::ATTRIBUTION.to_string(),
        };
        MapSource { view, streets, credit }
    }

    /// The still map, inline (CPU work: call it off the async workers).
    fn figure(self, tiles: &tiles::TileStore) -> String {
        let Some(view) = self.view else { return String::new() };
        let streets = self.streets.decompressed();
        let svg = static_map::render_over_streets(tiles, &view, &self.credit, &streets);
        format!("<figure class=\"map\">{svg}</figure>")
    }
}

/// A credit line's text without its markup: archives credit with HTML links, a printed page
/// with words.
fn without_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&copy;", "©").replace("&amp;", "&").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words(params: &QueryParams) -> ApiResult<&'static Words> {
    params.reject_unknown(&["lang"])?;
    match params.single("lang")?.unwrap_or("vi") {
        "vi" => Ok(&VI),
        "en" => Ok(&EN),
        other => Err(Problem::invalid_param("lang", format!("must be vi or en, got {other:?}"))),
    }
}

/// A commune's page: its map, seat, lineage, nearby points and a QR code to it.
#[utoipa::path(get, path = "/print/communes/{code}", tag = "communes",
    params(
        ("code" = String, Path, description = "The commune's code"),
        ("lang" = Option<String>, Query, description = "vi (default) or en"),
    ),
    responses(
        (status = 200, description = "An A4 page to print", content_type = "text/html", body = String),
        (status = 304, description = "Unchanged since the ETag given"),
        BadRequest, NotFound,
    ))]
pub async fn commune_page(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    Path(code): Path<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (w, snapshot, etag) = match begin(&state, &base, &params, &headers, &format!("commune {code}"))? {
        Begun::Current(response) => return Ok(response),
        Begun::Draw { w, snapshot, etag } => (w, snapshot, etag),
    };
    let index = snapshot
        .data
        .commune_by_code(&code)
        .ok_or_else(|| Problem::not_found(format!("no commune has code {code:?}")))?;
    let link = format!("{base}/?commune={code}&lang={}", w.lang);
    let bbox = snapshot.data.communes[index].geometry.bounding_rect();
    let source = MapSource::of(&state, bbox.map(|r| padded([r.min().x, r.min().y, r.max().x, r.max().y], 0.08))).await;
    let html = crate::cpu::run(move || {
        let data = &snapshot.data;
        let commune = &data.communes[index];
        let credit = source.credit.clone();
        let map = source.figure(&snapshot.tiles);
        let mut body = String::new();
        let _ = write!(body, "<h1>{}</h1><p class=\"since\">{}</p>", escape(&commune.full_name), w.since);
        body.push_str(&map);
        let _ = write!(body, "<div class=\"columns\"><div>");
        match data.seat(index) {
            Some(seat) => office_block(&mut body, w, w.seat, seat),
            None => {
                let _ = write!(body, "<h2>{}</h2><p>{}</p>", w.seat, w.none);
            }
        }
        let formed: Vec<String> = data
            .former_units_of(index)
            .map(|u| format!("<li>{} <small>({})</small></li>", escape(&u.old_name), escape(&u.old_district)))
            .collect();
        let _ = write!(body, "<h2>{}</h2><ul class=\"lineage\">{}</ul>", w.formed_from, formed.join(""));
        let _ = write!(body, "</div><div>");
        for (title, kind) in [(w.agents, OfficeKind::PublicServiceAgent), (w.post_offices, OfficeKind::PostOffice)] {
            nearby_list(&mut body, w, title, data, index, kind);
        }
        qr_block(&mut body, w, &link);
        body.push_str("</div></div>");
        page(w, &commune.full_name, &body, &credit)
    })
    .await?;
    Ok(validated(html_response(html), &etag, TILE_CACHE_CONTROL))
}

/// An office's page: its map, address, hours and phone, and a QR code to its commune.
#[utoipa::path(get, path = "/print/offices/{id}", tag = "offices",
    params(
        ("id" = String, Path, description = "The office id"),
        ("lang" = Option<String>, Query, description = "vi (default) or en"),
    ),
    responses(
        (status = 200, description = "An A4 page to print", content_type = "text/html", body = String),
        (status = 304, description = "Unchanged since the ETag given"),
        BadRequest, NotFound,
    ))]
pub async fn office_page(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    params: QueryParams,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (w, snapshot, etag) = match begin(&state, &base, &params, &headers, &format!("office {id}"))? {
        Begun::Current(response) => return Ok(response),
        Begun::Draw { w, snapshot, etag } => (w, snapshot, etag),
    };
    let index =
        snapshot.data.office_by_id(&id).ok_or_else(|| Problem::not_found(format!("no office has id {id:?}")))?;
    let office = &snapshot.data.offices[index];
    let link = format!("{base}/?commune={}&lang={}#map=17/{}/{}", office.commune_code, w.lang, office.lat, office.lon);
    let around = [office.lon - 0.006, office.lat - 0.004, office.lon + 0.006, office.lat + 0.004];
    let source = MapSource::of(&state, Some(around)).await;
    let html = crate::cpu::run(move || {
        let data = &snapshot.data;
        let office = &data.offices[index];
        let commune = data.commune_by_code(&office.commune_code).map(|i| &data.communes[i]);
        let credit = source.credit.clone();
        let mut body = String::new();
        let _ = write!(body, "<h1>{}</h1><p class=\"since\">{}</p>", escape(&office.name), w.since);
        body.push_str(&source.figure(&snapshot.tiles));
        body.push_str("<div class=\"columns\"><div>");
        office_block(&mut body, w, w.address, office);
        if let Some(commune) = commune {
            let _ = write!(body, "<h2>{}</h2><p>{}</p>", w.commune, escape(&commune.full_name));
        }
        body.push_str("</div><div>");
        qr_block(&mut body, w, &link);
        body.push_str("</div></div>");
        page(w, &office.name, &body, &credit)
    })
    .await?;
    Ok(validated(html_response(html), &etag, TILE_CACHE_CONTROL))
}

/// The box grown by `fraction` of its size on each side, so the commune does not touch the
/// picture's edge.
fn padded([west, south, east, north]: [f64; 4], fraction: f64) -> [f64; 4] {
    let (dx, dy) = ((east - west) * fraction, (north - south) * fraction);
    [west - dx, south - dy, east + dx, north + dy]
}

/// An office's address, hours and phone, under `title`.
fn office_block(body: &mut String, w: &Words, title: &str, office: &Office) {
    let _ = write!(
        body,
        "<h2>{title}</h2><p class=\"office\"><strong>{}</strong><br>{}",
        escape(&office.name),
        escape(&office.address)
    );
    if !office.position_precision.is_exact() {
        let _ = write!(body, "<br><small>{}</small>", w.approximate);
    }
    body.push_str("</p><dl>");
    if let Some(hours) = &office.opening_hours {
        let _ = write!(body, "<dt>{}</dt><dd>{}</dd>", w.hours, escape(hours));
    }
    if let Some(phone) = &office.phone {
        let _ = write!(body, "<dt>{}</dt><dd>{}</dd>", w.phone, escape(phone));
    }
    body.push_str("</dl>");
}

/// The points of `kind` nearest the commune's seat (or, without one, the middle of its
/// bounding box), nearest first, with their distances.
fn nearby_list(body: &mut String, w: &Words, title: &str, data: &Dataset, commune: usize, kind: OfficeKind) {
    let (lon, lat) = match data.seat(commune) {
        Some(seat) => (seat.lon, seat.lat),
        None => {
            let rect = data.communes[commune].geometry.bounding_rect();
            rect.map(|r| ((r.min().x + r.max().x) / 2.0, (r.min().y + r.max().y) / 2.0)).unwrap_or_default()
        }
    };
    let found = data.nearest_offices(lon, lat, NEARBY, &[kind]);
    let _ = write!(body, "<h2>{title}</h2>");
    if found.is_empty() {
        let _ = write!(body, "<p>{}</p>", w.none);
        return;
    }
    body.push_str("<ul class=\"nearby\">");
    for (i, metres) in found {
        let o = &data.offices[i];
        let _ = write!(
            body,
            "<li><strong>{}</strong> · {} <small>({:.1} km)</small></li>",
            escape(&o.name),
            escape(&o.address),
            metres / 1000.0
        );
    }
    body.push_str("</ul>");
}

/// A QR code to `link`, with the link written under it for those who type.
fn qr_block(body: &mut String, w: &Words, link: &str) {
    let Ok(code) = QrCode::new(link.as_bytes()) else { return };
    let image = code.render::<svg::Color>().min_dimensions(160, 160).quiet_zone(true).build();
    // The renderer's XML declaration has no place inside HTML.
    let image = image.split_once("?>").map(|(_, svg)| svg).unwrap_or(&image);
    let _ = write!(
        body,
        "<figure class=\"qr\">{image}<figcaption>{}<br><small>{}</small></figcaption></figure>",
        w.scan,
        escape(link)
    );
}

fn page(w: &Words, title: &str, body: &str, credit: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style></head><body><main>{body}<p class=\"credit\">{credit}: {attribution}</p></main></body></html>",
        lang = w.lang,
        title = escape(title),
        credit = w.map_credit,
        attribution = escape(credit),
    )
}

const STYLE: &str = "@page{size:A4;margin:14mm}body{font-family:'DejaVu Sans',sans-serif;color:#1d2a33;margin:0}\
main{max-width:182mm;margin:auto}h1{font-size:26pt;margin:0}.since{margin:0 0 4mm;color:#52616b}\
h2{font-size:13pt;margin:5mm 0 1mm;border-bottom:1px solid #c9d3d9}figure{margin:0}\
.map svg{width:100%;height:auto;border:1px solid #c9d3d9}.columns{display:grid;grid-template-columns:1fr 1fr;gap:8mm}\
ul{margin:0;padding-left:5mm}li{margin:.5mm 0}dl{display:grid;grid-template-columns:auto 1fr;gap:1mm 3mm;margin:2mm 0}\
dt{font-weight:bold}dd{margin:0}.qr{text-align:center;margin-top:5mm}.qr svg{width:42mm;height:42mm}\
.credit{font-size:7pt;color:#52616b;margin-top:6mm}";

/// A page changes with the data served (its version), what it shows, its language and the
/// base URL its QR code links to.
fn page_etag(version: &str, page: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{version} {page} {}", env!("CARGO_PKG_VERSION")));
    format!("\"print-{}\"", digest.iter().take(8).map(|b| format!("{b:02x}")).collect::<String>())
}

fn html_response(html: String) -> Response {
    let mut response = html.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // Everything is inline: no script, nothing fetched.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:"),
    );
    response
}

/// This module's routes, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(commune_page)).routes(routes!(office_page))
}
