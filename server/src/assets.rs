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
    let hash = file.metadata.sha256_hash();
    let etag = format!("\"{}\"", hash[..8].iter().map(|b| format!("{b:02x}")).collect::<String>());
    let mut response = unchanged(request, &etag, "no-cache").unwrap_or_else(|| {
        let mut response = file.data.into_owned().into_response();
        if let Ok(value) = HeaderValue::from_str(&content_type(name)) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        validated(response, &etag, "no-cache")
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
pub fn index_page(request: &HeaderMap, hosted_origin: Option<&str>) -> Response {
    let mut response = serve(Viewer::get("index.html"), "index.html", request);
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

/// One of the viewer's own files, by name.
pub fn viewer_file(name: &str, request: &HeaderMap) -> Response {
    serve(Viewer::get(name), name, request)
}

/// One of MapLibre GL JS's files, by name.
pub fn maplibre_file(name: &str, request: &HeaderMap) -> Response {
    serve(MapLibre::get(name), name, request)
}
