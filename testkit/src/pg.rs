//! A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, a server on a
//! free loopback port with `trust` authentication, and everything removed on drop.
//!
//! Tests that need PostgreSQL run against a real server because the behaviours worth
//! testing (transactions, advisory locks, a server that goes away and comes back) are exactly
//! what a mock would get wrong. The binaries are Debian's (`/usr/lib/postgresql/N/bin`);
//! PostgreSQL refuses to run as root, so when the tests run as root (as CI does) the cluster
//! is owned by and run as the `postgres` user that the Debian package creates.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Where Debian installs the server binaries, one folder per major version.
const PG_ROOT: &str = "/usr/lib/postgresql";
/// The user a cluster runs as when the tests run as root.
const PG_USER: &str = "postgres";
/// How long a cluster may take to accept connections after `pg_ctl start`.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Attempts at finding a port nobody else took between [`crate::free_port`] and the bind.
const PORT_ATTEMPTS: usize = 5;

/// Why a cluster could not be created, started or stopped.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    /// The server binaries are missing: tests must fail, not skip, so this says how to fix it.
    #[error(
        "PostgreSQL is not installed: no {PG_ROOT}/*/bin/initdb found; install it with `apt-get install postgresql`"
    )]
    NotInstalled,
    /// Running as root, but there is no unprivileged `postgres` user to run the server as.
    #[error("running as root and there is no `{PG_USER}` user to run PostgreSQL as (`apt-get install postgresql` creates it)")]
    NoServiceUser,
    /// A PostgreSQL tool exited with an error.
    #[error("`{command}` failed ({status}): {output}")]
    Command {
        /// The command line, for the reader.
        command: String,
        /// Its exit status.
        status: String,
        /// What it printed (stdout and stderr), or the server log where that says more.
        output: String,
    },
    /// The server did not accept connections in time.
    #[error("PostgreSQL on port {port} was not ready after {seconds} s; server log:\n{log}")]
    NotReady {
        /// The port it was started on.
        port: u16,
        /// How long we waited.
        seconds: u64,
        /// The end of the server log.
        log: String,
    },
    /// A file-system or process error.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A running throwaway PostgreSQL cluster, listening on 127.0.0.1 only.
///
/// Dropping it stops the server (`pg_ctl stop -m immediate`) and deletes its folder.
#[derive(Debug)]
pub struct PgCluster {
    dir: TempDir,
    bin: PathBuf,
    port: u16,
    run_as: Option<&'static str>,
    running: bool,
}

impl PgCluster {
    /// Creates a cluster with `initdb` and starts it on a free port.
    ///
    /// Returns [`PgError::NotInstalled`] (whose message says `apt-get install postgresql`)
    /// when the binaries are missing.
    pub fn start() -> Result<PgCluster, PgError> {
        let bin = find_bin_dir(Path::new(PG_ROOT)).ok_or(PgError::NotInstalled)?;
        let run_as = if running_as_root()? { Some(PG_USER) } else { None };
        let dir = tempfile::Builder::new().prefix("testkit-pg-").tempdir()?;
        if let Some(user) = run_as {
            let status = Command::new("chown").arg(format!("{user}:")).arg(dir.path()).output()?;
            if !status.status.success() {
                return Err(PgError::NoServiceUser);
            }
        }
        let mut cluster = PgCluster { dir, bin, port: 0, run_as, running: false };
        let data = cluster.data_dir();
        cluster.run_tool(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "--auth=trust".as_ref(),
                "--username=postgres".as_ref(),
                "--encoding=UTF8".as_ref(),
                "--locale=C".as_ref(),
                // The folder is deleted afterwards: no need to wait for the disk.
                "--no-sync".as_ref(),
            ],
        )?;
        let mut last = None;
        for _ in 0..PORT_ATTEMPTS {
            cluster.port = crate::free_port()?;
            match cluster.start_again() {
                Ok(()) => return Ok(cluster),
                Err(e) if cluster.log_tail().contains("could not bind") => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or(PgError::NotInstalled))
    }

    /// The superuser's URL for the default database: `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        self.url_for("postgres")
    }

    /// The superuser's URL for database `name` of this cluster.
    pub fn url_for(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// The TCP port the cluster listens on (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// True between a successful start and [`PgCluster::stop`].
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Creates database `name` (letters, digits and `_`) and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String, PgError> {
        let port = self.port.to_string();
        self.run_tool(
            "createdb",
            &[
                "-h".as_ref(),
                "127.0.0.1".as_ref(),
                "-p".as_ref(),
                port.as_ref(),
                "-U".as_ref(),
                "postgres".as_ref(),
                name.as_ref(),
            ],
        )?;
        Ok(self.url_for(name))
    }

    /// Stops the server cleanly (`pg_ctl stop -m fast`), keeping its data for
    /// [`PgCluster::start_again`]. Clients see their connections closed.
    pub fn stop(&mut self) -> Result<(), PgError> {
        let data = self.data_dir();
        self.run_tool(
            "pg_ctl",
            &["-D".as_ref(), data.as_os_str(), "-m".as_ref(), "fast".as_ref(), "-w".as_ref(), "stop".as_ref()],
        )?;
        self.running = false;
        Ok(())
    }

    /// Starts the (stopped) server again on the same port, and waits until it accepts
    /// connections.
    pub fn start_again(&mut self) -> Result<(), PgError> {
        let data = self.data_dir();
        let log = self.dir.path().join("server.log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=60 -c shared_buffers=16MB",
            self.port,
            self.dir.path().display()
        );
        let timeout = READY_TIMEOUT.as_secs().to_string();
        self.run_tool(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-o".as_ref(),
                options.as_ref(),
                "-w".as_ref(),
                "-t".as_ref(),
                timeout.as_ref(),
                "start".as_ref(),
            ],
        )
        .map_err(|e| match e {
            PgError::Command { command, status, output } => {
                PgError::Command { command, status, output: format!("{output}\nserver log:\n{}", self.log_tail()) }
            }
            other => other,
        })?;
        self.running = true;
        self.wait_until_ready()
    }

    /// Polls `pg_isready` until the server accepts connections over TCP.
    fn wait_until_ready(&self) -> Result<(), PgError> {
        let started = Instant::now();
        let port = self.port.to_string();
        loop {
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-t", "1"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()?;
            if ready.success() {
                return Ok(());
            }
            if started.elapsed() > READY_TIMEOUT {
                return Err(PgError::NotReady {
                    port: self.port,
                    seconds: READY_TIMEOUT.as_secs(),
                    log: self.log_tail(),
                });
            }
            // A poll interval, not a guess at how long start-up takes.
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Runs one of the cluster's tools, as the service user when we are root.
    fn run_tool(&self, tool: &str, args: &[&std::ffi::OsStr]) -> Result<Output, PgError> {
        let program = self.bin.join(tool);
        let mut command = match self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        command.args(args).stdin(Stdio::null()).current_dir(self.dir.path());
        let output = command.output()?;
        if output.status.success() {
            Ok(output)
        } else {
            let words: Vec<String> = std::iter::once(program.display().to_string())
                .chain(args.iter().map(|a| a.to_string_lossy().into_owned()))
                .collect();
            Err(PgError::Command {
                command: words.join(" "),
                status: output.status.to_string(),
                output: format!(
                    "{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ),
            })
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.running {
            let data = self.data_dir();
            let _ = self.run_tool(
                "pg_ctl",
                &["-D".as_ref(), data.as_os_str(), "-m".as_ref(), "immediate".as_ref(), "-w".as_ref(), "stop".as_ref()],
            );
        }
        // The TempDir removes the folder after this.
    }
}

/// The newest `ROOT/N/bin` that holds `initdb` (ROOT is `/usr/lib/postgresql`).
fn find_bin_dir(root: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(root).ok()?;
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let major: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((major, bin))
        })
        .max_by_key(|(major, _)| *major)
        .map(|(_, bin)| bin)
}

/// Whether this process runs as root (the owner of `/proc/self` is our effective user).
fn running_as_root() -> std::io::Result<bool> {
    Ok(std::fs::metadata(Path::new("/proc/self"))?.uid() == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_installation_says_how_to_install_it() {
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(find_bin_dir(empty.path()), None);
        std::fs::create_dir_all(empty.path().join("13/bin")).unwrap();
        std::fs::create_dir_all(empty.path().join("15/bin")).unwrap();
        std::fs::write(empty.path().join("13/bin/initdb"), "").unwrap();
        std::fs::write(empty.path().join("15/bin/initdb"), "").unwrap();
        assert_eq!(find_bin_dir(empty.path()), Some(empty.path().join("15/bin")), "the newest version");
        assert!(PgError::NotInstalled.to_string().contains("apt-get install postgresql"));
    }

    #[test]
    fn a_cluster_starts_stops_and_comes_back() {
        let mut pg = PgCluster::start().expect("PostgreSQL starts");
        assert!(pg.url().starts_with("postgres://postgres@127.0.0.1:"));
        let url = pg.create_database("kit_check").expect("createdb");
        assert!(url.ends_with("/kit_check"));
        pg.stop().expect("stops");
        assert!(!pg.is_running());
        pg.start_again().expect("starts again");
        assert!(pg.is_running());
        let dir = pg.dir.path().to_path_buf();
        drop(pg);
        assert!(!dir.exists(), "the cluster's folder is removed on drop");
    }
}
