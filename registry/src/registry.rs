//! [`Registry`]: the rules of keeping offices, written once over either store. Every write
//! is one transaction that checks permission, the expected version and validity, changes the
//! office and appends its change record, so the history can never disagree with the data.
//!
//! The API is synchronous on purpose: the server calls it from `spawn_blocking`, the command
//! line and tests call it directly, and nothing here starts a runtime (see
//! `store::postgres` for how the PostgreSQL driver is kept off the caller's thread).

use std::collections::HashSet;
use std::path::Path;

use data_boundaries::{Office, PositionPrecision};

use crate::error::{FieldError, StoreError, WriteError};
use crate::gate::{permit, write_office, ChangeMeta};
use crate::idempotency::{self, IdempotencyKey, Once};
use crate::import::{apply_import, ImportMode, ImportReport, ImportRow, Outcome};
use crate::model::{now, Actor, AuditFilter, Change, ChangeAction, CurrentOffices, Feed, OfficeRecord, Role};
use crate::reports::{NewReport, Report, ReportFilter, ReportStatus, Resolution};
use crate::store::{
    postgres::PgStore, sqlite, sqlite::SqliteStore, Backend, ChangeQuery, ReportResolution, RestoreReport, Tx,
    EPOCH_KEY, RESTORED_FROM_KEY, SEQ_FLOOR_KEY,
};
use crate::tokens::{self, StoredToken, TokenInfo, TokenSecret};
use crate::url::StoreUrl;
use crate::validate::{take_reason, validate, validate_write, Communes, OfficeDraft, Reason, ValidOffice};

/// The name recorded for the dataset seed's changes.
pub const SEED_ACTOR_NAME: &str = "dataset seed";
/// The reason recorded for the dataset seed's changes.
pub const SEED_REASON: &str = "initial import from offices.csv";
/// Bookkeeping key set when the seed has been imported.
const SEEDED_KEY: &str = "seeded_at";

/// The office registry: where offices are kept, changed with a reason and a history,
/// reported on by residents and followed by other programs.
///
/// `Registry` is `Send + Sync`; share it in an `Arc`. Every method blocks on the database.
pub struct Registry {
    backend: Backend,
    url: StoreUrl,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").field("url", &self.url).finish()
    }
}

/// Why an import's transaction did not commit: on purpose (a dry run, or a row in error),
/// or because the store failed.
enum ImportStop {
    RolledBack(ImportReport),
    Failed(WriteError),
}

impl From<StoreError> for ImportStop {
    fn from(error: StoreError) -> ImportStop {
        ImportStop::Failed(error.into())
    }
}

impl From<WriteError> for ImportStop {
    fn from(error: WriteError) -> ImportStop {
        ImportStop::Failed(error)
    }
}

/// The outcome of resolving a report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolvedReport {
    /// The report as it now stands.
    pub report: Report,
    /// The change it made to its office, when accepting it moved the office.
    pub change: Option<Change>,
}

impl Registry {
    /// Opens the registry at `url`, creating and migrating it if needed, and imports `seed`
    /// (the dataset's offices) the first time it is opened with a non-empty seed.
    ///
    /// Seeding is recorded as one `seed` change per office, by the system actor
    /// [`SEED_ACTOR_NAME`] with reason [`SEED_REASON`]. Opening again never seeds again, so
    /// edits made since are kept whatever the CSV says. A store written by a newer program
    /// is refused with [`StoreError::FutureSchema`].
    ///
    /// ```
    /// use registry::{Registry, StoreUrl};
    /// let dir = tempfile::tempdir().unwrap();
    /// let url = StoreUrl::parse(&format!("sqlite:{}", dir.path().join("registry.db").display())).unwrap();
    /// let registry = Registry::open(&url, &[]).unwrap();
    /// assert_eq!(registry.registry_version().unwrap(), 0);
    /// assert!(registry.current_offices().unwrap().offices.is_empty());
    /// ```
    pub fn open(url: &StoreUrl, seed: &[Office]) -> Result<Registry, StoreError> {
        let backend = match url {
            StoreUrl::Sqlite(path) => Backend::Sqlite(SqliteStore::open(path)?),
            StoreUrl::Postgres(text) => Backend::Postgres(Box::new(PgStore::open(text)?)),
        };
        let registry = Registry { backend, url: url.clone() };
        registry.seed(seed)?;
        Ok(registry)
    }

    /// Where the registry is stored.
    pub fn url(&self) -> &StoreUrl {
        &self.url
    }

    fn seed(&self, seed: &[Office]) -> Result<(), StoreError> {
        if seed.is_empty() || self.backend.read(|tx| tx.meta(SEEDED_KEY))?.is_some() {
            return Ok(());
        }
        let mut offices = Vec::with_capacity(seed.len());
        let mut seen = HashSet::new();
        for office in seed {
            if !seen.insert(office.id.as_str()) {
                return Err(StoreError::Seed { id: office.id.clone(), reason: "the id appears twice".into() });
            }
            offices.push((office.source.clone(), valid_seed_office(office)?));
        }
        let actor = Actor::system(SEED_ACTOR_NAME);
        self.backend.write(|tx| {
            // Another replica may have seeded while we validated.
            if tx.meta(SEEDED_KEY)?.is_some() {
                return Ok(());
            }
            let at = now();
            let meta =
                ChangeMeta { action: ChangeAction::Seed, actor: &actor, reason: SEED_REASON, report_id: None, at };
            for (source, office) in &offices {
                let id = office.id().unwrap_or_default();
                let record = office.to_record(id, non_empty(source, "offices.csv"), at, 1);
                write_office(tx, None, record, &meta).map_err(|error| StoreError::Seed {
                    id: id.to_string(),
                    reason: match error {
                        WriteError::AlreadyExists { .. } => "already in the registry".into(),
                        other => other.to_string(),
                    },
                })?;
            }
            tx.set_meta(SEEDED_KEY, &at.to_rfc3339())?;
            tracing::info!(offices = offices.len(), "registry seeded from the dataset");
            Ok(())
        })
    }

    /// The highest committed change sequence: cheap, for polling ("has anything changed?").
    pub fn registry_version(&self) -> Result<u64, StoreError> {
        self.backend.read(|tx| tx.registry_version())
    }

    /// Every current (not closed) office, by id, with the registry version they are at.
    pub fn current_offices(&self) -> Result<CurrentOffices, StoreError> {
        self.backend.read(|tx| {
            Ok(CurrentOffices {
                registry_version: tx.registry_version()?,
                epoch: tx.meta(EPOCH_KEY)?.unwrap_or_default(),
                offices: tx.current_offices()?,
            })
        })
    }

    /// One office, current or closed (see [`OfficeRecord::is_current`]); `None` if unknown.
    pub fn office(&self, id: &str) -> Result<Option<OfficeRecord>, StoreError> {
        self.backend.read(|tx| tx.office(id))
    }

    /// Every version of an office, oldest first (empty for an unknown id).
    pub fn history(&self, id: &str) -> Result<Vec<Change>, StoreError> {
        self.backend.read(|tx| tx.changes(&ChangeQuery { office_id: Some(id), ..Default::default() }))
    }

    /// The changes after sequence `seq`, oldest first, at most `limit` (1–1,000): the change
    /// feed. Sequences have no gaps and are committed in order, so a reader that asks again
    /// from the last `seq` it saw misses nothing.
    pub fn changes_since(&self, seq: u64, limit: usize) -> Result<Feed, StoreError> {
        self.backend.read(|tx| {
            let number = |value: Option<String>| value.and_then(|v| v.parse::<u64>().ok());
            let undone = match (number(tx.meta(RESTORED_FROM_KEY)?), number(tx.meta(SEQ_FLOOR_KEY)?)) {
                (Some(from), Some(floor)) if floor > from => Some((from, floor)),
                _ => None,
            };
            Ok(Feed {
                undone,
                epoch: tx.meta(EPOCH_KEY)?.unwrap_or_default(),
                registry_version: tx.registry_version()?,
                changes: tx.changes(&ChangeQuery { after_seq: Some(seq), limit: Some(limit), ..Default::default() })?,
            })
        })
    }

    /// Changes matching `filter`, newest first.
    pub fn audit(&self, filter: &AuditFilter) -> Result<Vec<Change>, StoreError> {
        let query = ChangeQuery {
            office_id: filter.office_id.as_deref(),
            token_id: filter.token_id.as_deref(),
            after_seq: None,
            from: filter.from,
            to: filter.to,
            limit: Some(filter.limit.unwrap_or(100)),
            newest_first: true,
        };
        self.backend.read(|tx| tx.changes(&query))
    }

    /// Adds a new office (version 1). Its id is the one given, or a new `office-…` id.
    pub fn create(&self, actor: &Actor, office: &ValidOffice, reason: &Reason) -> Result<Change, WriteError> {
        self.create_once(actor, office, reason, None).map(Once::into_inner)
    }

    /// [`Registry::create`] under a client's idempotency key: the same key for the same
    /// request within 24 hours answers the first change and writes nothing.
    pub fn create_once(
        &self,
        actor: &Actor,
        office: &ValidOffice,
        reason: &Reason,
        key: Option<&IdempotencyKey>,
    ) -> Result<Once<Change>, WriteError> {
        let id = match office.id() {
            Some(id) => id.to_string(),
            None => new_office_id()?,
        };
        let source = format!("entered in the registry by {}", actor.name);
        self.backend.write(|tx| {
            let at = now();
            if let Some(key) = key {
                if let Some(first) = idempotency::replay(tx, &actor.token_id, key, at)? {
                    return Ok(Once::Replayed(first));
                }
            }
            let record = office.to_record(&id, &source, at, 1);
            let meta = ChangeMeta { action: ChangeAction::Create, actor, reason: reason.as_str(), report_id: None, at };
            let change = write_office(tx, None, record, &meta)?;
            if let Some(key) = key {
                idempotency::remember(tx, &actor.token_id, key, at, &change)?;
            }
            Ok(Once::Done(change))
        })
    }

    /// Adds an office from a client's body: its fields as the API shows them (`id` is made
    /// when absent) and `reason`. Reading, validation (the commune from the position),
    /// the rules and the write are this one call; every problem with the body comes back at
    /// once in [`WriteError::Invalid`]. Under an idempotency key, as [`Registry::create_once`].
    pub fn create_from_body(
        &self,
        actor: &Actor,
        mut body: serde_json::Map<String, serde_json::Value>,
        communes: &dyn Communes,
        key: Option<&IdempotencyKey>,
    ) -> Result<Once<Change>, WriteError> {
        let mut problems = Vec::new();
        let reason = take_reason(&mut body, &mut problems);
        let (draft, reading) = OfficeDraft::from_json(&serde_json::Value::Object(body));
        problems.extend(reading);
        let (office, reason) = validate_write(&draft, problems, reason, communes).map_err(WriteError::Invalid)?;
        self.create_once(actor, &office, &reason, key)
    }

    /// Changes an office with a JSON merge patch (RFC 7396) of its fields as the API shows
    /// them, plus `reason`, if it is still at `expected_version`.
    ///
    /// One transaction reads the office, checks it exists (404), the actor may edit it (403),
    /// it is open (410) and at that version (412), merges the patch, validates the result
    /// (the commune from the position; every problem at once, 422) and writes it through the
    /// rules every write obeys.
    pub fn patch(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: u64,
        mut patch: serde_json::Map<String, serde_json::Value>,
        communes: &dyn Communes,
    ) -> Result<Change, WriteError> {
        let mut problems = Vec::new();
        let reason = take_reason(&mut patch, &mut problems);
        if patch.get("id").is_some_and(|given| given.as_str() != Some(id)) {
            problems.push(FieldError::new("id", "cannot be changed"));
            patch.remove("id");
        }
        let patch = serde_json::Value::Object(patch);
        self.backend.write(|tx| {
            let current = current_at(tx, actor, id, expected_version)?;
            let mut draft = OfficeDraft::from_record(&current);
            problems.extend(draft.merge_json(&patch));
            let (office, reason) = validate_write(&draft, problems, reason, communes).map_err(WriteError::Invalid)?;
            let at = now();
            let next = office.to_record(id, &current.source, current.valid_from, current.version + 1);
            let meta = ChangeMeta { action: ChangeAction::Update, actor, reason: reason.as_str(), report_id: None, at };
            write_office(tx, Some(current), next, &meta)
        })
    }

    /// Replaces an office's values, if it is still at `expected_version`.
    ///
    /// Every field takes the new value (`source` keeps the current one when none is given);
    /// for a partial update, use [`Registry::patch`]. An editor must
    /// hold both the office's current commune and its new one.
    pub fn update(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: u64,
        office: &ValidOffice,
        reason: &Reason,
    ) -> Result<Change, WriteError> {
        if office.id().is_some_and(|given| given != id) {
            return Err(FieldError::new("id", "differs from the office being updated; ids cannot change").into());
        }
        self.backend.write(|tx| {
            let current = current_at(tx, actor, id, expected_version)?;
            let at = now();
            let next = office.to_record(id, &current.source, current.valid_from, current.version + 1);
            let meta = ChangeMeta { action: ChangeAction::Update, actor, reason: reason.as_str(), report_id: None, at };
            write_office(tx, Some(current), next, &meta)
        })
    }

    /// Closes an office, if it is still at `expected_version`: it leaves the current snapshot
    /// but keeps its record and history.
    pub fn close(&self, actor: &Actor, id: &str, expected_version: u64, reason: &Reason) -> Result<Change, WriteError> {
        self.backend.write(|tx| {
            let current = current_at(tx, actor, id, expected_version)?;
            let at = now();
            let next = OfficeRecord { valid_to: Some(at), version: current.version + 1, ..current.clone() };
            let meta = ChangeMeta { action: ChangeAction::Close, actor, reason: reason.as_str(), report_id: None, at };
            write_office(tx, Some(current), next, &meta)
        })
    }

    /// Imports rows (from [`crate::import::parse_csv`] or [`crate::import::parse_geojson`]):
    /// new ids are created, existing offices updated (whatever their version, unless the row
    /// names the version it was made from), a partial row laid over the current values.
    ///
    /// Every row goes through the same gate as any other write, in order and in one
    /// transaction, so a row sees the rows before it (two new seats for one commune in one
    /// file are caught). With [`ImportMode::Apply`] and no row in error the transaction
    /// commits; otherwise, and always for a dry run, it is rolled back, so a dry run reports
    /// exactly what the import would do. [`ImportReport::applied`] says which.
    pub fn import(
        &self,
        actor: &Actor,
        rows: &[ImportRow],
        reason: &Reason,
        mode: ImportMode,
        communes: &dyn Communes,
    ) -> Result<ImportReport, WriteError> {
        self.import_once(actor, rows, reason, mode, communes, None).map(Once::into_inner)
    }

    /// [`Registry::import`] under a client's idempotency key: an import applied under the
    /// same key for the same file within 24 hours answers the first report and writes
    /// nothing. (A dry run, or a refused file, wrote nothing and keeps no key.)
    pub fn import_once(
        &self,
        actor: &Actor,
        rows: &[ImportRow],
        reason: &Reason,
        mode: ImportMode,
        communes: &dyn Communes,
        key: Option<&IdempotencyKey>,
    ) -> Result<Once<ImportReport>, WriteError> {
        let source = format!("imported by {}", actor.name);
        let written = self.backend.write(|tx| -> Result<Once<ImportReport>, ImportStop> {
            let at = now();
            if let (Some(key), ImportMode::Apply) = (key, mode) {
                if let Some(first) = idempotency::replay(tx, &actor.token_id, key, at)? {
                    return Ok(Once::Replayed(first));
                }
            }
            let version_before = tx.registry_version()?;
            let meta = ChangeMeta { action: ChangeAction::Import, actor, reason: reason.as_str(), report_id: None, at };
            let outcomes = apply_import(tx, rows, communes, &source, &meta)?;
            let errors = outcomes.iter().any(|o| matches!(o.outcome, Outcome::Error { .. }));
            if errors || mode == ImportMode::DryRun {
                return Err(ImportStop::RolledBack(ImportReport {
                    applied: false,
                    registry_version: version_before,
                    outcomes,
                }));
            }
            let report = ImportReport { applied: true, registry_version: tx.registry_version()?, outcomes };
            if let Some(key) = key {
                idempotency::remember(tx, &actor.token_id, key, at, &report)?;
            }
            Ok(Once::Done(report))
        });
        match written {
            Ok(once) => Ok(once),
            Err(ImportStop::RolledBack(report)) => Ok(Once::Done(report)),
            Err(ImportStop::Failed(error)) => Err(error),
        }
    }

    /// Issues a token. The returned secret is shown once; only its hash is stored.
    ///
    /// An editor needs at least one commune; an administrator takes none.
    pub fn create_token(
        &self,
        role: Role,
        communes: Vec<String>,
        name: &str,
    ) -> Result<(TokenInfo, TokenSecret), WriteError> {
        let mut errors = Vec::new();
        let name = name.trim();
        let unfit = |c: char| c.is_control() || data_boundaries::text::is_noncharacter(c);
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(unfit) {
            errors.push(FieldError::new("name", "is required: one line of at most 200 characters"));
        }
        let mut communes: Vec<String> = communes.into_iter().map(|c| c.trim().to_string()).collect();
        communes.sort();
        communes.dedup();
        if communes.iter().any(|c| c.is_empty() || c.len() > 10 || !c.bytes().all(|b| b.is_ascii_digit())) {
            errors.push(FieldError::new("communes", "must be commune codes (digits)"));
        }
        match role {
            Role::Editor if communes.is_empty() => {
                errors.push(FieldError::new("communes", "an editor needs at least one commune"))
            }
            Role::Admin if !communes.is_empty() => {
                errors.push(FieldError::new("communes", "an administrator may change every commune; give none"))
            }
            _ => {}
        }
        if !errors.is_empty() {
            return Err(WriteError::Invalid(errors));
        }
        let (id, secret, hash) = tokens::generate()?;
        let info = TokenInfo { id, name: name.to_string(), role, communes, created_at: now(), revoked_at: None };
        let stored = StoredToken { info: info.clone(), hash };
        self.backend.write(|tx| -> Result<(), WriteError> { Ok(tx.insert_token(&stored)?) })?;
        tracing::info!(token_id = %info.id, role = role.as_str(), "token issued");
        Ok((info, secret))
    }

    /// Every token issued, revoked ones included, oldest first (no secrets or hashes).
    pub fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        self.backend.read(|tx| tx.tokens())
    }

    /// Revokes a token: it stops authenticating at once. Revoking twice is harmless.
    pub fn revoke_token(&self, id: &str) -> Result<TokenInfo, WriteError> {
        self.backend.write(|tx| {
            let stored = tx.token(id)?.ok_or_else(|| not_found("token", id))?;
            if stored.info.revoked_at.is_some() {
                return Ok(stored.info);
            }
            let at = now();
            tx.revoke_token(id, at)?;
            tracing::info!(token_id = %id, "token revoked");
            Ok(TokenInfo { revoked_at: Some(at), ..stored.info })
        })
    }

    /// The actor a token belongs to; `None` for a malformed, unknown, wrong or revoked token.
    /// The token itself is never logged. [`StoreError::Busy`] when the token's stored hash is
    /// a legacy Argon2 one and the slots for those checks are all taken: nothing was decided.
    pub fn authenticate(&self, token: &str) -> Result<Option<Actor>, StoreError> {
        let token = token.trim();
        let Some(id) = tokens::id_of(token) else {
            return Ok(None);
        };
        let Some(stored) = self.backend.read(|tx| tx.token(id))? else {
            return Ok(None);
        };
        if stored.info.revoked_at.is_some() || !tokens::verify(token, &stored.hash)? {
            return Ok(None);
        }
        if tokens::is_legacy(&stored.hash) {
            // Verified once the slow way: from now on it is checked by its digest.
            let digest = tokens::digest(token);
            match self.backend.write(|tx| tx.rehash_token(id, &stored.hash, &digest)) {
                Ok(()) => tracing::info!(token_id = %id, "a legacy token hash was replaced by its digest"),
                Err(error) => tracing::warn!(token_id = %id, %error, "could not replace a legacy token hash"),
            }
        }
        let info = stored.info;
        Ok(Some(Actor { token_id: info.id, name: info.name, role: info.role, communes: info.communes }))
    }

    /// Files a resident's report about a current office. Nothing about the sender is stored.
    pub fn create_report(&self, report: &NewReport) -> Result<Report, WriteError> {
        let problems = report.problems();
        if !problems.is_empty() {
            return Err(WriteError::Invalid(problems));
        }
        self.backend.write(|tx| {
            let office = tx.office(&report.office_id)?.ok_or_else(|| not_found("office", &report.office_id))?;
            if !office.is_current() {
                return Err(WriteError::Closed { id: office.id });
            }
            let id = tx.insert_report(report, &office.commune_code, now())?;
            tx.report(id)?.ok_or_else(|| not_found("report", &id.to_string()))
        })
    }

    /// Reports in a status, oldest first: an editor sees their communes' reports only.
    pub fn list_reports(&self, actor: &Actor, filter: ReportFilter) -> Result<Vec<Report>, StoreError> {
        let communes = match actor.role {
            Role::Admin => None,
            Role::Editor => Some(actor.communes.as_slice()),
        };
        self.backend.read(|tx| tx.reports(filter, communes))
    }

    /// Accepts or rejects an open report, with a reason.
    ///
    /// Accepting a report that proposes a position moves the office there in the same
    /// transaction (an `report_accepted` change carrying the report's id), with the
    /// precision the resolver states and the commune `communes` finds; the editor must hold
    /// both communes.
    pub fn resolve_report(
        &self,
        actor: &Actor,
        report_id: u64,
        resolution: Resolution,
        reason: &Reason,
        communes: &dyn Communes,
    ) -> Result<ResolvedReport, WriteError> {
        let id_text = report_id.to_string();
        self.backend.write(|tx| {
            let report = tx.report(report_id)?.ok_or_else(|| not_found("report", &id_text))?;
            if report.status != ReportStatus::Open {
                return Err(WriteError::AlreadyResolved { report: Box::new(report) });
            }
            let office = tx.office(&report.office_id)?.ok_or_else(|| not_found("office", &report.office_id))?;
            permit(actor, &office.commune_code)?;
            let at = now();
            let mut change = None;
            let status = match resolution {
                Resolution::Reject => ReportStatus::Rejected,
                Resolution::Accept { position_precision } => {
                    if let Some((lon, lat)) = report.proposed_position {
                        let commune = communes.locate(lon, lat);
                        let mut next = moved(&office, lon, lat, position_precision, commune.as_deref())?;
                        if (next.lon, next.lat) != (office.lon, office.lat) {
                            // The position now comes from the report, confirmed by the resolver.
                            next.source =
                                format!("position from resident report {report_id}, confirmed by {}", actor.name);
                        }
                        let meta = ChangeMeta {
                            action: ChangeAction::ReportAccepted,
                            actor,
                            reason: reason.as_str(),
                            report_id: Some(report_id),
                            at,
                        };
                        change = match write_office(tx, Some(office), next, &meta) {
                            Ok(change) => Some(change),
                            // Already there: the report is accepted with nothing to move.
                            Err(WriteError::NoChange { .. }) => None,
                            Err(refused) => return Err(refused),
                        };
                    }
                    ReportStatus::Accepted
                }
            };
            let by = actor.reference();
            tx.resolve_report(report_id, &ReportResolution { status, at, by: &by, reason: reason.as_str() })?;
            let report = tx.report(report_id)?.ok_or_else(|| not_found("report", &id_text))?;
            Ok(ResolvedReport { report, change })
        })
    }

    /// Writes a consistent copy of an SQLite registry to `out` (a new file) while servers
    /// keep using it. A PostgreSQL registry is backed up with `pg_dump` instead.
    pub fn backup(&self, out: &Path) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.backup(out),
            Backend::Postgres(_) => Err(StoreError::Unsupported {
                reason: "a PostgreSQL registry is backed up with pg_dump (and restored with pg_restore or psql)".into(),
            }),
        }
    }

    /// Replaces the SQLite registry at `to` with the backup `from`, after checking that it is
    /// a registry at a schema version this program knows. Stop the servers using `to` first:
    /// they would otherwise see the registry version go back.
    ///
    /// A registry in use (a server or a command has it open) is refused with
    /// [`StoreError::InUse`] unless `force` is given. The restored registry gets a new epoch
    /// (the change feed's mirrors must start again), continues change sequences past the
    /// replaced registry's (no number is handed out twice), and keeps every token the
    /// replaced registry had revoked revoked.
    pub fn restore(from: &Path, to: &StoreUrl, force: bool) -> Result<RestoreReport, StoreError> {
        match to {
            StoreUrl::Sqlite(path) => sqlite::restore(from, path, force),
            StoreUrl::Postgres(_) => Err(StoreError::Unsupported {
                reason: "a PostgreSQL registry is restored with pg_restore or psql from a pg_dump".into(),
            }),
        }
    }
}

/// The office `id` as it stands, for a change that expects `expected_version`: it exists,
/// the actor holds its commune, it is not closed, and it is at that version.
fn current_at(tx: &mut dyn Tx, actor: &Actor, id: &str, expected_version: u64) -> Result<OfficeRecord, WriteError> {
    let current = tx.office(id)?.ok_or_else(|| not_found("office", id))?;
    permit(actor, &current.commune_code)?;
    if !current.is_current() {
        return Err(WriteError::Closed { id: id.to_string() });
    }
    if current.version != expected_version {
        return Err(WriteError::VersionMismatch { current: Box::new(current) });
    }
    Ok(current)
}

fn not_found(what: &'static str, id: &str) -> WriteError {
    WriteError::NotFound { what, id: id.to_string() }
}

/// The office moved to a report's proposed position.
fn moved(
    office: &OfficeRecord,
    lon: f64,
    lat: f64,
    precision: Option<PositionPrecision>,
    commune: Option<&str>,
) -> Result<OfficeRecord, WriteError> {
    if !office.is_current() {
        return Err(WriteError::Closed { id: office.id.clone() });
    }
    let mut errors = Vec::new();
    match precision {
        None => errors.push(FieldError::new(
            "position_precision",
            "is required to accept a proposed position: say how it was confirmed",
        )),
        Some(PositionPrecision::CommuneLabelPoint) => {
            errors.push(FieldError::new("position_precision", "a resident's position is not the commune's label point"))
        }
        Some(_) => {}
    }
    if commune.is_none() {
        errors.push(FieldError::new(
            "position",
            format!("the proposed position ({lon}, {lat}) lies outside every commune"),
        ));
    }
    match (precision, commune) {
        (Some(position_precision), Some(code)) if errors.is_empty() => Ok(OfficeRecord {
            lon,
            lat,
            position_precision,
            commune_code: code.to_string(),
            outside_commune_reason: None,
            version: office.version + 1,
            ..office.clone()
        }),
        _ => Err(WriteError::Invalid(errors)),
    }
}

/// A seed row as a valid office: the dataset's declared commune is trusted (the dataset's
/// own validation reports offices outside their commune).
fn valid_seed_office(office: &Office) -> Result<ValidOffice, StoreError> {
    let draft = OfficeDraft {
        id: Some(office.id.clone()),
        kind: Some(office.kind.as_str().to_string()),
        name: Some(office.name.clone()),
        address: Some(office.address.clone()),
        lon: Some(office.lon),
        lat: Some(office.lat),
        position_precision: Some(office.position_precision.as_str().to_string()),
        ..OfficeDraft::default()
    };
    let commune = office.commune_code.clone();
    validate(&draft, &|_: f64, _: f64| Some(commune.clone())).map_err(|errors| StoreError::Seed {
        id: office.id.clone(),
        reason: errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
    })
}

fn non_empty<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    if text.trim().is_empty() {
        fallback
    } else {
        text
    }
}

/// A fresh id for an office created without one.
fn new_office_id() -> Result<String, WriteError> {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Database { reason: format!("the operating system's random generator failed: {e}") })?;
    Ok(format!("office-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Registry>();
    }
}
