//! Every URL the service answers, one module per URL family: a URL's first path segment
//! (after `/api/v1` for the JSON API) names its file: `/api/v1/former-units/…` is
//! `former_units.rs`, `/fonts/…` is `fonts.rs`. The OGC API's standard paths (`/`,
//! `/conformance`, `/collections/…`) live together under `ogc/`, each in the file its segment
//! names. A documented route is registered with `utoipa_axum::routes!` from its
//! `#[utoipa::path]`, so the path is written once and the OpenAPI document comes from the
//! same registration as the router.

pub mod admin;
pub mod api;
pub mod audit;
pub mod basemap;
pub mod communes;
pub mod convert_address;
pub mod docs;
pub mod export;
pub mod fonts;
pub mod former_units;
pub mod healthz;
pub mod locate;
pub mod map;
pub mod metrics;
pub mod nearest;
pub mod offices;
pub mod offline_pack;
pub mod ogc;
pub mod openapi;
pub mod opening_hours;
pub mod print;
pub mod provinces;
pub mod quality;
pub mod reports;
pub mod search;
pub mod style;
pub mod tiles;
pub mod vendor;
pub mod viewer;
pub mod whoami;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Every route but the ones that need more than the app state (the OpenAPI renderings and
/// the admin surface), with the OpenAPI operations of the documented ones.
pub fn all() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(locate::router())
        .merge(nearest::router())
        .merge(communes::router())
        .merge(provinces::router())
        .merge(offices::router())
        .merge(reports::router())
        .merge(whoami::router())
        .merge(opening_hours::router())
        .merge(offline_pack::router())
        .merge(map::router())
        .merge(print::router())
        .merge(audit::router())
        .merge(quality::router())
        .merge(search::router())
        .merge(former_units::router())
        .merge(convert_address::router())
        .merge(export::router())
        .merge(ogc::router())
        .merge(tiles::router())
        .merge(basemap::router())
        .merge(style::router())
        .merge(fonts::router())
        .merge(healthz::router())
        .merge(metrics::router())
        .merge(docs::router())
        .merge(viewer::router())
        .merge(vendor::router())
}
