//! The two hottest answers, given before the layer stack: `/healthz`, and a tile already in
//! memory. Everything around them in [`crate::app::router`] is for other requests: a body
//! limit, lingering close and timeouts (these requests have no body and do no waiting),
//! compression (tiles are stored compressed; the health answer is 100 bytes), and shedding
//! (a lookup in memory costs less than the bookkeeping that would refuse it). What these
//! two need, they get here: the same handler code ([`routes::healthz::answer`],
//! [`routes::tiles::answer`]), metrics under the same route names, and the CORS header.
//!
//! Both answers are plain lookups that cannot panic or wait, so the stack's panic catcher and
//! request tracing are skipped with the rest. Anything else, including a tile that must be
//! rendered, a malformed tile address, a request with a body, and any request carrying an
//! `Origin` when only listed origins are allowed (its CORS answer depends on it), goes through
//! the full stack as before. Measured in BENCHMARKS.md ("hue-map against Martin").

use super::tiles::tile_cache_control;
use std::time::Instant;

use axum::http::{header, HeaderValue, Method, Request};
use axum::response::Response;
use http_body::Body as _;

use crate::routes;
use crate::state::AppState;

/// The route templates the metrics use for these answers, as axum's router names them.
const HEALTH_ROUTE: &str = "/healthz";
const TILE_ROUTE: &str = "/tiles/{z}/{x}/{y}";

/// What the fast path needs: the state, and whether CORS allows every origin.
#[derive(Clone)]
pub struct FastPath {
    state: AppState,
    any_origin: bool,
}

impl FastPath {
    pub fn new(state: AppState) -> FastPath {
        let origins = &state.settings.cors_origins;
        let any_origin = origins.is_empty() || origins.iter().any(|o| o == "*");
        FastPath { state, any_origin }
    }

    /// The answer when this request is one of the two and needs nothing else; `None` sends
    /// it through the full stack.
    pub fn answer<B: hyper::body::Body>(&self, request: &Request<B>) -> Option<Response> {
        let method = request.method();
        if !(method == Method::GET || method == Method::HEAD) || !request.body().is_end_stream() {
            return None;
        }
        let started = Instant::now();
        let path = request.uri().path();
        let (route, mut response) = if path == HEALTH_ROUTE {
            // A load balancer's probe carries no Origin; a browser's goes through CORS.
            if !self.any_origin && request.headers().contains_key(header::ORIGIN) {
                return None;
            }
            (HEALTH_ROUTE, routes::healthz::answer(&self.state))
        } else {
            // With listed origins every tile answer varies by Origin: the stack says so.
            if !self.any_origin {
                return None;
            }
            let id = tile_address(path)?;
            let snapshot = self.state.current();
            let lookup = snapshot.tiles.get_ready(id)?;
            crate::metrics::record_tile(true);
            let query = request.uri().query();
            let cache_control = tile_cache_control(query, snapshot.version());
            (TILE_ROUTE, routes::tiles::answer(lookup, request.headers(), cache_control))
        };
        if self.any_origin {
            response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        }
        if method == Method::HEAD {
            response = without_body(response);
        }
        crate::metrics::record_request(route, method, response.status(), started.elapsed());
        Some(response)
    }
}

/// A HEAD answer: the headers of the GET, its length, no body. hyper drops a HEAD body on
/// HTTP/1 only (axum's router does it for the stack), so over HTTP/2 it is dropped here.
fn without_body(response: Response) -> Response {
    let length = response.body().size_hint().exact();
    let (mut parts, _) = response.into_parts();
    if let Some(length) = length {
        parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    Response::from_parts(parts, axum::body::Body::empty())
}

/// `/tiles/{z}/{x}/{y}.mvt` (or `.pbf`) when it is a valid tile; a bad one is left to the
/// route, which names what is wrong.
fn tile_address(path: &str) -> Option<tiles::TileId> {
    let mut parts = path.strip_prefix("/tiles/")?.split('/');
    let (z, x, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    super::tiles::parse_tile(z, x, y).ok()
}

#[cfg(test)]
mod tests {
    use super::tile_address;

    #[test]
    fn only_well_formed_tile_paths_are_taken() {
        assert!(tile_address("/tiles/10/817/463.mvt").is_some());
        assert!(tile_address("/tiles/10/817/463.pbf").is_some());
        for path in
            ["/tiles/10/817/463", "/tiles/10/817/463.mvt/x", "/tiles/99/0/0.mvt", "/tiles/1/5/0.mvt", "/tiles.json"]
        {
            assert!(tile_address(path).is_none(), "{path}");
        }
    }
}
