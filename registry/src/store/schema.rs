//! The registry's schema, as numbered migrations for each database. Migration N brings a
//! store from version N−1 to N and is recorded in `schema_version`; a store at a version
//! above [`SCHEMA_VERSION`] was written by a newer program and is refused rather than
//! guessed at.
//!
//! The two dialects differ only in types: SQLite keeps timestamps as fixed-width RFC 3339
//! text (so they sort as text) and JSON as text; PostgreSQL uses `timestamptz` and `jsonb`.

/// Version 2, for SQLite: see [`POSTGRES_V2`].
const SQLITE_V2: &str = r#"
CREATE UNIQUE INDEX offices_one_open_seat ON offices (commune_code)
    WHERE kind = 'commune_seat' AND valid_to IS NULL;
CREATE TABLE idempotency (
    token_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (token_id, key)
);
CREATE INDEX idempotency_created ON idempotency (created_at);
INSERT INTO registry_meta (key, value) VALUES ('epoch', lower(hex(randomblob(16))))
    ON CONFLICT (key) DO NOTHING;
"#;

/// Version 2: "one open seat per commune" in the database itself, as a last line behind the
/// write gate (`crate::gate`), so no path, present or future, can commit a second seat (a
/// store that already holds two, written before the gate existed, is refused with the
/// database's message naming the index: close one with the older program first); and the
/// writes done under an `Idempotency-Key`, with their answers; and the store's epoch (see
/// `store::EPOCH_KEY`).
const POSTGRES_V2: &str = r#"
CREATE UNIQUE INDEX offices_one_open_seat ON offices (commune_code)
    WHERE kind = 'commune_seat' AND valid_to IS NULL;
CREATE TABLE idempotency (
    token_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    response JSONB NOT NULL,
    PRIMARY KEY (token_id, key)
);
CREATE INDEX idempotency_created ON idempotency (created_at);
INSERT INTO registry_meta (key, value) VALUES ('epoch', replace(gen_random_uuid()::text, '-', ''))
    ON CONFLICT (key) DO NOTHING;
"#;

/// The newest schema version this program knows.
pub const SCHEMA_VERSION: u32 = 2;

/// SQLite's `schema_version` table (created before any migration).
pub(crate) const SQLITE_VERSION_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";

/// PostgreSQL's `schema_version` table.
pub(crate) const POSTGRES_VERSION_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)";

/// SQLite migrations; entry i makes version i + 1.
pub(crate) const SQLITE_MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [
    r#"
CREATE TABLE offices (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    position_precision TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    outside_commune_reason TEXT,
    opening_hours TEXT,
    phone TEXT,
    services TEXT NOT NULL,
    notes TEXT,
    source TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    version INTEGER NOT NULL CHECK (version >= 1)
);
CREATE INDEX offices_commune ON offices (commune_code);
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices (id),
    commune_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    proposed_lon REAL,
    proposed_lat REAL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by_token_id TEXT,
    resolved_by_name TEXT,
    resolution_reason TEXT
);
CREATE INDEX reports_status ON reports (status, commune_code);
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices (id),
    office_version INTEGER NOT NULL,
    action TEXT NOT NULL,
    token_id TEXT NOT NULL,
    token_name TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL,
    report_id INTEGER REFERENCES reports (id),
    fields TEXT NOT NULL,
    before TEXT,
    after TEXT NOT NULL,
    UNIQUE (office_id, office_version)
);
CREATE INDEX changes_token ON changes (token_id, seq);
CREATE INDEX changes_at ON changes (at);
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    communes TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"#,
    SQLITE_V2,
];

/// PostgreSQL migrations; entry i makes version i + 1.
pub(crate) const POSTGRES_MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [
    r#"
CREATE TABLE offices (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    position_precision TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    outside_commune_reason TEXT,
    opening_hours TEXT,
    phone TEXT,
    services JSONB NOT NULL,
    notes TEXT,
    source TEXT NOT NULL,
    valid_from TIMESTAMPTZ NOT NULL,
    valid_to TIMESTAMPTZ,
    version BIGINT NOT NULL CHECK (version >= 1)
);
CREATE INDEX offices_commune ON offices (commune_code);
CREATE TABLE reports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices (id),
    commune_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    proposed_lon DOUBLE PRECISION,
    proposed_lat DOUBLE PRECISION,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ,
    resolved_by_token_id TEXT,
    resolved_by_name TEXT,
    resolution_reason TEXT
);
CREATE INDEX reports_status ON reports (status, commune_code);
CREATE TABLE changes (
    seq BIGINT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices (id),
    office_version BIGINT NOT NULL,
    action TEXT NOT NULL,
    token_id TEXT NOT NULL,
    token_name TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    reason TEXT NOT NULL,
    report_id BIGINT REFERENCES reports (id),
    fields JSONB NOT NULL,
    before JSONB,
    after JSONB NOT NULL,
    UNIQUE (office_id, office_version)
);
CREATE INDEX changes_token ON changes (token_id, seq);
CREATE INDEX changes_at ON changes (at);
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    communes JSONB NOT NULL,
    hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE TABLE registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"#,
    POSTGRES_V2,
];

/// What to do with a store at `found` (0: empty).
pub(crate) fn plan(found: u32) -> Result<std::ops::Range<u32>, crate::error::StoreError> {
    if found > SCHEMA_VERSION {
        return Err(crate::error::StoreError::FutureSchema { found, supported: SCHEMA_VERSION });
    }
    Ok(found..SCHEMA_VERSION)
}
