//! Storage: the few transactional operations the registry needs ([`Tx`]), implemented once
//! for SQLite and once for PostgreSQL, and the [`Backend`] that runs a closure inside one
//! read or write transaction of either.
//!
//! Keeping the registry's rules (permissions, versions, history) above this line means both
//! databases behave the same by construction, and the shared test suite checks that they do.
//! Rows come out of each database as plain values and are turned into records here, so the
//! decoding (and its errors) is written once.

pub(crate) mod postgres;
pub(crate) mod schema;
pub(crate) mod sqlite;

use chrono::{DateTime, Utc};
use data_boundaries::{OfficeKind, PositionPrecision};
use serde_json::Value;

use crate::error::StoreError;
use crate::model::{ActorRef, Change, ChangeAction, OfficeRecord, Role};
use crate::reports::{NewReport, Report, ReportFilter, ReportKind, ReportStatus};
use crate::tokens::{StoredToken, TokenInfo};

/// The connection's lock (parking_lot's, for a bounded wait).
pub(crate) type Mutex<T> = parking_lot::Mutex<T>;

/// How long a call waits for the store's connection, which one call uses at a time. Past
/// this the store is too busy: the call is refused as unavailable before it has done
/// anything, so a write either starts well inside the request's time or does not start at
/// all (a write that waited 34 s behind a locked file once committed after its client had
/// been told 503).
pub(crate) const CONNECTION_WAIT: std::time::Duration = std::time::Duration::from_secs(8);

/// The connection, once it is free (within [`CONNECTION_WAIT`]).
pub(crate) fn lock_within<T>(mutex: &Mutex<T>) -> Result<parking_lot::MutexGuard<'_, T>, StoreError> {
    mutex.try_lock_for(CONNECTION_WAIT).ok_or_else(|| StoreError::Unavailable {
        reason: format!("the registry's connection stayed busy for {CONNECTION_WAIT:?}"),
    })
}

/// The bookkeeping key of the store's epoch: a random id, new with every restore, so that a
/// mirror of the change feed can tell that sequence numbers it holds may mean other changes.
pub(crate) const EPOCH_KEY: &str = "epoch";
/// The bookkeeping key of the lowest registry version: set by a restore to the version of the
/// registry it replaced, so change sequences continue past every number ever handed out.
pub(crate) const SEQ_FLOOR_KEY: &str = "seq_floor";
/// The bookkeeping key of the backup's version at the last restore: numbers above it, up to
/// the floor, were handed out before the restore for changes that are gone.
pub(crate) const RESTORED_FROM_KEY: &str = "restored_from";

/// A new random epoch.
pub(crate) fn new_epoch() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Database { reason: format!("the operating system's random generator failed: {e}") })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// The version of the registry that was replaced (0 when there was none).
    pub replaced_version: u64,
    /// The version of the backup.
    pub restored_version: u64,
    /// The sequence the next change gets: past every one handed out before.
    pub next_seq: u64,
    /// The restored registry's new epoch.
    pub epoch: String,
    /// Tokens revoked in the replaced registry that the backup still held valid, revoked again.
    pub revocations_reapplied: usize,
}

/// The operations of one transaction. Every method runs inside the transaction the
/// [`Backend`] opened; a write transaction holds the registry's write lock throughout.
pub(crate) trait Tx {
    /// The highest committed change sequence (0 for an empty registry).
    fn registry_version(&mut self) -> Result<u64, StoreError>;
    /// One office, current or closed.
    fn office(&mut self, id: &str) -> Result<Option<OfficeRecord>, StoreError>;
    /// Every office not closed, by id.
    fn current_offices(&mut self) -> Result<Vec<OfficeRecord>, StoreError>;
    /// The open seat of `commune` other than office `except`, if there is one.
    fn open_seat(&mut self, commune: &str, except: &str) -> Result<Option<String>, StoreError>;
    /// Adds a new office.
    fn insert_office(&mut self, office: &OfficeRecord) -> Result<(), StoreError>;
    /// Replaces an office if it is still at `expected_version`; false when it is not.
    fn replace_office(&mut self, office: &OfficeRecord, expected_version: u64) -> Result<bool, StoreError>;
    /// Appends a change (its `seq` already assigned).
    fn insert_change(&mut self, change: &Change) -> Result<(), StoreError>;
    /// Changes matching a query.
    fn changes(&mut self, query: &ChangeQuery<'_>) -> Result<Vec<Change>, StoreError>;
    /// A value of the registry's own bookkeeping.
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError>;
    /// Sets a bookkeeping value.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Stores a new token.
    fn insert_token(&mut self, token: &StoredToken) -> Result<(), StoreError>;
    /// One token with its hash.
    fn token(&mut self, id: &str) -> Result<Option<StoredToken>, StoreError>;
    /// Every token, oldest first.
    fn tokens(&mut self) -> Result<Vec<TokenInfo>, StoreError>;
    /// Marks a token revoked.
    fn revoke_token(&mut self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Replaces a token's stored hash `old` with `new` (a no-op if it changed meanwhile).
    fn rehash_token(&mut self, id: &str, old: &str, new: &str) -> Result<(), StoreError>;
    /// The request fingerprint and answer kept for `token_id`'s `key`, if kept since `since`.
    fn idempotent(
        &mut self,
        token_id: &str,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<(String, Value)>, StoreError>;
    /// Keeps an answer under `token_id`'s `key` (replacing an expired one).
    fn remember_idempotent(
        &mut self,
        token_id: &str,
        key: &str,
        fingerprint: &str,
        at: DateTime<Utc>,
        answer: &Value,
    ) -> Result<(), StoreError>;
    /// Forgets the answers kept before `before`.
    fn forget_idempotent_before(&mut self, before: DateTime<Utc>) -> Result<(), StoreError>;
    /// Stores a new report; returns its id.
    fn insert_report(&mut self, report: &NewReport, commune_code: &str, at: DateTime<Utc>) -> Result<u64, StoreError>;
    /// One report.
    fn report(&mut self, id: u64) -> Result<Option<Report>, StoreError>;
    /// Reports by status, optionally only in some communes, oldest first.
    fn reports(&mut self, filter: ReportFilter, communes: Option<&[String]>) -> Result<Vec<Report>, StoreError>;
    /// Records a report's resolution.
    fn resolve_report(&mut self, id: u64, resolution: &ReportResolution<'_>) -> Result<(), StoreError>;
}

/// A report's resolution as stored.
pub(crate) struct ReportResolution<'a> {
    pub status: ReportStatus,
    pub at: DateTime<Utc>,
    pub by: &'a ActorRef,
    pub reason: &'a str,
}

/// Which changes to read.
#[derive(Debug, Default)]
pub(crate) struct ChangeQuery<'a> {
    pub office_id: Option<&'a str>,
    pub token_id: Option<&'a str>,
    /// Only changes with a greater sequence.
    pub after_seq: Option<u64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: Option<usize>,
    pub newest_first: bool,
}

/// Where a registry is stored.
pub(crate) enum Backend {
    Sqlite(sqlite::SqliteStore),
    Postgres(Box<postgres::PgStore>),
}

impl Backend {
    /// Runs `f` in a read-only transaction that sees one consistent state.
    pub(crate) fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send,
        E: From<StoreError> + Send,
        F: FnOnce(&mut dyn Tx) -> Result<T, E> + Send,
    {
        match self {
            Backend::Sqlite(s) => s.read(f),
            Backend::Postgres(p) => p.read(f),
        }
    }

    /// Runs `f` in a write transaction, holding the registry's write lock, and commits when
    /// it returns `Ok` (rolls back otherwise).
    pub(crate) fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send,
        E: From<StoreError> + Send,
        F: FnOnce(&mut dyn Tx) -> Result<T, E> + Send,
    {
        match self {
            Backend::Sqlite(s) => s.write(f),
            Backend::Postgres(p) => p.write(f),
        }
    }
}

/// An office row as the databases return it.
pub(crate) struct RawOffice {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub address: String,
    pub lon: f64,
    pub lat: f64,
    pub position_precision: String,
    pub commune_code: String,
    pub outside_commune_reason: Option<String>,
    pub opening_hours: Option<String>,
    pub phone: Option<String>,
    pub services: Value,
    pub notes: Option<String>,
    pub source: String,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    pub version: i64,
}

impl RawOffice {
    pub(crate) fn into_record(self) -> Result<OfficeRecord, StoreError> {
        let kind = OfficeKind::parse(&self.kind)
            .ok_or_else(|| corrupt(format!("office {}: kind {:?}", self.id, self.kind)))?;
        let position_precision = PositionPrecision::parse(&self.position_precision)
            .ok_or_else(|| corrupt(format!("office {}: precision {:?}", self.id, self.position_precision)))?;
        let services: Vec<String> =
            serde_json::from_value(self.services).map_err(|e| corrupt(format!("office {}: services: {e}", self.id)))?;
        Ok(OfficeRecord {
            kind,
            position_precision,
            services,
            version: unsigned(self.version)?,
            id: self.id,
            name: self.name,
            address: self.address,
            lon: self.lon,
            lat: self.lat,
            commune_code: self.commune_code,
            outside_commune_reason: self.outside_commune_reason,
            opening_hours: self.opening_hours,
            phone: self.phone,
            notes: self.notes,
            source: self.source,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        })
    }
}

/// A change row as the databases return it.
pub(crate) struct RawChange {
    pub seq: i64,
    pub office_id: String,
    pub office_version: i64,
    pub action: String,
    pub token_id: String,
    pub token_name: String,
    pub at: DateTime<Utc>,
    pub reason: String,
    pub report_id: Option<i64>,
    pub fields: Value,
    pub before: Option<Value>,
    pub after: Value,
}

impl RawChange {
    pub(crate) fn into_change(self) -> Result<Change, StoreError> {
        let seq = unsigned(self.seq)?;
        let what = |part: &str, e: serde_json::Error| corrupt(format!("change {seq}: {part}: {e}"));
        Ok(Change {
            seq,
            office_version: unsigned(self.office_version)?,
            action: ChangeAction::parse(&self.action)
                .ok_or_else(|| corrupt(format!("change {seq}: action {:?}", self.action)))?,
            actor: ActorRef { token_id: self.token_id, name: self.token_name },
            report_id: self.report_id.map(unsigned).transpose()?,
            fields: serde_json::from_value(self.fields).map_err(|e| what("fields", e))?,
            before: self.before.map(serde_json::from_value).transpose().map_err(|e| what("before", e))?,
            after: serde_json::from_value(self.after).map_err(|e| what("after", e))?,
            office_id: self.office_id,
            at: self.at,
            reason: self.reason,
        })
    }
}

/// A report row as the databases return it.
pub(crate) struct RawReport {
    pub id: i64,
    pub office_id: String,
    pub commune_code: String,
    pub kind: String,
    pub message: String,
    pub proposed_lon: Option<f64>,
    pub proposed_lat: Option<f64>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by_token_id: Option<String>,
    pub resolved_by_name: Option<String>,
    pub resolution_reason: Option<String>,
}

impl RawReport {
    pub(crate) fn into_report(self) -> Result<Report, StoreError> {
        let id = unsigned(self.id)?;
        Ok(Report {
            id,
            kind: ReportKind::parse(&self.kind).ok_or_else(|| corrupt(format!("report {id}: kind {:?}", self.kind)))?,
            status: ReportStatus::parse(&self.status)
                .ok_or_else(|| corrupt(format!("report {id}: status {:?}", self.status)))?,
            proposed_position: self.proposed_lon.zip(self.proposed_lat),
            resolved_by: self
                .resolved_by_token_id
                .map(|token_id| ActorRef { token_id, name: self.resolved_by_name.unwrap_or_default() }),
            office_id: self.office_id,
            commune_code: self.commune_code,
            message: self.message,
            created_at: self.created_at,
            resolved_at: self.resolved_at,
            resolution_reason: self.resolution_reason,
        })
    }
}

/// A token row as the databases return it.
pub(crate) struct RawToken {
    pub id: String,
    pub name: String,
    pub role: String,
    pub communes: Value,
    pub hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl RawToken {
    pub(crate) fn into_token(self) -> Result<StoredToken, StoreError> {
        let role =
            Role::parse(&self.role).ok_or_else(|| corrupt(format!("token {}: role {:?}", self.id, self.role)))?;
        let communes: Vec<String> =
            serde_json::from_value(self.communes).map_err(|e| corrupt(format!("token {}: communes: {e}", self.id)))?;
        Ok(StoredToken {
            info: TokenInfo {
                id: self.id,
                name: self.name,
                role,
                communes,
                created_at: self.created_at,
                revoked_at: self.revoked_at,
            },
            hash: self.hash,
        })
    }
}

/// The JSON of a value the registry wrote itself (serialising its own types cannot fail;
/// `null` is a harmless answer if it ever did).
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A stored integer that must be a version, sequence or id.
pub(crate) fn unsigned(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| corrupt(format!("negative number {value}")))
}

/// A version, sequence or id for storage (the registry never makes one above `i64::MAX`).
pub(crate) fn signed(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Database { reason: format!("number {value} too large to store") })
}

pub(crate) fn corrupt(reason: String) -> StoreError {
    StoreError::Corrupt { reason }
}

/// The page size of a query: `limit`, at most [`crate::model::MAX_PAGE`].
pub(crate) fn page(limit: Option<usize>, default: usize) -> i64 {
    let n = limit.unwrap_or(default).clamp(1, crate::model::MAX_PAGE);
    i64::try_from(n).unwrap_or(1000)
}
