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

use super::schema::{self, POSTGRES_MIGRATIONS, POSTGRES_VERSION_TABLE};
use super::{
    corrupt, json, page, signed, unsigned, ChangeQuery, RawChange, RawOffice, RawReport, RawToken, ReportResolution, Tx,
};
use super::{lock_within, Mutex, SEQ_FLOOR_KEY};
use crate::error::StoreError;
use crate::model::{Change, OfficeRecord};
use crate::reports::{NewReport, Report, ReportFilter, ReportStatus};
use crate::tokens::{StoredToken, TokenInfo};

/// The advisory lock every write transaction takes ("hue_regi" in ASCII).
const WRITE_LOCK: i64 = 0x6875_655f_7265_6769;
/// How long to wait for the server to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a connection may be silent before TCP keepalive probes start.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);
/// Session settings: give up waiting for another replica's write lock after a while (the
/// caller reports "unavailable, retry"), and never let an abandoned transaction hold it.
const SESSION_SETTINGS: &str = "SET lock_timeout = '5s'; SET idle_in_transaction_session_timeout = '60s'";

const OFFICE_COLUMNS: &str = "id, kind, name, address, lon, lat, position_precision, commune_code, \
     outside_commune_reason, opening_hours, phone, services, notes, source, valid_from, valid_to, version";
const CHANGE_COLUMNS: &str =
    "seq, office_id, office_version, action, token_id, token_name, at, reason, report_id, fields, before, after";
const REPORT_COLUMNS: &str = "id, office_id, commune_code, kind, message, proposed_lon, proposed_lat, status, \
     created_at, resolved_at, resolved_by_token_id, resolved_by_name, resolution_reason";
const TOKEN_COLUMNS: &str = "id, name, role, communes, hash, created_at, revoked_at";

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

fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, index: usize) -> Result<T, StoreError> {
    row.try_get(index).map_err(|e| corrupt(format!("column {index}: {e}")))
}

fn office_from_row(row: &Row) -> Result<OfficeRecord, StoreError> {
    RawOffice {
        id: get(row, 0)?,
        kind: get(row, 1)?,
        name: get(row, 2)?,
        address: get(row, 3)?,
        lon: get(row, 4)?,
        lat: get(row, 5)?,
        position_precision: get(row, 6)?,
        commune_code: get(row, 7)?,
        outside_commune_reason: get(row, 8)?,
        opening_hours: get(row, 9)?,
        phone: get(row, 10)?,
        services: get(row, 11)?,
        notes: get(row, 12)?,
        source: get(row, 13)?,
        valid_from: get(row, 14)?,
        valid_to: get(row, 15)?,
        version: get(row, 16)?,
    }
    .into_record()
}

fn change_from_row(row: &Row) -> Result<Change, StoreError> {
    RawChange {
        seq: get(row, 0)?,
        office_id: get(row, 1)?,
        office_version: get(row, 2)?,
        action: get(row, 3)?,
        token_id: get(row, 4)?,
        token_name: get(row, 5)?,
        at: get(row, 6)?,
        reason: get(row, 7)?,
        report_id: get(row, 8)?,
        fields: get(row, 9)?,
        before: get(row, 10)?,
        after: get(row, 11)?,
    }
    .into_change()
}

fn report_from_row(row: &Row) -> Result<Report, StoreError> {
    RawReport {
        id: get(row, 0)?,
        office_id: get(row, 1)?,
        commune_code: get(row, 2)?,
        kind: get(row, 3)?,
        message: get(row, 4)?,
        proposed_lon: get(row, 5)?,
        proposed_lat: get(row, 6)?,
        status: get(row, 7)?,
        created_at: get(row, 8)?,
        resolved_at: get(row, 9)?,
        resolved_by_token_id: get(row, 10)?,
        resolved_by_name: get(row, 11)?,
        resolution_reason: get(row, 12)?,
    }
    .into_report()
}

fn token_from_row(row: &Row) -> Result<StoredToken, StoreError> {
    RawToken {
        id: get(row, 0)?,
        name: get(row, 1)?,
        role: get(row, 2)?,
        communes: get(row, 3)?,
        hash: get(row, 4)?,
        created_at: get(row, 5)?,
        revoked_at: get(row, 6)?,
    }
    .into_token()
}

/// Runs a query and decodes every row.
fn collect<T>(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    decode: fn(&Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    tx.query(sql, params).map_err(pg_error)?.iter().map(decode).collect()
}

/// The values of an office row, in `OFFICE_COLUMNS` order.
struct OfficeValues {
    services: Value,
    version: i64,
}

impl OfficeValues {
    fn of(o: &OfficeRecord) -> Result<OfficeValues, StoreError> {
        Ok(OfficeValues { services: json(&o.services), version: signed(o.version)? })
    }
}

impl Tx for Transaction<'_> {
    fn registry_version(&mut self) -> Result<u64, StoreError> {
        let row = self
            .query_one(
                "SELECT GREATEST(COALESCE((SELECT MAX(seq) FROM changes), 0), \
                 COALESCE((SELECT value::BIGINT FROM registry_meta WHERE key = $1), 0))::BIGINT",
                &[&SEQ_FLOOR_KEY],
            )
            .map_err(pg_error)?;
        unsigned(get(&row, 0)?)
    }

    fn open_seat(&mut self, commune: &str, except: &str) -> Result<Option<String>, StoreError> {
        let row = self
            .query_opt(
                "SELECT id FROM offices WHERE commune_code = $1 AND kind = 'commune_seat' AND valid_to IS NULL AND id <> $2 LIMIT 1",
                &[&commune, &except],
            )
            .map_err(pg_error)?;
        row.map(|row| get(&row, 0)).transpose()
    }

    fn office(&mut self, id: &str) -> Result<Option<OfficeRecord>, StoreError> {
        let sql = format!("SELECT {OFFICE_COLUMNS} FROM offices WHERE id = $1");
        Ok(collect(self, &sql, &[&id], office_from_row)?.pop())
    }

    fn current_offices(&mut self) -> Result<Vec<OfficeRecord>, StoreError> {
        let sql = format!("SELECT {OFFICE_COLUMNS} FROM offices WHERE valid_to IS NULL ORDER BY id COLLATE \"C\"");
        collect(self, &sql, &[], office_from_row)
    }

    fn insert_office(&mut self, o: &OfficeRecord) -> Result<(), StoreError> {
        let v = OfficeValues::of(o)?;
        let sql = format!(
            "INSERT INTO offices ({OFFICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        );
        self.execute(
            &sql,
            &[
                &o.id,
                &o.kind.as_str(),
                &o.name,
                &o.address,
                &o.lon,
                &o.lat,
                &o.position_precision.as_str(),
                &o.commune_code,
                &o.outside_commune_reason,
                &o.opening_hours,
                &o.phone,
                &v.services,
                &o.notes,
                &o.source,
                &o.valid_from,
                &o.valid_to,
                &v.version,
            ],
        )
        .map_err(pg_error)?;
        Ok(())
    }

    fn replace_office(&mut self, o: &OfficeRecord, expected_version: u64) -> Result<bool, StoreError> {
        let v = OfficeValues::of(o)?;
        let expected = signed(expected_version)?;
        let n = self
            .execute(
                "UPDATE offices SET kind = $2, name = $3, address = $4, lon = $5, lat = $6, position_precision = $7, \
                 commune_code = $8, outside_commune_reason = $9, opening_hours = $10, phone = $11, services = $12, \
                 notes = $13, source = $14, valid_from = $15, valid_to = $16, version = $17 \
                 WHERE id = $1 AND version = $18",
                &[
                    &o.id,
                    &o.kind.as_str(),
                    &o.name,
                    &o.address,
                    &o.lon,
                    &o.lat,
                    &o.position_precision.as_str(),
                    &o.commune_code,
                    &o.outside_commune_reason,
                    &o.opening_hours,
                    &o.phone,
                    &v.services,
                    &o.notes,
                    &o.source,
                    &o.valid_from,
                    &o.valid_to,
                    &v.version,
                    &expected,
                ],
            )
            .map_err(pg_error)?;
        Ok(n == 1)
    }

    fn insert_change(&mut self, c: &Change) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO changes ({CHANGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        let report_id = c.report_id.map(signed).transpose()?;
        let before = c.before.as_ref().map(json);
        self.execute(
            &sql,
            &[
                &signed(c.seq)?,
                &c.office_id,
                &signed(c.office_version)?,
                &c.action.as_str(),
                &c.actor.token_id,
                &c.actor.name,
                &c.at,
                &c.reason,
                &report_id,
                &json(&c.fields),
                &before,
                &json(&c.after),
            ],
        )
        .map_err(pg_error)?;
        Ok(())
    }

    fn changes(&mut self, q: &ChangeQuery<'_>) -> Result<Vec<Change>, StoreError> {
        let mut conditions = Vec::new();
        let mut values: Vec<Box<dyn ToSql + Sync>> = Vec::new();
        if let Some(id) = q.office_id {
            values.push(Box::new(id.to_string()));
            conditions.push(format!("office_id = ${}", values.len()));
        }
        if let Some(token) = q.token_id {
            values.push(Box::new(token.to_string()));
            conditions.push(format!("token_id = ${}", values.len()));
        }
        if let Some(seq) = q.after_seq {
            values.push(Box::new(signed(seq)?));
            conditions.push(format!("seq > ${}", values.len()));
        }
        if let Some(from) = q.from {
            values.push(Box::new(from));
            conditions.push(format!("at >= ${}", values.len()));
        }
        if let Some(to) = q.to {
            values.push(Box::new(to));
            conditions.push(format!("at < ${}", values.len()));
        }
        let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        let order = if q.newest_first { "DESC" } else { "ASC" };
        let limit = q.limit.map(|_| format!("LIMIT {}", page(q.limit, 100))).unwrap_or_default();
        let sql = format!("SELECT {CHANGE_COLUMNS} FROM changes {filter} ORDER BY seq {order} {limit}");
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
        collect(self, &sql, &refs, change_from_row)
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        let rows = self.query("SELECT value FROM registry_meta WHERE key = $1", &[&key]).map_err(pg_error)?;
        rows.first().map(|r| get(r, 0)).transpose()
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO registry_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )
        .map_err(pg_error)?;
        Ok(())
    }

    fn insert_token(&mut self, t: &StoredToken) -> Result<(), StoreError> {
        let sql = format!("INSERT INTO tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        self.execute(
            &sql,
            &[
                &t.info.id,
                &t.info.name,
                &t.info.role.as_str(),
                &json(&t.info.communes),
                &t.hash,
                &t.info.created_at,
                &t.info.revoked_at,
            ],
        )
        .map_err(pg_error)?;
        Ok(())
    }

    fn token(&mut self, id: &str) -> Result<Option<StoredToken>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE id = $1");
        Ok(collect(self, &sql, &[&id], token_from_row)?.pop())
    }

    fn tokens(&mut self) -> Result<Vec<TokenInfo>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY created_at, id");
        Ok(collect(self, &sql, &[], token_from_row)?.into_iter().map(|t| t.info).collect())
    }

    fn revoke_token(&mut self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.execute("UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", &[&id, &at])
            .map_err(pg_error)?;
        Ok(())
    }

    fn idempotent(
        &mut self,
        token_id: &str,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<(String, Value)>, StoreError> {
        let row = self
            .query_opt(
                "SELECT fingerprint, response FROM idempotency WHERE token_id = $1 AND key = $2 AND created_at >= $3",
                &[&token_id, &key, &since],
            )
            .map_err(pg_error)?;
        row.map(|row| Ok((get(&row, 0)?, get(&row, 1)?))).transpose()
    }

    fn remember_idempotent(
        &mut self,
        token_id: &str,
        key: &str,
        fingerprint: &str,
        at: DateTime<Utc>,
        answer: &Value,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO idempotency (token_id, key, fingerprint, created_at, response) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (token_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, \
             created_at = excluded.created_at, response = excluded.response",
            &[&token_id, &key, &fingerprint, &at, answer],
        )
        .map_err(pg_error)?;
        Ok(())
    }

    fn forget_idempotent_before(&mut self, before: DateTime<Utc>) -> Result<(), StoreError> {
        self.execute("DELETE FROM idempotency WHERE created_at < $1", &[&before]).map_err(pg_error)?;
        Ok(())
    }

    fn rehash_token(&mut self, id: &str, old: &str, new: &str) -> Result<(), StoreError> {
        self.execute("UPDATE tokens SET hash = $3 WHERE id = $1 AND hash = $2", &[&id, &old, &new])
            .map_err(pg_error)?;
        Ok(())
    }

    fn insert_report(&mut self, r: &NewReport, commune_code: &str, at: DateTime<Utc>) -> Result<u64, StoreError> {
        let row = self
            .query_one(
                "INSERT INTO reports (office_id, commune_code, kind, message, proposed_lon, proposed_lat, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    &r.office_id,
                    &commune_code,
                    &r.kind.as_str(),
                    &r.message.trim(),
                    &r.proposed_position.map(|p| p.0),
                    &r.proposed_position.map(|p| p.1),
                    &ReportStatus::Open.as_str(),
                    &at,
                ],
            )
            .map_err(pg_error)?;
        unsigned(get(&row, 0)?)
    }

    fn report(&mut self, id: u64) -> Result<Option<Report>, StoreError> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE id = $1");
        let id = signed(id)?;
        Ok(collect(self, &sql, &[&id], report_from_row)?.pop())
    }

    fn reports(&mut self, filter: ReportFilter, communes: Option<&[String]>) -> Result<Vec<Report>, StoreError> {
        let mut conditions = Vec::new();
        let mut values: Vec<Box<dyn ToSql + Sync>> = Vec::new();
        if let ReportFilter::Status(status) = filter {
            values.push(Box::new(status.as_str()));
            conditions.push(format!("status = ${}", values.len()));
        }
        if let Some(communes) = communes {
            values.push(Box::new(communes.to_vec()));
            conditions.push(format!("commune_code = ANY(${})", values.len()));
        }
        let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports {filter} ORDER BY id");
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
        collect(self, &sql, &refs, report_from_row)
    }

    fn resolve_report(&mut self, id: u64, r: &ReportResolution<'_>) -> Result<(), StoreError> {
        self.execute(
            "UPDATE reports SET status = $2, resolved_at = $3, resolved_by_token_id = $4, resolved_by_name = $5, \
             resolution_reason = $6 WHERE id = $1",
            &[&signed(id)?, &r.status.as_str(), &r.at, &r.by.token_id, &r.by.name, &r.reason],
        )
        .map_err(pg_error)?;
        Ok(())
    }
}
