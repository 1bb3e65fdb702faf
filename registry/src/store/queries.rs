//! The registry's statements, written once: [`Tx`] for a transaction of any database that can
//! run SQL and hand back rows ([`SqlTx`]). A backend brings only that, its [`Dialect`] and its
//! connection handling, so the two stores run the same statements with the same values.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::records::{
    change_from_row, change_values, office_from_row, office_values, report_from_row, token_from_row, token_values,
    CHANGE_COLUMNS, OFFICE_COLUMNS, REPORT_COLUMNS, TOKEN_COLUMNS,
};
use super::sql::{assignments, insert, read, values, Columns, Dialect, Filter, SqlValue};
use super::{page, signed, unsigned, ChangeQuery, ReportResolution, Tx, SEQ_FLOOR_KEY};
use crate::error::StoreError;
use crate::model::{Change, OfficeRecord};
use crate::reports::{NewReport, Report, ReportFilter, ReportStatus};
use crate::tokens::{StoredToken, TokenInfo};

/// A transaction of one database, as the shared statements use it.
pub(crate) trait SqlTx {
    /// How the statements are written for this database.
    const DIALECT: Dialect;
    /// Runs a statement (placeholders already in the dialect); how many rows it changed.
    fn run(&mut self, sql: &str, values: &[SqlValue]) -> Result<u64, StoreError>;
    /// Runs a query (placeholders already in the dialect), handing each row to `each`.
    fn fetch(&mut self, sql: &str, values: &[SqlValue], each: EachRow<'_>) -> Result<(), StoreError>;
}

/// What a query hands each row to, while the row is borrowed from the database's cursor.
pub(crate) type EachRow<'a> = &'a mut dyn FnMut(&dyn Columns) -> Result<(), StoreError>;

/// Runs a statement written with `?N` placeholders; how many rows it changed.
fn execute<C: SqlTx>(tx: &mut C, sql: &str, values: &[SqlValue]) -> Result<u64, StoreError> {
    tx.run(&C::DIALECT.render(sql), values)
}

/// How a row becomes a value.
type Decode<T> = fn(&dyn Columns) -> Result<T, StoreError>;

/// Runs a query written with `?N` placeholders and decodes every row.
fn rows<C: SqlTx, T>(tx: &mut C, sql: &str, values: &[SqlValue], decode: Decode<T>) -> Result<Vec<T>, StoreError> {
    let mut decoded = Vec::new();
    tx.fetch(&C::DIALECT.render(sql), values, &mut |row| {
        decoded.push(decode(row)?);
        Ok(())
    })?;
    Ok(decoded)
}

/// The first row of a query, decoded.
fn first<C: SqlTx, T>(tx: &mut C, sql: &str, values: &[SqlValue], decode: Decode<T>) -> Result<Option<T>, StoreError> {
    Ok(rows(tx, sql, values, decode)?.into_iter().next())
}

impl<C: SqlTx> Tx for C {
    fn registry_version(&mut self) -> Result<u64, StoreError> {
        // The highest sequence committed or the floor a restore set, whichever is higher: the
        // larger of two as an aggregate over both, since SQLite spells it MAX(a, b) and
        // PostgreSQL GREATEST(a, b).
        let sql = "SELECT COALESCE(MAX(n), 0) FROM (SELECT MAX(seq) AS n FROM changes \
                   UNION ALL SELECT CAST(value AS BIGINT) FROM registry_meta WHERE key = ?1) AS known";
        let version: Option<i64> = first(self, sql, &values![SEQ_FLOOR_KEY], |row| read(row, 0))?;
        unsigned(version.unwrap_or(0))
    }

    fn office(&mut self, id: &str) -> Result<Option<OfficeRecord>, StoreError> {
        let sql = format!("SELECT {OFFICE_COLUMNS} FROM offices WHERE id = ?1");
        first(self, &sql, &values![id], office_from_row)
    }

    fn current_offices(&mut self) -> Result<Vec<OfficeRecord>, StoreError> {
        let order = C::DIALECT.in_byte_order("id");
        let sql = format!("SELECT {OFFICE_COLUMNS} FROM offices WHERE valid_to IS NULL ORDER BY {order}");
        rows(self, &sql, &[], office_from_row)
    }

    fn open_seat(&mut self, commune: &str, except: &str) -> Result<Option<String>, StoreError> {
        let sql = "SELECT id FROM offices \
                   WHERE commune_code = ?1 AND kind = 'commune_seat' AND valid_to IS NULL AND id <> ?2 LIMIT 1";
        first(self, sql, &values![commune, except], |row| read(row, 0))
    }

    fn insert_office(&mut self, office: &OfficeRecord) -> Result<(), StoreError> {
        let sql = insert("offices", OFFICE_COLUMNS);
        execute(self, &sql, &office_values(office)?)?;
        Ok(())
    }

    fn replace_office(&mut self, office: &OfficeRecord, expected_version: u64) -> Result<bool, StoreError> {
        let mut values = office_values(office)?;
        values.push(signed(expected_version)?.into());
        let (assigned, expected) = (assignments(OFFICE_COLUMNS), values.len());
        let sql = format!("UPDATE offices SET {assigned} WHERE id = ?1 AND version = ?{expected}");
        Ok(execute(self, &sql, &values)? == 1)
    }

    fn insert_change(&mut self, change: &Change) -> Result<(), StoreError> {
        let sql = insert("changes", CHANGE_COLUMNS);
        execute(self, &sql, &change_values(change)?)?;
        Ok(())
    }

    fn changes(&mut self, q: &ChangeQuery<'_>) -> Result<Vec<Change>, StoreError> {
        let mut filter = Filter::default();
        if let Some(id) = q.office_id {
            filter.and(id, |p| format!("office_id = {p}"));
        }
        if let Some(token) = q.token_id {
            filter.and(token, |p| format!("token_id = {p}"));
        }
        if let Some(seq) = q.after_seq {
            filter.and(signed(seq)?, |p| format!("seq > {p}"));
        }
        if let Some(from) = q.from {
            filter.and(from, |p| format!("at >= {p}"));
        }
        if let Some(to) = q.to {
            filter.and(to, |p| format!("at < {p}"));
        }
        let order = if q.newest_first { "DESC" } else { "ASC" };
        let limit = q.limit.map(|_| format!("LIMIT {}", page(q.limit, 100))).unwrap_or_default();
        let sql = format!("SELECT {CHANGE_COLUMNS} FROM changes {} ORDER BY seq {order} {limit}", filter.clause());
        rows(self, &sql, filter.values(), change_from_row)
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        first(self, "SELECT value FROM registry_meta WHERE key = ?1", &values![key], |row| read(row, 0))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        let sql = "INSERT INTO registry_meta (key, value) VALUES (?1, ?2) \
                   ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        execute(self, sql, &values![key, value])?;
        Ok(())
    }

    fn insert_token(&mut self, token: &StoredToken) -> Result<(), StoreError> {
        let sql = insert("tokens", TOKEN_COLUMNS);
        execute(self, &sql, &token_values(token))?;
        Ok(())
    }

    fn token(&mut self, id: &str) -> Result<Option<StoredToken>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE id = ?1");
        first(self, &sql, &values![id], token_from_row)
    }

    fn tokens(&mut self) -> Result<Vec<TokenInfo>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY created_at, id");
        Ok(rows(self, &sql, &[], token_from_row)?.into_iter().map(|t| t.info).collect())
    }

    fn revoke_token(&mut self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        execute(self, "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", &values![id, at])?;
        Ok(())
    }

    fn rehash_token(&mut self, id: &str, old: &str, new: &str) -> Result<(), StoreError> {
        execute(self, "UPDATE tokens SET hash = ?3 WHERE id = ?1 AND hash = ?2", &values![id, old, new])?;
        Ok(())
    }

    fn idempotent(
        &mut self,
        token_id: &str,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<(String, Value)>, StoreError> {
        let sql = "SELECT fingerprint, response FROM idempotency WHERE token_id = ?1 AND key = ?2 AND created_at >= ?3";
        first(self, sql, &values![token_id, key, since], |row| Ok((read(row, 0)?, read(row, 1)?)))
    }

    fn remember_idempotent(
        &mut self,
        token_id: &str,
        key: &str,
        fingerprint: &str,
        at: DateTime<Utc>,
        answer: &Value,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO idempotency (token_id, key, fingerprint, created_at, response) \
                   VALUES (?1, ?2, ?3, ?4, ?5) \
                   ON CONFLICT (token_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, \
                   created_at = excluded.created_at, response = excluded.response";
        execute(self, sql, &values![token_id, key, fingerprint, at, answer.clone()])?;
        Ok(())
    }

    fn forget_idempotent_before(&mut self, before: DateTime<Utc>) -> Result<(), StoreError> {
        execute(self, "DELETE FROM idempotency WHERE created_at < ?1", &values![before])?;
        Ok(())
    }

    fn insert_report(&mut self, r: &NewReport, commune_code: &str, at: DateTime<Utc>) -> Result<u64, StoreError> {
        let sql = "INSERT INTO reports \
                   (office_id, commune_code, kind, message, proposed_lon, proposed_lat, status, created_at) \
                   VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id";
        // RETURNING: PostgreSQL's own, and SQLite's since 3.35 (the bundled one is newer).
        let values = values![
            r.office_id.as_str(),
            commune_code,
            r.kind.as_str(),
            r.message.trim(),
            r.proposed_position.map(|p| p.0),
            r.proposed_position.map(|p| p.1),
            ReportStatus::Open.as_str(),
            at,
        ];
        let id: Option<i64> = first(self, sql, &values, |row| read(row, 0))?;
        unsigned(id.ok_or_else(|| StoreError::Database { reason: "a new report got no id".into() })?)
    }

    fn report(&mut self, id: u64) -> Result<Option<Report>, StoreError> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE id = ?1");
        first(self, &sql, &values![signed(id)?], report_from_row)
    }

    fn reports(&mut self, filter: ReportFilter, communes: Option<&[String]>) -> Result<Vec<Report>, StoreError> {
        let mut conditions = Filter::default();
        if let ReportFilter::Status(status) = filter {
            conditions.and(status.as_str(), |p| format!("status = {p}"));
        }
        if let Some(communes) = communes {
            conditions.and(communes.to_vec(), |p| C::DIALECT.one_of("commune_code", p));
        }
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports {} ORDER BY id", conditions.clause());
        rows(self, &sql, conditions.values(), report_from_row)
    }

    fn resolve_report(&mut self, id: u64, r: &ReportResolution<'_>) -> Result<(), StoreError> {
        let sql = "UPDATE reports SET status = ?2, resolved_at = ?3, resolved_by_token_id = ?4, \
                   resolved_by_name = ?5, resolution_reason = ?6 WHERE id = ?1";
        let values =
            values![signed(id)?, r.status.as_str(), r.at, r.by.token_id.as_str(), r.by.name.as_str(), r.reason];
        execute(self, sql, &values)?;
        Ok(())
    }
}
