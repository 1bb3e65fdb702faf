//! The embedded files: the web viewer's HTML, JS and CSS, MapLibre GL JS's ES modules and
//! Scalar's API reference script, built into the binary with rust-embed (so the service
//! needs no files beside it, and the pages work offline). Lookups are by exact key in the embedded set, so no request
//! path can reach the file system ("../" just misses).

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::http::conditional::{unchanged, validated};
use crate::http::problem::Problem;

#[derive(RustEmbed)]
#[folder = "../web-viewer/src/"]
struct Viewer;

#[derive(RustEmbed)]
#[folder = "../web-viewer/node_modules/maplibre-gl/dist/"]
#[include = "maplibre-gl.mjs"]
#[include = "maplibre-gl-worker.mjs"]
#[include = "maplibre-gl-shared.mjs"]
#[include = "maplibre-gl.css"]
struct MapLibre;

/// Scalar's API reference, for `/docs`, from npm like MapLibre.
#[derive(RustEmbed)]
#[folder = "../web-viewer/node_modules/@scalar/api-reference/dist/browser/"]
#[include = "standalone.js"]
struct Scalar;

/// Scalar's script for `/docs`.
pub fn scalar_script(request: &HeaderMap) -> Response {
    serve(Scalar::get("standalone.js"), "standalone.js", request)
}

/// An embedded file as a response, with its media type and an ETag of its content; 304 when
/// the client's copy is current, and a 404 problem when there is no such file. Browsers
/// revalidate every time (`no-cache`), so a new release is seen at once and an unchanged
/// file costs a 304; the service worker keeps copies for offline use.
fn serve(file: Option<rust_embed::EmbeddedFile>, name: &str, request: &HeaderMap) -> Response {
    let Some(file) = file else {
        return Problem::not_found(format!("no asset {name:?}")).into_response();
    };
    let etag = etag_of(&file);
    serve_body(file.data.into_owned(), &etag, name, request)
}

/// The strong ETag of an embedded file: the start of its SHA-256.
fn etag_of(file: &rust_embed::EmbeddedFile) -> String {
    let hash = file.metadata.sha256_hash();
    format!("\"{}\"", hash[..8].iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn serve_body(body: Vec<u8>, etag: &str, name: &str, request: &HeaderMap) -> Response {
    let mut response = unchanged(request, etag, "no-cache").unwrap_or_else(|| {
        let mut response = body.into_response();
        if let Ok(value) = HeaderValue::from_str(&content_type(name)) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        validated(response, etag, "no-cache")
    });
    response.headers_mut().insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    response
}

fn content_type(name: &str) -> String {
    match name.rsplit('.').next() {
        Some("mjs") => "text/javascript".to_string(),
        Some("webmanifest") => "application/manifest+json".to_string(),
        _ => mime_guess::from_path(name).first_or_octet_stream().to_string(),
    }
}

/// The web map's page, with its Content-Security-Policy. `hosted_origin` is the origin of a
/// hosted basemap style (`--basemap-style`), the one other place the page may fetch from.
/// `country`, for a dataset of many provinces, is its box: the page then names the country
/// and opens on that box, so a phone's first picture (still-map.js) is the right one.
pub fn index_page(request: &HeaderMap, hosted_origin: Option<&str>, country: Option<[f64; 4]>) -> Response {
    let mut response = match (Viewer::get("index.html"), country) {
        (Some(file), Some(bounds)) => {
            let box_text = bounds.map(|v| format!("{v:.5}")).join(",");
            let etag = format!("{}-{:016x}\"", etag_of(&file).trim_end_matches('"'), fnv1a(box_text.as_bytes()));
            let page = national_page(&String::from_utf8_lossy(&file.data), &box_text);
            serve_body(page.into_bytes(), &etag, "index.html", request)
        }
        (file, _) => serve(file, "index.html", request),
    };
    let headers = response.headers_mut();
    // The page loads only its own scripts, styles, tiles and glyphs; workers come from blob
    // URLs in MapLibre; geolocation is the only powerful feature it asks for.
    let policy = |other: &str| {
        format!("default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src blob:; img-src 'self' data: blob:{other}; style-src 'self' 'unsafe-inline'; connect-src 'self'{other}; frame-ancestors 'none'")
    };
    let other = hosted_origin.map(|origin| format!(" {origin}")).unwrap_or_default();
    // An origin that cannot be a header value falls back to the policy without it: never none.
    let value = HeaderValue::from_str(&policy(&other)).or_else(|_| HeaderValue::from_str(&policy("")));
    if let Ok(value) = value {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    response
}

/// The page as a national dataset's: its title, heading and description name the country,
/// and a `hue-map-bounds` meta element holds the box it opens on. Each replaced text is the
/// page's own (a test checks they are all there).
fn national_page(page: &str, box_text: &str) -> String {
    page.replace(
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        &format!("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n  <meta name=\"hue-map-bounds\" content=\"{box_text}\">"),
    )
    .replace(HUE_TITLE, NATIONAL_TITLE)
    .replace(HUE_HEADING, NATIONAL_HEADING)
    .replace(HUE_DESCRIPTION, NATIONAL_DESCRIPTION)
}

const HUE_TITLE: &str = "<title>Bản đồ xã, phường Thành phố Huế</title>";
const NATIONAL_TITLE: &str = "<title>Xã, phường cả nước</title>";
const HUE_HEADING: &str = "<h1 data-i18n=\"title\">Xã, phường Thành phố Huế</h1>";
const NATIONAL_HEADING: &str = "<h1 data-i18n=\"titleNational\">Xã, phường cả nước</h1>";
const HUE_DESCRIPTION: &str = r#"<meta name="description" content="Bản đồ 40 xã, phường Thành phố Huế từ 1/7/2025: bạn ở xã, phường nào, trụ sở ở đâu, đơn vị cũ nay thuộc đâu. Map of Huế's communes and wards, their offices and former units.">"#;
const NATIONAL_DESCRIPTION: &str = r#"<meta name="description" content="Bản đồ xã, phường cả nước từ 1/7/2025: bạn ở xã, phường nào, trụ sở ở đâu, đơn vị cũ nay thuộc đâu. Map of Vietnam's communes and wards, their offices and former units.">"#;

/// A small stable hash (FNV-1a, 64 bits) for the national page's ETag.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// One of the viewer's own files, by name.
pub fn viewer_file(name: &str, request: &HeaderMap) -> Response {
    serve(Viewer::get(name), name, request)
}

/// One of MapLibre GL JS's files, by name.
pub fn maplibre_file(name: &str, request: &HeaderMap) -> Response {
    serve(MapLibre::get(name), name, request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_national_page_replaces_every_huế_text_and_carries_its_box() {
        let file = Viewer::get("index.html").unwrap();
        let page = String::from_utf8_lossy(&file.data);
        for text in [HUE_TITLE, HUE_HEADING, HUE_DESCRIPTION] {
            assert!(page.contains(text), "index.html no longer has {text:?}: national_page must follow it");
        }
        let national = national_page(&page, "102.1,8.2,117.8,23.4");
        for text in [NATIONAL_TITLE, NATIONAL_HEADING, NATIONAL_DESCRIPTION] {
            assert!(national.contains(text), "{text:?}");
        }
        assert!(!national.contains("Thành phố Huế"), "no Huế wording is left");
        assert!(national.contains(r#"<meta name="hue-map-bounds" content="102.1,8.2,117.8,23.4">"#));
    }
}
