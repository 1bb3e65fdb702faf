//! Where a registry lives: `sqlite:PATH` for the embedded default, `postgres://…` when
//! several replicas share one registry. Parsed once, up front, so a typo is reported at start
//! rather than at the first write.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::error::UrlError;

/// A parsed registry address.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// An SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL database, as a `postgres://` or `postgresql://` URL.
    Postgres(String),
}

impl StoreUrl {
    /// Reads `sqlite:PATH` (also `sqlite://PATH`; `sqlite:///abs` is `/abs`) or
    /// `postgres://USER@HOST:PORT/DB` (also `postgresql://`).
    ///
    /// ```
    /// use registry::StoreUrl;
    /// assert_eq!(StoreUrl::parse("sqlite:/var/lib/hue-map/registry.db").unwrap(),
    ///            StoreUrl::Sqlite("/var/lib/hue-map/registry.db".into()));
    /// assert!(StoreUrl::parse("postgres://hue@127.0.0.1:5432/registry").is_ok());
    /// assert!(StoreUrl::parse("mysql://x").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<StoreUrl, UrlError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(UrlError::Empty);
        }
        if let Some(rest) = text.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(UrlError::MissingPath);
            }
            if path == ":memory:" || path.starts_with("file::memory:") {
                return Err(UrlError::InMemory);
            }
            return Ok(StoreUrl::Sqlite(PathBuf::from(path)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            postgres::Config::from_str(text).map_err(|e| UrlError::Postgres { reason: e.to_string() })?;
            return Ok(StoreUrl::Postgres(text.to_string()));
        }
        let shown: String = text.split(':').next().unwrap_or(text).chars().take(20).collect();
        Err(UrlError::UnknownScheme { shown })
    }
}

impl FromStr for StoreUrl {
    type Err = UrlError;

    fn from_str(text: &str) -> Result<StoreUrl, UrlError> {
        StoreUrl::parse(text)
    }
}

/// Shows the address with any password replaced by `***`, so it can be logged.
impl fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreUrl::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

impl fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoreUrl({self})")
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`; query-string passwords too.
fn redact_password(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    let tail: String = match tail.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|p| if p.starts_with("password=") { "password=***".to_string() } else { p.to_string() })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_addresses() {
        assert_eq!(StoreUrl::parse("sqlite:reg.db").unwrap(), StoreUrl::Sqlite("reg.db".into()));
        assert_eq!(StoreUrl::parse("sqlite:///tmp/r.db").unwrap(), StoreUrl::Sqlite("/tmp/r.db".into()));
        assert_eq!(StoreUrl::parse("sqlite:"), Err(UrlError::MissingPath));
        assert_eq!(StoreUrl::parse("sqlite::memory:"), Err(UrlError::InMemory));
        assert_eq!(StoreUrl::parse("  "), Err(UrlError::Empty));
    }

    #[test]
    fn postgres_addresses() {
        assert!(StoreUrl::parse("postgresql://a@localhost/db").is_ok());
        assert!(matches!(StoreUrl::parse("postgres://a@h:notaport/db"), Err(UrlError::Postgres { .. })));
        assert!(matches!(StoreUrl::parse("redis://x"), Err(UrlError::UnknownScheme { shown }) if shown == "redis"));
    }

    #[test]
    fn passwords_are_not_shown() {
        let url = StoreUrl::parse("postgres://hue:s3cret@db:5432/reg?password=other&sslmode=disable").unwrap();
        let shown = url.to_string();
        assert!(!shown.contains("s3cret") && !shown.contains("other"), "{shown}");
        assert_eq!(shown, "postgres://hue:***@db:5432/reg?password=***&sslmode=disable");
    }
}
