//! The router: every URL the service answers, and the tower-http layers around them.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::util::BoxCloneSyncService;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::http::linger::LingerLayer;
use crate::http::media::FLATGEOBUF;
use crate::http::observe::ObserveLayer;
use crate::http::refusal::RefusalLayer;
use crate::http::Problem;
use crate::state::AppState;
use crate::{openapi, routes};

/// Enough for 10,000 points written generously; larger bodies get a 413 problem.
const BODY_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// Requests in flight beyond this are shed with 503 and Retry-After instead of queueing.
pub const DEFAULT_MAX_CONCURRENT: usize = 1024;

/// A request still running after this is answered 503 (and its work dropped).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The optional admin surface: present only when an admin token is configured.
#[derive(Clone)]
pub struct Admin {
    /// Reloads the dataset.
    pub reloader: crate::boot::reload::Reloader,
    /// The bearer token `/admin/reload` requires; without one the route does not exist.
    pub token: Option<String>,
}

/// CORS for GET (and the JSON POSTs): any origin by default, since the data is public.
fn cors(origins: &[String]) -> CorsLayer {
    let layer =
        CorsLayer::new().allow_methods([Method::GET, Method::POST, Method::HEAD]).allow_headers([header::CONTENT_TYPE]);
    if origins.is_empty() || origins.iter().any(|o| o == "*") {
        // Every origin gets the same answer, so caches need not key on the request's Origin
        // (and every response is 75 bytes of `Vary` lighter).
        return layer.allow_origin(Any).vary([]);
    }
    let list: Vec<axum::http::HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
    layer.allow_origin(list)
}

/// The whole service as hyper and the in-process tests call it: the router inside its layers,
/// boxed once so the type stays nameable (one allocation per request for the call).
pub type App = BoxCloneSyncService<Request, Response, Infallible>;

/// The whole service: every route, its OpenAPI document, and the layers around them.
///
/// The layers wrap the router once, not each route (`Router::layer` would wrap every route,
/// and axum clones a route's whole stack for every request it answers). Only
/// [`ObserveLayer`], which needs the matched route, sits inside routing, and it is a
/// zero-sized value. Measured in BENCHMARKS.md ("hue-map against Martin").
pub fn router(state: AppState, admin: Admin, max_concurrent: usize) -> App {
    let cors = cors(&state.settings.cors_origins);
    let (routes, document) =
        OpenApiRouter::with_openapi(openapi::ApiDoc::openapi()).merge(routes::all()).split_for_parts();
    let documents = Arc::new(openapi::Documents::new(document));
    let mut router = routes
        .merge(routes::openapi::router(documents.clone()))
        .merge(routes::api::router(documents))
        .fallback(not_found);
    if let Some(token) = admin.token.filter(|t| !t.is_empty()) {
        let admin_state = routes::admin::AdminState { app: state.clone(), reloader: admin.reloader, token };
        router = router.merge(routes::admin::router(admin_state));
    }
    let router = router.with_state(state).layer(ObserveLayer);
    let stack = ServiceBuilder::new()
        .map_response(IntoResponse::into_response)
        .layer(TraceLayer::new_for_http())
        // Outside shedding and timeouts, so even a refused client reads its answer.
        .layer(LingerLayer::new(BODY_LIMIT_BYTES))
        .layer(CatchPanicLayer::custom(|_| {
            Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error; it has been logged").into_response()
        }))
        .layer(RefusalLayer::new(REQUEST_TIMEOUT))
        .load_shed()
        // Global: one count for the whole service, however many routes.
        .layer(GlobalConcurrencyLimitLayer::new(max_concurrent))
        .timeout(REQUEST_TIMEOUT)
        .map_response(IntoResponse::into_response)
        .layer(cors)
        // Tiles, glyphs and FlatGeobuf come compressed or must not be (FlatGeobuf is read by
        // byte ranges, which address the file's own bytes): only the rest is compressed, and
        // only above 1 KiB, where gzip's 20-byte frame and the chunked encoding pay off.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new(FLATGEOBUF)).and(SizeAbove::new(1024)),
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .service(router);
    BoxCloneSyncService::new(stack)
}

async fn not_found(request: Request) -> Problem {
    Problem::not_found(format!("nothing at {}; the API lives under /api/v1", request.uri().path()))
}
