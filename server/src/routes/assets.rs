//! The web viewer at `/`: our HTML, JS and CSS and MapLibre GL JS's ES modules, embedded in
//! the binary with rust-embed. Lookups are by exact key in the embedded set, so no request
//! path can reach the file system ("../" just misses).

use axum::extract::Path;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::problem::Problem;

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

pub async fn scalar_script() -> Response {
    serve(Scalar::get("standalone.js"), "standalone.js")
}

fn serve(file: Option<rust_embed::EmbeddedFile>, name: &str) -> Response {
    let Some(file) = file else {
        return Problem::not_found(format!("no asset {name:?}")).into_response();
    };
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let content_type = if name.ends_with(".mjs") { "text/javascript".to_string() } else { mime.to_string() };
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    response
}

pub async fn index() -> Response {
    let mut response = serve(Viewer::get("index.html"), "index.html");
    let headers = response.headers_mut();
    // The page loads only its own scripts, styles, tiles and glyphs; workers come from blob
    // URLs in MapLibre; geolocation is the only powerful feature it asks for.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    response
}

pub async fn viewer_file(Path(name): Path<String>) -> Response {
    serve(Viewer::get(&name), &name)
}

pub async fn maplibre_file(Path(name): Path<String>) -> Response {
    serve(MapLibre::get(&name), &name)
}
