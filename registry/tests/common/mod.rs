//! Fixtures shared by the registry's suites: a registry on a throwaway SQLite file or
//! PostgreSQL cluster, seeded with the real dataset's 40 seats, and the dataset's own
//! point-in-polygon as the `locate` function.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use data_boundaries::Dataset;
use registry::{Actor, Reason, Registry, Role, StoreUrl};
use testkit::PgCluster;

/// The Huế dataset, loaded once per test binary.
pub fn dataset() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| Dataset::load(&testkit::reference_data_dir()).expect("the reference dataset loads"))
}

/// Point-in-polygon against the dataset, as the server passes it.
pub fn locate(lon: f64, lat: f64) -> Option<String> {
    let data = dataset();
    data.locate(lon, lat).commune.map(|i| data.communes[i].code.clone())
}

pub fn reason(text: &str) -> Reason {
    Reason::parse(text).expect("a valid reason")
}

/// Which database a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A seeded registry on a database of its own, removed when dropped.
pub struct Store {
    pub registry: Registry,
    pub url: StoreUrl,
    pub kind: Kind,
    // Dropped after the registry (fields drop in order).
    pub pg: Option<PgCluster>,
    pub dir: tempfile::TempDir,
}

impl Store {
    pub fn sqlite() -> Store {
        let dir = tempfile::tempdir().expect("a temp dir");
        let url = StoreUrl::Sqlite(dir.path().join("registry.db"));
        let registry = Registry::open(&url, &dataset().offices).expect("the registry opens");
        Store { registry, url, kind: Kind::Sqlite, pg: None, dir }
    }

    /// Fails (never skips) when PostgreSQL is not installed: the message says how to install it.
    pub fn postgres() -> Store {
        let pg = PgCluster::start().unwrap_or_else(|e| panic!("{e}"));
        let url = StoreUrl::parse(&pg.create_database("registry").unwrap_or_else(|e| panic!("{e}"))).unwrap();
        let registry = Registry::open(&url, &dataset().offices).expect("the registry opens");
        Store { registry, url, kind: Kind::Postgres, pg: Some(pg), dir: tempfile::tempdir().expect("a temp dir") }
    }

    pub fn new(kind: Kind) -> Store {
        match kind {
            Kind::Sqlite => Store::sqlite(),
            Kind::Postgres => Store::postgres(),
        }
    }

    /// Another registry on the same database: a second replica, or the command line.
    pub fn another(&self) -> Registry {
        Registry::open(&self.url, &dataset().offices).expect("a second registry opens")
    }

    /// The address of a new, empty database beside this store's.
    pub fn fresh_url(&self, name: &str) -> StoreUrl {
        match &self.pg {
            Some(pg) => StoreUrl::parse(&pg.create_database(name).unwrap_or_else(|e| panic!("{e}"))).unwrap(),
            None => StoreUrl::Sqlite(self.dir.path().join(format!("{name}.db"))),
        }
    }

    /// Opens the same database again, returning the error rather than panicking.
    pub fn reopen(&self) -> Result<Registry, registry::StoreError> {
        Registry::open(&self.url, &dataset().offices)
    }

    pub fn sqlite_path(&self) -> PathBuf {
        match &self.url {
            StoreUrl::Sqlite(path) => path.clone(),
            StoreUrl::Postgres(_) => panic!("not an SQLite store"),
        }
    }

    /// Runs SQL directly against the database, bypassing the registry.
    pub fn execute_raw(&self, sql: &str) {
        self.try_execute_raw(sql).unwrap();
    }

    /// Runs SQL behind the registry's back; the database's error as text.
    pub fn try_execute_raw(&self, sql: &str) -> Result<(), String> {
        match &self.url {
            StoreUrl::Sqlite(path) => {
                rusqlite::Connection::open(path).unwrap().execute_batch(sql).map_err(|e| e.to_string())
            }
            StoreUrl::Postgres(url) => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
                client.batch_execute(sql).map_err(|e| format!("{e:?}"))
            }
        }
    }

    /// The stored (id, hash) of every token, read directly.
    pub fn raw_token_hashes(&self) -> Vec<(String, String)> {
        match &self.url {
            StoreUrl::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                let mut statement = conn.prepare("SELECT id, hash FROM tokens").unwrap();
                statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
            }
            StoreUrl::Postgres(url) => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
                client.query("SELECT id, hash FROM tokens", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect()
            }
        }
    }

    /// An authenticated actor with a fresh token.
    pub fn actor(&self, role: Role, communes: &[&str], name: &str) -> Actor {
        let (_, secret) =
            self.registry.create_token(role, communes.iter().map(|c| c.to_string()).collect(), name).unwrap();
        self.registry.authenticate(secret.expose()).unwrap().expect("a fresh token authenticates")
    }
}

/// A point inside commune `code`, near its seat but not on it.
pub fn point_in(code: &str) -> (f64, f64) {
    let seat = dataset().offices.iter().find(|o| o.commune_code == code).expect("the commune has a seat");
    for step in 1..50 {
        let d = f64::from(step) * 0.0005;
        for (dx, dy) in [(d, 0.0), (0.0, d), (-d, 0.0), (0.0, -d)] {
            let (lon, lat) = (seat.lon + dx, seat.lat + dy);
            if locate(lon, lat).as_deref() == Some(code) {
                return (lon, lat);
            }
        }
    }
    panic!("no point found in {code}")
}
