//! The PostgreSQL store, for several replicas sharing one registry.
//!
//! Driven by the synchronous `postgres` crate over one connection per registry, reconnected
//! on the next call after the server went away. That crate runs its own small tokio runtime
//! and would panic if called (or dropped) on a thread inside another runtime, which is where
//! an async server lives; so every call runs on a short-lived scoped thread of ours (tens of
//! microseconds beside a round trip), and the connection is dropped on one too. The registry
//! can then be called from anywhere: a plain thread, `spawn_blocking`, or a test.
//!
//! Writers take a transaction-scoped advisory lock first, so write transactions commit one
//! at a time across all replicas: change sequences are assigned and committed in order, and a
//! feed reader that has seen sequence N can never later find an N−1 it missed.

use std::time::Duration;

use chrono::{DateTime, Utc};
use postgres::types::ToSql;
use postgres::{Client, Config, IsolationLevel, NoTls, Row, Transaction};
use serde_json::Value;

use super::queries::{EachRow, SqlTx};
use super::schema::{self, POSTGRES_MIGRATIONS, POSTGRES_VERSION_TABLE};
use super::sql::{Columns, Dialect, SqlValue};
use super::{corrupt, lock_within, Mutex, Tx};
use crate::error::StoreError;

/// The advisory lock every write transaction takes ("hue_regi" in ASCII).
const WRITE_LOCK: i64 = 0x6875_655f_7265_6769;
/// How long to wait for the server to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a connection may be silent before TCP keepalive probes start.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);
/// Session settings: give up waiting for another replica's write lock after a while (the
/// caller reports "unavailable, retry"), and never let an abandoned transaction hold it.
const SESSION_SETTINGS: &str = "SET lock_timeout = '5s'; SET idle_in_transaction_session_timeout = '60s'";

/// A registry in a PostgreSQL database.
pub(crate) struct PgStore {
    config: Config,
    client: Mutex<Option<Client>>,
}

impl PgStore {
    /// Connects and migrates.
    pub(crate) fn open(url: &str) -> Result<PgStore, StoreError> {
        let mut config: Config =
            url.parse().map_err(|e: postgres::Error| crate::error::UrlError::Postgres { reason: e.to_string() })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        // Notice a server that vanished without closing the connection within a minute,
        // not the driver's default two hours (a shorter setting in the URL is kept).
        if config.get_keepalives_idle() > KEEPALIVE_IDLE {
            config.keepalives_idle(KEEPALIVE_IDLE);
        }
        let store = PgStore { config, client: Mutex::new(None) };
        store.with_client(migrate)?;
        Ok(store)
    }

    pub(crate) fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send,
        E: From<StoreError> + Send,
        F: FnOnce(&mut dyn Tx) -> Result<T, E> + Send,
    {
        self.with_client(|client| {
            let mut tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(pg_error)?;
            let value = f(&mut tx)?;
            tx.commit().map_err(pg_error)?;
            Ok(value)
        })
    }

    pub(crate) fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send,
        E: From<StoreError> + Send,
        F: FnOnce(&mut dyn Tx) -> Result<T, E> + Send,
    {
        self.with_client(|client| {
            let mut tx = client.transaction().map_err(pg_error)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]).map_err(pg_error)?;
            let value = f(&mut tx)?;
            tx.commit().map_err(pg_error)?;
            Ok(value)
        })
    }

    /// Runs `f` with a live connection, on a scoped thread (see the module's comment),
    /// connecting first if there is none or the last one was closed.
    fn with_client<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send,
        E: From<StoreError> + Send,
        F: FnOnce(&mut Client) -> Result<T, E> + Send,
    {
        let mut guard = lock_within(&self.client)?;
        let slot: &mut Option<Client> = &mut guard;
        let config = &self.config;
        std::thread::scope(|scope| {
            let worker = std::thread::Builder::new().name("registry-pg".into()).spawn_scoped(scope, move || {
                if slot.as_ref().is_none_or(Client::is_closed) {
                    *slot = None;
                    let mut client = config.connect(NoTls).map_err(pg_error)?;
                    client.batch_execute(SESSION_SETTINGS).map_err(pg_error)?;
                    *slot = Some(client);
                }
                let Some(client) = slot.as_mut() else {
                    return Err(StoreError::Database { reason: "no PostgreSQL connection".into() }.into());
                };
                let result = f(client);
                if result.is_err() && client.is_closed() {
                    *slot = None;
                }
                result
            });
            match worker {
                Ok(handle) => handle.join().unwrap_or_else(|_| {
                    Err(StoreError::Database { reason: "a PostgreSQL call panicked".into() }.into())
                }),
                Err(e) => Err(StoreError::Unavailable { reason: format!("cannot start a thread: {e}") }.into()),
            }
        })
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Closing runs the driver's runtime: do it off the caller's thread, which may be an
        // async runtime's.
        if let Some(client) = self.client.get_mut().take() {
            std::thread::scope(|scope| {
                let _ = std::thread::Builder::new().name("registry-pg-close".into()).spawn_scoped(scope, move || {
                    drop(client);
                });
            });
        }
    }
}

fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(pg_error)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]).map_err(pg_error)?;
    tx.batch_execute(POSTGRES_VERSION_TABLE).map_err(pg_error)?;
    let found: i32 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
        .map_err(pg_error)?
        .try_get(0)
        .map_err(pg_error)?;
    let found = u32::try_from(found).map_err(|_| corrupt(format!("schema version {found}")))?;
    for version in schema::plan(found)? {
        let script = POSTGRES_MIGRATIONS.get(version as usize).copied().unwrap_or_default();
        tx.batch_execute(script).map_err(pg_error)?;
        let number = i32::try_from(version + 1).unwrap_or(i32::MAX);
        tx.execute("INSERT INTO schema_version (version, applied_at) VALUES ($1, now())", &[&number])
            .map_err(pg_error)?;
        tracing::info!(version = version + 1, "registry schema migrated");
    }
    tx.commit().map_err(pg_error)
}

/// Sorts PostgreSQL's errors into "try again later" and the rest.
pub(crate) fn pg_error(e: postgres::Error) -> StoreError {
    let reason = e.to_string();
    if e.is_closed() {
        return StoreError::Unavailable { reason };
    }
    match e.as_db_error() {
        Some(db) => {
            let code = db.code().code();
            // 08: connection exception; 53: insufficient resources; 57P: shutting down or
            // starting; 25006: read-only (a standby); 55P03: lock timeout.
            let transient = code.starts_with("08")
                || code.starts_with("53")
                || code.starts_with("57P")
                || code == "25006"
                || code == "55P03";
            if transient {
                StoreError::Unavailable { reason: db.to_string() }
            } else {
                StoreError::Database { reason: db.to_string() }
            }
        }
        // No answer from the server: it could not be reached, or the connection broke.
        // (Decoding errors are reported separately, by `get`.)
        None => StoreError::Unavailable { reason },
    }
}

/// Column `index` of `row` as `T`: a value of another type (or a NULL where `T` is no `Option`)
/// is unreadable data.
fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, index: usize) -> Result<T, StoreError> {
    row.try_get(index).map_err(|e| corrupt(format!("column {index}: {e}")))
}

impl Columns for Row {
    fn text(&self, index: usize) -> Result<Option<String>, StoreError> {
        get(self, index)
    }

    fn integer(&self, index: usize) -> Result<Option<i64>, StoreError> {
        get(self, index)
    }

    fn real(&self, index: usize) -> Result<Option<f64>, StoreError> {
        get(self, index)
    }

    fn json(&self, index: usize) -> Result<Option<Value>, StoreError> {
        get(self, index)
    }

    fn time(&self, index: usize) -> Result<Option<DateTime<Utc>>, StoreError> {
        get(self, index)
    }
}

/// The values as the driver binds them: each a typed Rust value (a NULL too, see
/// [`SqlValue`]), which the driver checks against its parameter's type; JSON as `jsonb`, moments
/// as `timestamptz`, a list as a `text[]`.
fn bind(values: &[SqlValue]) -> Vec<&(dyn ToSql + Sync)> {
    values
        .iter()
        .map(|value| -> &(dyn ToSql + Sync) {
            match value {
                SqlValue::Integer(value) => value,
                SqlValue::Real(value) => value,
                SqlValue::Text(value) => value,
                SqlValue::Json(value) => value,
                SqlValue::Time(value) => value,
                SqlValue::TextList(texts) => texts,
            }
        })
        .collect()
}

impl SqlTx for Transaction<'_> {
    const DIALECT: Dialect = Dialect::Postgres;

    fn run(&mut self, sql: &str, values: &[SqlValue]) -> Result<u64, StoreError> {
        self.execute(sql, &bind(values)).map_err(pg_error)
    }

    fn fetch(&mut self, sql: &str, values: &[SqlValue], each: EachRow<'_>) -> Result<(), StoreError> {
        for row in self.query(sql, &bind(values)).map_err(pg_error)? {
            each(&row)?;
        }
        Ok(())
    }
}
