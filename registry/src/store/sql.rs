//! What the shared statements are made of, the same for both databases: the values they bind
//! ([`SqlValue`]), the rows they read ([`Columns`]), the few places where the two dialects
//! differ ([`Dialect`]), and the lists and `WHERE` clauses written from column names.
//!
//! Statements are written once, with SQLite's numbered placeholders (`?1`); PostgreSQL's
//! (`$1`) are rendered from them, so a statement's text and its bind list cannot drift apart
//! between the stores.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::corrupt;
use crate::error::StoreError;

/// A value bound to a placeholder. A NULL keeps its type: PostgreSQL checks every bound value
/// against the type of its parameter, a NULL included.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SqlValue {
    Integer(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    /// JSON: `jsonb` in PostgreSQL, its text in SQLite.
    Json(Option<Value>),
    /// A moment: `timestamptz` in PostgreSQL, fixed-width RFC 3339 text in SQLite.
    Time(Option<DateTime<Utc>>),
    /// Texts to match a column against, with [`Dialect::one_of`].
    TextList(Vec<String>),
}

/// The Rust types a [`SqlValue`] is made from, present or NULL.
pub(crate) trait Bindable: Sized {
    /// The value, NULL when `None`.
    fn bind(value: Option<Self>) -> SqlValue;
}

impl Bindable for i64 {
    fn bind(value: Option<i64>) -> SqlValue {
        SqlValue::Integer(value)
    }
}

impl Bindable for f64 {
    fn bind(value: Option<f64>) -> SqlValue {
        SqlValue::Real(value)
    }
}

impl Bindable for String {
    fn bind(value: Option<String>) -> SqlValue {
        SqlValue::Text(value)
    }
}

impl Bindable for &str {
    fn bind(value: Option<&str>) -> SqlValue {
        SqlValue::Text(value.map(str::to_owned))
    }
}

impl Bindable for Value {
    fn bind(value: Option<Value>) -> SqlValue {
        SqlValue::Json(value)
    }
}

impl Bindable for DateTime<Utc> {
    fn bind(value: Option<DateTime<Utc>>) -> SqlValue {
        SqlValue::Time(value)
    }
}

impl<T: Bindable> From<T> for SqlValue {
    fn from(value: T) -> SqlValue {
        T::bind(Some(value))
    }
}

impl<T: Bindable> From<Option<T>> for SqlValue {
    fn from(value: Option<T>) -> SqlValue {
        T::bind(value)
    }
}

impl From<Vec<String>> for SqlValue {
    fn from(texts: Vec<String>) -> SqlValue {
        SqlValue::TextList(texts)
    }
}

/// A bind list from values of mixed types, each turned into a [`SqlValue`].
macro_rules! values {
    ($($value:expr),* $(,)?) => {
        [$($crate::store::sql::SqlValue::from($value)),*]
    };
}
pub(crate) use values;

/// One row of a result as the shared decoders read it: each column as one of the kinds the
/// registry stores, `None` for NULL. SQLite keeps JSON and moments as text and its rows parse
/// them, so a decoder never knows which database a row came from.
pub(crate) trait Columns {
    fn text(&self, index: usize) -> Result<Option<String>, StoreError>;
    fn integer(&self, index: usize) -> Result<Option<i64>, StoreError>;
    fn real(&self, index: usize) -> Result<Option<f64>, StoreError>;
    fn json(&self, index: usize) -> Result<Option<Value>, StoreError>;
    fn time(&self, index: usize) -> Result<Option<DateTime<Utc>>, StoreError>;
}

/// What a column can be read as: a kind of [`Columns`], nullable (`Option`) or not.
pub(crate) trait Column: Sized {
    fn read(row: &dyn Columns, index: usize) -> Result<Self, StoreError>;
}

macro_rules! column_kinds {
    ($($kind:ty => $method:ident),* $(,)?) => {$(
        impl Column for Option<$kind> {
            fn read(row: &dyn Columns, index: usize) -> Result<Self, StoreError> {
                row.$method(index)
            }
        }

        impl Column for $kind {
            fn read(row: &dyn Columns, index: usize) -> Result<Self, StoreError> {
                row.$method(index)?.ok_or_else(|| corrupt(format!("column {index} is NULL")))
            }
        }
    )*};
}

column_kinds!(String => text, i64 => integer, f64 => real, Value => json, DateTime<Utc> => time);

/// Column `index` of `row`, as the type asked for.
pub(crate) fn read<T: Column>(row: &dyn Columns, index: usize) -> Result<T, StoreError> {
    T::read(row, index)
}

/// The SQL a database speaks, where the two differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// `sql`, written with `?N` placeholders, as this database numbers them.
    pub(crate) fn render(self, sql: &str) -> Cow<'_, str> {
        match self {
            Dialect::Sqlite => Cow::Borrowed(sql),
            Dialect::Postgres => {
                let mut rendered = String::with_capacity(sql.len());
                let mut chars = sql.chars().peekable();
                while let Some(c) = chars.next() {
                    let placeholder = c == '?' && chars.peek().is_some_and(char::is_ascii_digit);
                    rendered.push(if placeholder { '$' } else { c });
                }
                Cow::Owned(rendered)
            }
        }
    }

    /// An `ORDER BY` term for `column` in the order of its bytes, whatever the database's
    /// locale: SQLite's default (BINARY) collation is that order, PostgreSQL's default follows
    /// the locale, which can differ between replicas' servers.
    pub(crate) fn in_byte_order(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => column.to_string(),
            Dialect::Postgres => format!("{column} COLLATE \"C\""),
        }
    }

    /// The condition that `column` is one of the texts bound at `placeholder` (a
    /// [`SqlValue::TextList`]). SQLite has no arrays: the list is bound as JSON text and
    /// unpacked with `json_each`.
    pub(crate) fn one_of(self, column: &str, placeholder: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{column} IN (SELECT value FROM json_each({placeholder}))"),
            Dialect::Postgres => format!("{column} = ANY({placeholder})"),
        }
    }
}

/// The names in a column list (`a, b, c`).
fn names(columns: &str) -> impl Iterator<Item = &str> {
    columns.split(',').map(str::trim)
}

/// `INSERT INTO table (a, b, c) VALUES (?1, ?2, ?3)`: a whole row, bound in `columns` order.
pub(crate) fn insert(table: &str, columns: &str) -> String {
    let placeholders: Vec<String> = (1..=count(columns)).map(|n| format!("?{n}")).collect();
    format!("INSERT INTO {table} ({columns}) VALUES ({})", placeholders.join(", "))
}

/// `b = ?2, c = ?3, …`: every column but the first (the key) set to its value in a whole row
/// bound in `columns` order.
pub(crate) fn assignments(columns: &str) -> String {
    let assigned: Vec<String> =
        names(columns).enumerate().skip(1).map(|(i, name)| format!("{name} = ?{}", i + 1)).collect();
    assigned.join(", ")
}

/// How many columns a column list names.
pub(crate) fn count(columns: &str) -> usize {
    names(columns).count()
}

/// A `WHERE` clause made of the conditions that apply, and the values they bind, numbered in
/// the order they were added.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    conditions: Vec<String>,
    values: Vec<SqlValue>,
}

impl Filter {
    /// Adds the condition `condition(placeholder)`, with `value` bound at the placeholder.
    pub(crate) fn and(&mut self, value: impl Into<SqlValue>, condition: impl FnOnce(&str) -> String) {
        self.values.push(value.into());
        let placeholder = format!("?{}", self.values.len());
        self.conditions.push(condition(&placeholder));
    }

    /// `WHERE …`, or nothing when no condition applies.
    pub(crate) fn clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// The values, in placeholder order.
    pub(crate) fn values(&self) -> &[SqlValue] {
        &self.values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_numbers_placeholders_with_dollars_and_sqlite_keeps_the_text() {
        let sql = "SELECT a FROM t WHERE b = ?1 AND c <> '?' AND d IN (?2, ?10)";
        assert_eq!(Dialect::Postgres.render(sql), "SELECT a FROM t WHERE b = $1 AND c <> '?' AND d IN ($2, $10)");
        assert!(matches!(Dialect::Sqlite.render(sql), Cow::Borrowed(s) if s == sql));
    }

    #[test]
    fn inserts_and_assignments_follow_the_column_order() {
        let columns = "id, name,\n version";
        assert_eq!(count(columns), 3);
        assert_eq!(insert("t", "id, name, version"), "INSERT INTO t (id, name, version) VALUES (?1, ?2, ?3)");
        assert_eq!(assignments(columns), "name = ?2, version = ?3");
    }

    #[test]
    fn a_filter_numbers_its_values_in_order_and_is_empty_without_conditions() {
        assert_eq!(Filter::default().clause(), "");
        let mut filter = Filter::default();
        filter.and("a", |p| format!("x = {p}"));
        filter.and(None::<i64>, |p| format!("y > {p}"));
        filter.and(vec!["b".to_string()], |p| Dialect::Postgres.one_of("z", p));
        assert_eq!(filter.clause(), "WHERE x = ?1 AND y > ?2 AND z = ANY(?3)");
        assert_eq!(
            filter.values(),
            [SqlValue::Text(Some("a".into())), SqlValue::Integer(None), SqlValue::TextList(vec!["b".into()])]
        );
    }
}
