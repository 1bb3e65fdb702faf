//! The registry's errors, one enum per boundary: [`UrlError`] for a store address,
//! [`StoreError`] for opening and reading, [`WriteError`] for changes, and [`FieldError`]
//! for one invalid field of a submission.
//!
//! The variants are what a caller must tell apart: the server answers `Unavailable` with 503
//! and `Retry-After`, `VersionMismatch` with 412 and the current ETag, `Invalid` with 422
//! and every bad field at once, and `Closed` with 410 at the office's own URL (409 for a
//! report about it).

use crate::model::OfficeRecord;
use crate::reports::Report;

pub use crate::field_error::FieldError;

/// A store address that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Nothing was given.
    #[error("no registry address given: use sqlite:PATH or postgres://USER@HOST:PORT/DB")]
    Empty,
    /// Neither `sqlite:` nor `postgres://`.
    #[error("unsupported registry address {shown:?}: use sqlite:PATH or postgres://USER@HOST:PORT/DB")]
    UnknownScheme {
        /// The address's scheme, or its start.
        shown: String,
    },
    /// `sqlite:` with no file.
    #[error("the sqlite: address names no file: use sqlite:PATH")]
    MissingPath,
    /// `sqlite::memory:`: every change would be lost on exit.
    #[error("an in-memory SQLite registry would lose every change on exit: name a file")]
    InMemory,
    /// A `postgres://` address the driver cannot read.
    #[error("invalid PostgreSQL address: {reason}")]
    Postgres {
        /// The driver's message.
        reason: String,
    },
}

/// Opening, reading or maintaining the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The address is unusable.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// The database cannot be reached or written right now (server down, file read-only,
    /// locked by another writer too long). Retrying later may work; nothing was changed.
    #[error("the registry database is unavailable: {reason}")]
    Unavailable {
        /// What the database said.
        reason: String,
    },
    /// The database was migrated by a newer version of this program.
    #[error(
        "the registry database has schema version {found}, newer than the {supported} this program knows: upgrade the program (or restore a backup made by this version)"
    )]
    FutureSchema {
        /// The version recorded in the database.
        found: u32,
        /// The newest version this program can use.
        supported: u32,
    },
    /// Too many slow checks at once (legacy Argon2 token hashes): nothing was decided; the
    /// same request may be repeated in a moment. The store itself is fine.
    #[error("{what} are busy; try again in a moment")]
    Busy {
        /// What is busy.
        what: &'static str,
    },
    /// `restore` was asked to replace a registry that a server or command is using.
    #[error(
        "{path} is in use by a running server or command: stop them first (or pass --force and restart them after)"
    )]
    InUse {
        /// The registry.
        path: String,
    },
    /// A file given as a registry is not one.
    #[error("{path} is not an office registry: {reason}")]
    NotARegistry {
        /// The file.
        path: String,
        /// What was missing or wrong.
        reason: String,
    },
    /// Stored data could not be read back (edited by hand, or a bug).
    #[error("unreadable data in the registry: {reason}")]
    Corrupt {
        /// What could not be read.
        reason: String,
    },
    /// A row of the dataset's offices could not seed the registry.
    #[error("cannot seed the registry with office {id:?}: {reason}")]
    Seed {
        /// The office id in the seed.
        id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The operation does not exist for this kind of store.
    #[error("{reason}")]
    Unsupported {
        /// What to do instead.
        reason: String,
    },
    /// A file operation failed (backups).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// Any other database error.
    #[error("registry database error: {reason}")]
    Database {
        /// What the database said.
        reason: String,
    },
}

impl StoreError {
    /// True when retrying later may succeed (the server answers 503 with `Retry-After`).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }
}

/// A change was refused or could not be made. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The submission or the reason is invalid; every bad field is listed.
    #[error("invalid submission: {}", join(.0))]
    Invalid(Vec<FieldError>),
    /// The actor may not make this change.
    #[error("forbidden: {reason}")]
    Forbidden {
        /// Why, naming the commune.
        reason: String,
    },
    /// No such office, report or token.
    #[error("no {what} {id:?}")]
    NotFound {
        /// `office`, `report` or `token`.
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// An office with this id already exists.
    #[error("office {id:?} already exists")]
    AlreadyExists {
        /// The id.
        id: String,
    },
    /// The office changed since the version the caller named; here it is now.
    #[error("office {} is at version {}, not the version given", .current.id, .current.version)]
    VersionMismatch {
        /// The current record, for the caller to merge and retry.
        current: Box<OfficeRecord>,
    },
    /// The office is closed; a closed office keeps its history but cannot change.
    #[error("office {id:?} is closed")]
    Closed {
        /// The id.
        id: String,
    },
    /// The update would change nothing; no version was made.
    #[error("office {} already has these values (version {})", .current.id, .current.version)]
    NoChange {
        /// The current, unchanged record.
        current: Box<OfficeRecord>,
    },
    /// The report was already accepted or rejected.
    #[error("report {} is already {}", .report.id, .report.status.as_str())]
    AlreadyResolved {
        /// The report as it stands.
        report: Box<Report>,
    },
    /// The database cannot be written right now; retry later.
    #[error("the registry database is unavailable: {reason}")]
    Unavailable {
        /// What the database said.
        reason: String,
    },
    /// Any other store failure.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for WriteError {
    fn from(e: StoreError) -> WriteError {
        match e {
            StoreError::Unavailable { reason } => WriteError::Unavailable { reason },
            other => WriteError::Store(other),
        }
    }
}

impl From<FieldError> for WriteError {
    fn from(e: FieldError) -> WriteError {
        WriteError::Invalid(vec![e])
    }
}

fn join(errors: &[FieldError]) -> String {
    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
}
