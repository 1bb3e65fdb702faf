//! Storage: the few transactional operations the registry needs ([`Tx`]), and the
//! [`Backend`] that runs a closure inside one read or write transaction of SQLite or
//! PostgreSQL.
//!
//! Keeping the registry's rules (permissions, versions, history) above this line means both
//! databases behave the same by construction, and the shared test suite checks that they do.
//! Below it, the statements are written once too ([`queries`]), over each record's row written
//! once ([`records`]) from the shared pieces of SQL ([`sql`]); each backend keeps only what
//! really differs: its connection and transactions, its errors, its schema and migrations,
//! how it binds and reads a value, and (SQLite) backup and restore.

pub(crate) mod postgres;
mod queries;
mod records;
pub(crate) mod schema;
mod sql;
pub(crate) mod sqlite;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::error::StoreError;
use crate::model::{ActorRef, Change, OfficeRecord};
use crate::reports::{NewReport, Report, ReportFilter, ReportStatus};
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
