//! The HTTP toolkit every route module shares, so a handler's body is its logic and `?`:
//! extractors that answer bad input with a problem naming what was wrong ([`QueryParams`],
//! [`JsonBody`], [`JsonBatch`]), the base URL for links ([`BaseUrl`]), the one error type
//! ([`Problem`]) with `From` impls for the library errors, the media types we speak, and the
//! lingering close that lets a refused client read its answer, and the per-route layer that
//! records metrics and completes bare errors ([`observe`]).

pub mod auth;
pub mod base_url;
pub mod bbox;
pub mod conditional;
pub mod error_responses;
pub mod etag;
pub mod fast_path;
pub mod json;
pub mod linger;
pub mod media;
pub mod observe;
pub mod problem;
pub mod query;
pub mod refusal;
pub mod routing;
pub mod tiles;

pub use base_url::BaseUrl;
pub use json::{Batch, JsonBatch, JsonBody};
pub use problem::{ApiResult, Problem};
pub use query::QueryParams;
