//! `GET /api/v1/offices/changes?since=N` (JSON) and `GET /api/v1/offices/changes.atom` (Atom,
//! for people): every committed change after registry version N, in order, so another
//! program can mirror the offices without downloading them again.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use registry::Change;
use serde::Serialize;
use utoipa::ToSchema;

use tiles::xml;

use crate::http::error_responses::{BadRequest, Conflict, RegistryUnavailable};
use crate::http::{ApiResult, Problem, QueryParams};
use crate::state::AppState;

/// The most changes one page carries.
const MAX_PAGE: u64 = 1_000;

/// One page of the change feed.
#[derive(Serialize, ToSchema)]
pub struct ChangePage {
    /// The store's epoch: send it back as `epoch`, and a restore from a backup is told apart
    /// from a registry that merely moved on.
    pub epoch: String,
    /// The registry version when the page was read.
    pub registry_version: u64,
    /// The `since` to ask for next: the last change's `seq` (or the `since` given).
    pub next_since: u64,
    /// True when more changes follow this page.
    pub more: bool,
    /// The changes, oldest first (as in `/api/v1/offices/{id}/history`).
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<Change>,
}

/// Where a page starts when no `since` is given.
enum Start {
    /// From the first change (a mirror starting out).
    Oldest,
    /// The last `limit` changes (a person reading the Atom feed).
    Newest,
}

async fn page(state: &AppState, params: &QueryParams, start: Start) -> ApiResult<ChangePage> {
    params.reject_unknown(&["since", "limit", "epoch"])?;
    let epoch = params.single("epoch")?.map(str::to_string);
    let given = params.single("since")?.is_some();
    let since = params.integer_in("since", 0, 0, i64::MAX as u64)?;
    let limit = params.integer_in("limit", 100, 1, MAX_PAGE)?;
    let link = state.registry_link()?;
    let feed = link
        .read(move |r| {
            let since = match start {
                Start::Newest if !given => r.registry_version()?.saturating_sub(limit),
                _ => since,
            };
            r.changes_since(since, limit as usize)
        })
        .await??;
    if let Some(epoch) = epoch.filter(|epoch| *epoch != feed.epoch) {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            format!(
                "epoch {epoch} is not this registry's ({}): it was restored from a backup since, so sequence numbers \
                 you hold may name other changes; mirror again from since=0",
                feed.epoch
            ),
        ));
    }
    if let Some((from, to)) = feed.undone.filter(|(from, to)| since > *from && since <= *to) {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            format!(
                "since={since}: changes {}..={to} were undone when the registry was restored from a backup (epoch {}); \
                 mirror again from since=0",
                from + 1,
                feed.epoch
            ),
        ));
    }
    if since > feed.registry_version {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            format!(
                "since={since} is ahead of the registry (version {}): it was restored from a backup; mirror again from since=0",
                feed.registry_version
            ),
        ));
    }
    let next_since = feed.changes.last().map_or(since, |c| c.seq);
    // A full page may have more behind it (after a restore the version can run ahead of the
    // last change, so "next_since < registry_version" alone would never end).
    let more = feed.changes.len() as u64 == limit && next_since < feed.registry_version;
    Ok(ChangePage {
        epoch: feed.epoch,
        registry_version: feed.registry_version,
        next_since,
        more,
        changes: feed.changes,
    })
}

/// Changes after a registry version, oldest first.
#[utoipa::path(get, path = "/api/v1/offices/changes", tag = "offices",
    params(
        ("since" = Option<u64>, Query, description = "A registry version (default 0: from the start)"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "At most this many (default 100)"),
        ("epoch" = Option<String>, Query, description = "The epoch of the pages read so far: another epoch (a restore since) is a 409"),
    ),
    responses(
        (status = 200, description = "A page of changes", body = ChangePage),
        BadRequest, Conflict, RegistryUnavailable,
    ))]
pub async fn feed(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    Ok(Json(page(&state, &params, Start::Oldest).await?).into_response())
}

/// The same changes as an Atom feed (RFC 4287), newest first: without `since`, the last
/// `limit` changes.
#[utoipa::path(get, path = "/api/v1/offices/changes.atom", tag = "offices",
    params(
        ("since" = Option<u64>, Query, description = "A registry version (default 0)"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "At most this many (default 100)"),
    ),
    responses(
        (status = 200, description = "An Atom feed", content_type = "application/atom+xml", body = String),
        BadRequest, Conflict, RegistryUnavailable,
    ))]
pub async fn atom(State(state): State<AppState>, params: QueryParams) -> ApiResult<Response> {
    let page = page(&state, &params, Start::Newest).await?;
    // Links come from the operator's --public-url, never from the request's Host or
    // X-Forwarded-Proto: a feed is cached and mirrored, and a forged Host would be carried
    // to every reader. Without one, links are relative and ids are URNs (ids must be
    // absolute, and must not change with the address a reader used).
    let public = state.settings.public_url.as_deref().map(|url| xml::escape(url.trim_end_matches('/')));
    let base = public.clone().unwrap_or_default();
    let feed_id = match &public {
        Some(public) => format!("{public}/api/v1/offices/changes.atom"),
        None => "urn:hue-map:offices:changes".to_string(),
    };
    let entry_id = |seq: u64| match &public {
        Some(public) => format!("{public}/api/v1/offices/changes#{seq}"),
        None => format!("urn:hue-map:offices:changes:{seq}"),
    };
    let updated = page.changes.last().map(|c| c.at.to_rfc3339()).unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>Huế offices: changes</title>\n<id>{feed_id}</id>\n<link rel=\"self\" href=\"{base}/api/v1/offices/changes.atom\"/>\n<updated>{updated}</updated>\n"
    );
    for change in page.changes.iter().rev() {
        let fields: Vec<&str> = change.fields.keys().map(String::as_str).collect();
        let title = format!(
            "{} {} (v{}): {}",
            change.action.as_str(),
            change.after.name,
            change.office_version,
            fields.join(", ")
        );
        xml.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<link href=\"{base}/api/v1/offices/{}/history\"/>\n<updated>{}</updated>\n<author><name>{}</name></author>\n<summary>{}</summary>\n</entry>\n",
            xml::escape(&title),
            entry_id(change.seq),
            xml::escape(&change.office_id),
            change.at.to_rfc3339(),
            xml::escape(&change.actor.name),
            xml::escape(&change.reason),
        ));
    }
    xml.push_str("</feed>\n");
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8"))], xml).into_response())
}
