//! The router: every URL the service answers, and the tower-http layers around them.

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::http::media::{FLATGEOBUF, PROBLEM_JSON};
use crate::http::Problem;
use crate::state::AppState;
use crate::{openapi, routes};

/// Enough for 10,000 points written generously; larger bodies get a 413 problem.
const BODY_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// Requests in flight beyond this are shed with 503 and Retry-After instead of queueing.
pub const DEFAULT_MAX_CONCURRENT: usize = 1024;

/// The optional admin surface: present only when an admin token is configured.
pub struct Admin {
    /// Reloads the dataset.
    pub reloader: crate::reload::Reloader,
    /// The bearer token `/admin/reload` requires; without one the route does not exist.
    pub token: Option<String>,
}

/// CORS for GET (and the JSON POSTs): any origin by default, since the data is public.
fn cors(origins: &[String]) -> CorsLayer {
    let layer =
        CorsLayer::new().allow_methods([Method::GET, Method::POST, Method::HEAD]).allow_headers([header::CONTENT_TYPE]);
    if origins.is_empty() || origins.iter().any(|o| o == "*") {
        return layer.allow_origin(Any);
    }
    let list: Vec<axum::http::HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
    layer.allow_origin(list)
}

/// The whole service: every route, its OpenAPI document, and the layers around them.
pub fn router(state: AppState, admin: Admin, max_concurrent: usize) -> Router {
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
    router
        .with_state(state)
        .layer(middleware::from_fn(crate::metrics::track))
        .layer(middleware::from_fn(problem_for_bare_errors))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        // FlatGeobuf is read by byte ranges, which must address the file's own bytes.
        .layer(
            CompressionLayer::new()
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new(FLATGEOBUF))),
        )
        .layer(cors)
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(overloaded))
                .load_shed()
                // Global: `Router::layer` wraps each route separately, and a plain concurrency
                // limit would then allow `max_concurrent` requests per route.
                .layer(GlobalConcurrencyLimitLayer::new(max_concurrent)),
        )
        .layer(CatchPanicLayer::custom(|_| {
            Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error; it has been logged").into_response()
        }))
        // Outside shedding and timeouts, so even a refused client reads its answer.
        .layer(middleware::from_fn(|request, next| crate::http::linger::linger(BODY_LIMIT_BYTES, request, next)))
        .layer(TraceLayer::new_for_http())
}

async fn not_found(request: Request) -> Problem {
    Problem::not_found(format!("nothing at {}; the API lives under /api/v1", request.uri().path()))
}

/// Errors produced by axum itself (405, 413 from the body limit, ...) have no body; give them
/// the same problem+json shape as ours.
async fn problem_for_bare_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status();
    let is_problem =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if (status.is_client_error() || status.is_server_error()) && !is_problem {
        let detail = match status {
            StatusCode::METHOD_NOT_ALLOWED => format!("{method} is not allowed on {path}"),
            _ => format!("{method} {path} failed"),
        };
        let mut problem = Problem::new(status, detail).into_response();
        if let Some(allow) = response.headers().get(header::ALLOW) {
            problem.headers_mut().insert(header::ALLOW, allow.clone());
        }
        return problem;
    }
    response
}

/// Load shedding: tell clients to come back shortly rather than queue without bound.
async fn overloaded(_: tower::BoxError) -> Response {
    let mut response =
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "the server is at capacity; retry in a moment").into_response();
    response.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
    response
}
