//! The error answers the API description lists, as typed response sets that every operation
//! names instead of writing its own rows: one type per status code, with one description of
//! when this service answers it, and a few sets of the codes that always come together (a
//! staff sign-in, a versioned write, a JSON body). Each body is a [`Problem`]; its `detail`
//! says what, in this request, was wrong.
//!
//! What an operation can answer is checked against the running server: schemathesis fails a
//! run on a status code the description does not list (`scripts/api_contract.sh`).

use utoipa::IntoResponses;

use super::Problem;

/// 400 Bad Request.
#[derive(IntoResponses)]
#[response(
    status = 400,
    description = "A malformed request: a missing, invalid, repeated or unknown parameter, a malformed header, or a body that is not what this operation takes. `detail` says what was wrong, and `invalid_params` names each parameter",
    content_type = "application/problem+json"
)]
pub struct BadRequest(pub Problem);

/// 404 Not Found.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "Nothing has that id or code (`detail` names it), or this server keeps no office registry",
    content_type = "application/problem+json"
)]
pub struct NotFound(pub Problem);

/// 406 Not Acceptable.
#[derive(IntoResponses)]
#[response(
    status = 406,
    description = "The resource is stored in an encoding the client's Accept-Encoding refuses",
    content_type = "application/problem+json"
)]
pub struct NotAcceptable(pub Problem);

/// 409 Conflict.
#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "The request conflicts with the registry's state: the id exists, the change changes nothing, the report is resolved, the office is closed, or (for the change feed) the registry was restored from a backup since",
    content_type = "application/problem+json"
)]
pub struct Conflict(pub Problem);

/// 413 Content Too Large.
#[derive(IntoResponses)]
#[response(
    status = 413,
    description = "The body, or the batch in it, is larger than this operation takes; `detail` gives the limit",
    content_type = "application/problem+json"
)]
pub struct TooLarge(pub Problem);

/// 416 Range Not Satisfiable.
#[derive(IntoResponses)]
#[response(status = 416, description = "The range lies outside the file", content_type = "application/problem+json")]
pub struct RangeNotSatisfiable(pub Problem);

/// 422 Unprocessable Content.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "Invalid fields (a missing `reason` among them); nothing was written. `invalid_params` names each field with why",
    content_type = "application/problem+json"
)]
pub struct Unprocessable(pub Problem);

/// 429 Too Many Requests.
#[derive(IntoResponses)]
#[response(
    status = 429,
    description = "Too many requests of this kind from this address; `Retry-After` says when to come back",
    content_type = "application/problem+json"
)]
pub struct TooManyRequests(pub Problem);

/// 503 Service Unavailable, from the office registry.
#[derive(IntoResponses)]
#[response(
    status = 503,
    description = "The office registry cannot be read or written right now, or the service is at capacity; nothing was written. Retry after `Retry-After`",
    content_type = "application/problem+json"
)]
pub struct RegistryUnavailable(pub Problem);

/// What a staff token's routes answer besides their own errors: the sign-in and the store.
#[derive(IntoResponses)]
pub enum StaffRefusals {
    #[response(
        status = 401,
        description = "No token, or an unknown or revoked one; `WWW-Authenticate` says which",
        content_type = "application/problem+json"
    )]
    NotSignedIn(Problem),
    #[response(
        status = 403,
        description = "The token may not do this: an office or commune that is not its own, or an admin's task",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 429,
        description = "Too many failed sign-ins from this address; `Retry-After` says when to try again (a correct token is still accepted)",
        content_type = "application/problem+json"
    )]
    SignInsThrottled(Problem),
    #[response(
        status = 503,
        description = "The office registry cannot be read or written right now, or every slot for checking an old-style token is busy; nothing was written. Retry after `Retry-After`",
        content_type = "application/problem+json"
    )]
    Unavailable(Problem),
}

/// What a change to an existing office answers besides the rest: RFC 9110 conditional
/// requests on its version, and the office's life.
#[derive(IntoResponses)]
pub enum VersionedWriteRefusals {
    #[response(
        status = 409,
        description = "The change changes nothing, or would give a commune a second seat",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    #[response(
        status = 410,
        description = "The office was closed; its history stays readable",
        content_type = "application/problem+json"
    )]
    Gone(Problem),
    #[response(
        status = 412,
        description = "The office changed since the version in `If-Match`; the `ETag` header carries the current one",
        content_type = "application/problem+json"
    )]
    PreconditionFailed(Problem),
    #[response(
        status = 428,
        description = "`If-Match` is missing: a write must name the version it changes",
        content_type = "application/problem+json"
    )]
    PreconditionRequired(Problem),
}

/// What an operation that reads a JSON body answers when the body is wrong.
#[derive(IntoResponses)]
pub enum JsonBodyRefusals {
    #[response(
        status = 400,
        description = "The body is not JSON, has a key twice, or is not the shape this operation takes; or a parameter or header is wrong. `detail` says which",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 413,
        description = "The body, or the batch in it, is larger than this operation takes; `detail` gives the limit",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "The body is not sent as JSON (`Content-Type` must be application/json, or the merge-patch type for a PATCH)",
        content_type = "application/problem+json"
    )]
    NotJson(Problem),
}

/// 415 Unsupported Media Type, for an operation that takes other bodies than JSON.
#[derive(IntoResponses)]
#[response(
    status = 415,
    description = "The body is in a format this operation does not take; `detail` lists the ones it does",
    content_type = "application/problem+json"
)]
pub struct UnsupportedMediaType(pub Problem);

/// 410 Gone.
#[derive(IntoResponses)]
#[response(
    status = 410,
    description = "The office was closed; its history stays readable",
    content_type = "application/problem+json"
)]
pub struct Gone(pub Problem);
