//! The office registry: the place where Huế's public-service offices are KEPT, not just
//! loaded. City staff with tokens correct positions, addresses and hours; every change is
//! one version with who, when and why; residents send anonymous reports; other programs
//! follow a change feed. The dataset's `offices.csv` only seeds it, once.
//!
//! No HTTP lives here: the server wraps this library, and the command line uses it directly.
//! It stores in SQLite (`sqlite:PATH`, the embedded default) or PostgreSQL
//! (`postgres://USER@HOST:PORT/DB`, for several replicas sharing one registry), with the same
//! behaviour on both.
//!
//! ```
//! use registry::{validate, Actor, OfficeDraft, Reason, Registry, StoreUrl};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let url = StoreUrl::parse(&format!("sqlite:{}", dir.path().join("registry.db").display())).unwrap();
//! let registry = Registry::open(&url, &[]).unwrap();
//!
//! // The server passes its point-in-polygon index; here every point is in commune 19753.
//! let locate = |_lon: f64, _lat: f64| Some("19753".to_string());
//! let draft = OfficeDraft {
//!     id: Some("po-phu-xuan".into()),
//!     kind: Some("post_office".into()),
//!     name: Some("Bưu cục Phú Xuân".into()),
//!     address: Some("1 Lê Lợi".into()),
//!     lon: Some(107.5794), lat: Some(16.4668),
//!     position_precision: Some("geocoded".into()),
//!     ..Default::default()
//! };
//! let office = validate(&draft, &locate).unwrap();
//! let admin = Actor::system("doc example");
//! let change = registry.create(&admin, &office, &Reason::parse("new post office").unwrap()).unwrap();
//! assert_eq!((change.seq, change.after.version), (1, 1));
//! assert_eq!(registry.current_offices().unwrap().offices.len(), 1);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod error;
mod field_error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod gate;
pub mod hours;
pub mod idempotency;
pub mod import;
pub mod json_keys;
pub mod model;
mod registry;
pub mod reports;
mod store;
pub mod tokens;
pub mod url;
pub mod validate;

pub use error::{FieldError, StoreError, UrlError, WriteError};
pub use idempotency::{IdempotencyKey, Once};
pub use import::{parse_csv, parse_geojson, ImportMode, ImportOutcome, ImportReport, ImportRow, Outcome};
pub use model::{
    Actor, ActorRef, AuditFilter, Change, ChangeAction, CurrentOffices, Feed, FieldChange, OfficeRecord, Role,
    SYSTEM_TOKEN_ID,
};
pub use registry::{Registry, ResolvedReport, SEED_ACTOR_NAME, SEED_REASON};
pub use reports::{NewReport, Report, ReportFilter, ReportKind, ReportStatus, Resolution};
pub use store::schema::SCHEMA_VERSION;
pub use store::RestoreReport;
pub use tokens::{id_of as token_id, TokenInfo, TokenSecret};
pub use url::StoreUrl;
pub use validate::{take_reason, validate, validate_json, Communes, OfficeDraft, Reason, ValidOffice};
