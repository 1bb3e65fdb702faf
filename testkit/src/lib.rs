//! Test support shared by every suite in the workspace: where the shared test material and the
//! reference data live, a free loopback port, and a throwaway PostgreSQL cluster ([`PgCluster`]).
//!
//! It depends on none of the workspace's crates, so any suite can use it without pulling in
//! the code it tests. Nothing here skips a test quietly: a missing PostgreSQL is an error
//! that says how to install it, because CI installs it and a skipped test proves nothing.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod pg;

use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;

pub use pg::{PgCluster, PgError};

/// The workspace root (the folder holding the root `Cargo.toml`), as an absolute path.
pub fn workspace_root() -> PathBuf {
    // CARGO_MANIFEST_DIR is absolute and names this crate's folder, one level below the root.
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}

/// The shared test material beside the repository, `../shared`, as an absolute path: the
/// reference dataset (`data/hue`), the national one (`data/vietnam-2025`) and other projects'
/// fixtures (`external/`). It is read where it is, never copied into the repository.
///
/// The path is returned whether or not it exists, as for [`reference_data_dir`].
pub fn shared_dir() -> PathBuf {
    let path = workspace_root().join("../shared");
    path.canonicalize().unwrap_or(path)
}

/// The Huế reference dataset, `../shared/data/hue` beside the repository, as an absolute path.
///
/// The path is returned whether or not it exists; a suite that needs the files fails with the
/// loader's own message naming the path.
pub fn reference_data_dir() -> PathBuf {
    shared_dir().join("data/hue")
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
///
/// The port is found by binding port 0 and releasing it, so another process can take it
/// before the caller does; callers that start a server should retry on "address in use"
/// (as [`PgCluster::start`] does).
pub fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_data_is_beside_the_workspace() {
        let dir = reference_data_dir();
        assert!(dir.is_absolute());
        assert!(dir.join("offices.csv").is_file(), "{} has offices.csv", dir.display());
        assert!(dir.starts_with(shared_dir()));
    }

    #[test]
    fn a_free_port_can_be_bound() {
        let port = free_port().expect("a port");
        assert_ne!(port, 0);
        TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect("still free");
    }
}
