//! The embedded SQLite store, the default: one file that a running server and the command
//! line can share.
//!
//! WAL mode lets readers go on while one writer commits; `synchronous=FULL` makes an
//! acknowledged change survive a power cut; `busy_timeout` makes another process wait for
//! the writer instead of failing at once. One connection, behind a mutex, serves this
//! process: the registry's writes are rare and small, so it costs nothing measurable.
//!
//! Before each write the file itself is checked: it must still be the file the connection
//! opened (not replaced behind our back) and still be writable by us. SQLite would otherwise
//! keep writing to its WAL through the descriptor it opened earlier after an operator made
//! the file read-only (chmod, `chattr +i`), and fail only at the next checkpoint; refusing
//! the write up front reports the store unavailable at once, and the next write after the
//! file is writable again simply works.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::types::{ToSql, ToSqlOutput, Value as SqliteValue};
use rusqlite::{params, params_from_iter, Connection, ErrorCode, OpenFlags, Row, Transaction};
use serde_json::Value;

use super::queries::{EachRow, SqlTx};
use super::schema::{self, SCHEMA_VERSION, SQLITE_MIGRATIONS, SQLITE_VERSION_TABLE};
use super::sql::{Columns, Dialect, SqlValue};
use super::{corrupt, json, lock_within, Mutex, RestoreReport, Tx, EPOCH_KEY, RESTORED_FROM_KEY, SEQ_FLOOR_KEY};
use crate::error::StoreError;

/// How long a statement waits for another process's write lock before the registry reports
/// itself unavailable.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A registry in an SQLite file.
pub(crate) struct SqliteStore {
    path: PathBuf,
    conn: Mutex<Option<OpenFile>>,
    /// A shared lock on the file beside the registry ([`lock_path`]), held while the store is
    /// open, so that `restore` can tell that a server (or a command) is using it.
    _in_use: Option<std::fs::File>,
}

/// The file whose lock says who uses the registry at `path`: every open store holds it
/// shared; `restore` wants it alone.
fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the shared "in use" lock; a store in a folder where the lock file cannot be made
/// (read-only) still opens, unannounced.
fn hold_in_use(path: &Path) -> Option<std::fs::File> {
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(lock_path(path));
    match lock.and_then(|file| file.lock_shared().map(|()| file)) {
        Ok(file) => Some(file),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "cannot hold the registry's in-use lock; restore cannot see this process");
            None
        }
    }
}

/// The connection and the identity (device, inode) of the file it opened.
struct OpenFile {
    conn: Connection,
    identity: (u64, u64),
}

impl SqliteStore {
    /// Opens (creating the file and its folder if missing) and migrates.
    pub(crate) fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| StoreError::Io { path: parent.display().to_string(), source })?;
        }
        let mut conn = connect(path)?;
        let mode = wal_mode(&conn)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unavailable { reason: format!("cannot switch {} to WAL mode", path.display()) });
        }
        migrate(&mut conn)?;
        let identity = identity(path)?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            conn: Mutex::new(Some(OpenFile { conn, identity })),
            _in_use: hold_in_use(path),
        })
    }

    pub(crate) fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&mut dyn Tx) -> Result<T, E>,
    {
        self.with_connection(rusqlite::TransactionBehavior::Deferred, f)
    }

    pub(crate) fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&mut dyn Tx) -> Result<T, E>,
    {
        self.with_connection(rusqlite::TransactionBehavior::Immediate, f)
    }

    /// Runs `f` in a transaction (deferred: a read; immediate: a write, holding SQLite's
    /// write lock from the start), committing when it returns `Ok`.
    fn with_connection<T, E, F>(&self, behavior: rusqlite::TransactionBehavior, f: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&mut dyn Tx) -> Result<T, E>,
    {
        let mut guard = lock_within(&self.conn)?;
        let current = identity(&self.path)?;
        if guard.as_ref().is_some_and(|open| open.identity != current) {
            tracing::warn!(path = %self.path.display(), "the registry file was replaced; reopening it");
            *guard = None;
        }
        if matches!(behavior, rusqlite::TransactionBehavior::Immediate) {
            check_writable(&self.path)?;
        }
        if guard.is_none() {
            *guard = Some(OpenFile { conn: connect(&self.path)?, identity: current });
        }
        let Some(open) = guard.as_mut() else {
            return Err(StoreError::Database { reason: "no connection".into() }.into());
        };
        let (result, broken) = run_transaction(&mut open.conn, behavior, f);
        if broken {
            // A connection that could not begin or commit is replaced on the next call.
            *guard = None;
        }
        result
    }

    /// Writes a consistent copy of the registry to `out` (which must not exist) with
    /// `VACUUM INTO`, while other connections go on reading and writing.
    pub(crate) fn backup(&self, out: &Path) -> Result<(), StoreError> {
        if out.exists() {
            return Err(StoreError::Io {
                path: out.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the backup file already exists"),
            });
        }
        let target = out.to_str().ok_or_else(|| StoreError::Io {
            path: out.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path is not UTF-8"),
        })?;
        let conn = connect(&self.path)?;
        conn.execute("VACUUM INTO ?1", [target]).map_err(sqlite_error)?;
        Ok(())
    }
}

/// Runs `f` in a transaction on `conn`; the flag says whether the connection itself failed.
fn run_transaction<T, E, F>(
    conn: &mut Connection,
    behavior: rusqlite::TransactionBehavior,
    f: F,
) -> (Result<T, E>, bool)
where
    E: From<StoreError>,
    F: FnOnce(&mut dyn Tx) -> Result<T, E>,
{
    let mut tx = match conn.transaction_with_behavior(behavior) {
        Ok(tx) => tx,
        Err(e) => return (Err(sqlite_error(e).into()), true),
    };
    let value = match f(&mut tx) {
        Ok(value) => value,
        Err(e) => return (Err(e), false),
    };
    match tx.commit() {
        Ok(()) => (Ok(value), false),
        Err(e) => (Err(sqlite_error(e).into()), true),
    }
}

/// Replaces the registry at `to` with the backup at `from`, after checking that `from` is a
/// registry at a schema version this program knows. Uses SQLite's online backup, so `to` is
/// replaced in one step under its write lock.
pub(crate) fn restore(from: &Path, to: &Path, force: bool) -> Result<RestoreReport, StoreError> {
    let shown = from.display().to_string();
    let not_registry = |reason: String| StoreError::NotARegistry { path: shown.clone(), reason };
    if !from.is_file() {
        return Err(not_registry("no such file".into()));
    }
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| not_registry(e.to_string()))?;
    let check: String =
        source.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(|e| not_registry(e.to_string()))?;
    if check != "ok" {
        return Err(not_registry(format!("integrity check failed: {check}")));
    }
    let version: u32 = source
        .query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0))
        .map_err(|_| not_registry("it has no schema_version table".into()))?;
    if version == 0 {
        return Err(not_registry("its schema_version table is empty".into()));
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::FutureSchema { found: version, supported: SCHEMA_VERSION });
    }
    for table in ["offices", "changes", "tokens", "reports"] {
        let found: i64 = source
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))
            .map_err(sqlite_error)?;
        if found == 0 {
            return Err(not_registry(format!("it has no {table} table")));
        }
    }
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|source| StoreError::Io { path: parent.display().to_string(), source })?;
    }
    // Servers and commands hold the lock shared while they use the registry.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(to))
        .map_err(|source| StoreError::Io { path: lock_path(to).display().to_string(), source })?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) if !force => {
            return Err(StoreError::InUse { path: to.display().to_string() });
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            tracing::warn!(path = %to.display(), "restoring while the registry is in use (--force)");
        }
        Err(std::fs::TryLockError::Error(source)) => {
            return Err(StoreError::Io { path: lock_path(to).display().to_string(), source });
        }
    }
    // What the registry being replaced knows and the backup may not: how far its change
    // sequence went (never to be reused), and which tokens were revoked since.
    let kept = if to.exists() { what_to_keep(to)? } else { Kept::default() };
    // The backup is made ready beside the target (migrated, its sequence floor, epoch and
    // revocations set) and only then copied over it in one step: a failure on the way leaves
    // the target as it was, never a restored file with its revoked tokens working again.
    let mut staging_name = to.as_os_str().to_owned();
    staging_name.push(".restoring");
    let staging = PathBuf::from(staging_name);
    let _ = std::fs::remove_file(&staging);
    let prepared = prepare_restore(&source, &staging, &kept);
    let copied = prepared.and_then(|report| {
        let staged = Connection::open_with_flags(&staging, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(sqlite_error)?;
        copy_whole(&staged, to)?;
        Ok(report)
    });
    for leftover in ["", "-wal", "-shm"] {
        let mut name = staging.as_os_str().to_owned();
        name.push(leftover);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    copied
}

/// Copies the backup `source` to `staging` and makes it what the restored registry must be.
fn prepare_restore(source: &Connection, staging: &Path, kept: &Kept) -> Result<RestoreReport, StoreError> {
    copy_whole(source, staging)?;
    let mut staged = connect(staging)?;
    migrate(&mut staged)?;
    let mut tx = staged.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sqlite_error)?;
    let restored_version = Tx::registry_version(&mut tx)?;
    let floor = kept.registry_version.max(restored_version);
    Tx::set_meta(&mut tx, SEQ_FLOOR_KEY, &floor.to_string())?;
    Tx::set_meta(&mut tx, RESTORED_FROM_KEY, &restored_version.to_string())?;
    let epoch = super::new_epoch()?;
    Tx::set_meta(&mut tx, EPOCH_KEY, &epoch)?;
    let mut revocations = 0;
    for (id, at) in &kept.revoked {
        revocations += tx
            .execute("UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", params![id, at])
            .map_err(sqlite_error)?;
    }
    tx.commit().map_err(sqlite_error)?;
    Ok(RestoreReport {
        replaced_version: kept.registry_version,
        restored_version,
        next_seq: floor + 1,
        epoch,
        revocations_reapplied: revocations,
    })
}

/// Replaces the database at `to` with `source`, whole, with SQLite's online backup (one step,
/// under `to`'s write lock), and leaves it in WAL mode.
fn copy_whole(source: &Connection, to: &Path) -> Result<(), StoreError> {
    let mut target = connect(to)?;
    let backup = Backup::new(source, &mut target).map_err(sqlite_error)?;
    match backup.step(-1).map_err(sqlite_error)? {
        StepResult::Done => {}
        other => {
            return Err(StoreError::Unavailable {
                reason: format!("{} is in use ({other:?}); stop the servers using it and retry", to.display()),
            })
        }
    }
    drop(backup);
    target.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0)).map_err(sqlite_error)?;
    Ok(())
}

/// What a registry about to be replaced by a restore knows that its backup may not.
#[derive(Default)]
struct Kept {
    registry_version: u64,
    /// Revoked tokens: (id, when, as stored).
    revoked: Vec<(String, String)>,
}

fn what_to_keep(path: &Path) -> Result<Kept, StoreError> {
    let mut conn = connect(path)?;
    let mut tx = conn.transaction().map_err(sqlite_error)?;
    let has_tokens: i64 = tx
        .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tokens'", [], |r| r.get(0))
        .map_err(sqlite_error)?;
    if has_tokens == 0 {
        return Ok(Kept::default());
    }
    let registry_version = Tx::registry_version(&mut tx)?;
    let mut statement =
        tx.prepare("SELECT id, revoked_at FROM tokens WHERE revoked_at IS NOT NULL").map_err(sqlite_error)?;
    let revoked = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(sqlite_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sqlite_error)?;
    Ok(Kept { registry_version, revoked })
}

/// The file's (device, inode): changes when the file is replaced.
fn identity(path: &Path) -> Result<(u64, u64), StoreError> {
    let metadata =
        std::fs::metadata(path).map_err(|e| StoreError::Unavailable { reason: format!("{}: {e}", path.display()) })?;
    Ok((metadata.dev(), metadata.ino()))
}

/// Whether this process could open the file for writing now.
fn check_writable(path: &Path) -> Result<(), StoreError> {
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map(drop)
        .map_err(|e| StoreError::Unavailable { reason: format!("{} is read-only: {e}", path.display()) })
}

/// Switches the file to WAL. Several processes opening a new registry at once can be told
/// "locked" here without SQLite's busy handler waiting (the switch needs the file alone for
/// a moment), so this waits and tries again, up to the busy timeout.
fn wal_mode(conn: &Connection) -> Result<String, StoreError> {
    let started = std::time::Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0)) {
            Ok(mode) => return Ok(mode),
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if matches!(failure.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(error) => return Err(sqlite_error(error)),
        }
    }
}

/// Opens a connection with the registry's settings.
fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(sqlite_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite_error)?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(sqlite_error)?;
    conn.pragma_update(None, "foreign_keys", true).map_err(sqlite_error)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sqlite_error)?;
    tx.execute(SQLITE_VERSION_TABLE, []).map_err(sqlite_error)?;
    let found: u32 =
        tx.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0)).map_err(sqlite_error)?;
    for version in schema::plan(found)? {
        let script = SQLITE_MIGRATIONS.get(version as usize).copied().unwrap_or_default();
        tx.execute_batch(script).map_err(sqlite_error)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
            params![version + 1, ts(Utc::now())],
        )
        .map_err(sqlite_error)?;
        tracing::info!(version = version + 1, "registry schema migrated");
    }
    tx.commit().map_err(sqlite_error)
}

/// Sorts SQLite's errors into "try again later" and the rest.
pub(crate) fn sqlite_error(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(failure, _) = &e {
        match failure.code {
            ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::ReadOnly
            | ErrorCode::CannotOpen
            | ErrorCode::SystemIoFailure
            | ErrorCode::DiskFull
            | ErrorCode::PermissionDenied => return StoreError::Unavailable { reason: e.to_string() },
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                return StoreError::Corrupt { reason: e.to_string() }
            }
            _ => {}
        }
    }
    StoreError::Database { reason: e.to_string() }
}

/// Fixed-width RFC 3339 in UTC, so that text order is time order.
fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_ts(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(format!("timestamp {text:?}: {e}")))
}

fn parse_json(text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text).map_err(|e| corrupt(format!("stored JSON: {e}")))
}

/// A value as SQLite stores it: JSON and moments as text (see [`ts`]), a list as a JSON array
/// for `json_each`.
impl ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let text = |value: Option<String>| ToSqlOutput::Owned(value.map_or(SqliteValue::Null, SqliteValue::Text));
        match self {
            SqlValue::Integer(value) => value.to_sql(),
            SqlValue::Real(value) => value.to_sql(),
            SqlValue::Text(value) => value.to_sql(),
            SqlValue::Json(value) => Ok(text(value.as_ref().map(Value::to_string))),
            SqlValue::Time(value) => Ok(text(value.map(ts))),
            SqlValue::TextList(texts) => Ok(text(Some(json(texts).to_string()))),
        }
    }
}

impl Columns for Row<'_> {
    fn text(&self, index: usize) -> Result<Option<String>, StoreError> {
        self.get(index).map_err(sqlite_error)
    }

    fn integer(&self, index: usize) -> Result<Option<i64>, StoreError> {
        self.get(index).map_err(sqlite_error)
    }

    fn real(&self, index: usize) -> Result<Option<f64>, StoreError> {
        self.get(index).map_err(sqlite_error)
    }

    fn json(&self, index: usize) -> Result<Option<Value>, StoreError> {
        self.text(index)?.as_deref().map(parse_json).transpose()
    }

    fn time(&self, index: usize) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.text(index)?.as_deref().map(parse_ts).transpose()
    }
}

impl SqlTx for Transaction<'_> {
    const DIALECT: Dialect = Dialect::Sqlite;

    fn run(&mut self, sql: &str, values: &[SqlValue]) -> Result<u64, StoreError> {
        let mut statement = self.prepare_cached(sql).map_err(sqlite_error)?;
        let changed = statement.execute(params_from_iter(values)).map_err(sqlite_error)?;
        Ok(u64::try_from(changed).unwrap_or(u64::MAX))
    }

    fn fetch(&mut self, sql: &str, values: &[SqlValue], each: EachRow<'_>) -> Result<(), StoreError> {
        let mut statement = self.prepare_cached(sql).map_err(sqlite_error)?;
        let mut rows = statement.query(params_from_iter(values)).map_err(sqlite_error)?;
        while let Some(row) = rows.next().map_err(sqlite_error)? {
            each(row)?;
        }
        Ok(())
    }
}
