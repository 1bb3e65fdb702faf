//! Harness for the end-to-end suites: builds and starts the real `hue-map` binary on a free
//! port, talks HTTP to it, and stops it when the test ends. Where the repository and the shared
//! data are comes from `testkit` (`testkit::reference_data_dir()` for the Huế dataset).

#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::Duration;

pub use reqwest::blocking::Client;
pub use serde_json::{json, Value};

/// The `hue-map` binary: `HUE_MAP_BIN` if set, else built once with cargo.
pub fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Ok(path) = std::env::var("HUE_MAP_BIN") {
            return PathBuf::from(path);
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", "server", "--bin", "hue-map"])
            .current_dir(testkit::workspace_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building hue-map failed");
        let target = std::env::var("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| testkit::workspace_root().join("target"));
        target.join("debug/hue-map")
    })
    .clone()
}

/// Runs `hue-map ARGS` to completion (for the CLI commands).
pub fn run(args: &[&str]) -> Output {
    Command::new(binary()).args(args).output().expect("hue-map runs")
}

/// Creates a registry token with the command line (`hue-map token create`) and returns it.
pub fn create_token(store: &str, role: &str, communes: &[&str], name: &str) -> String {
    let data = testkit::reference_data_dir();
    let mut args =
        vec!["token", "create", "--role", role, "--name", name, "--store", store, "--data", data.to_str().unwrap()];
    for commune in communes {
        args.extend(["--commune", commune]);
    }
    let output = run(&args);
    assert!(output.status.success(), "token create: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().last().expect("the token, last").trim().to_string()
}

/// A running server, killed on drop.
pub struct Server {
    child: Child,
    /// Holds the server's own registry, when it was given none.
    pub store_dir: tempfile::TempDir,
    pub base: String,
    pub client: Client,
}

impl Server {
    /// Starts the server on the reference data.
    pub fn start() -> Server {
        Server::start_with(&["--data", testkit::reference_data_dir().to_str().unwrap()], &[])
    }

    /// One server on the reference data for the whole suite (each suite is one test binary),
    /// for tests that do not change its flags or its data: started on first use, and stopped
    /// when the suite's process ends (it watches its standard input, which closes then).
    pub fn shared() -> &'static Server {
        static SHARED: OnceLock<Server> = OnceLock::new();
        SHARED.get_or_init(Server::start)
    }

    /// Starts `hue-map serve --listen 127.0.0.1:0 ARGS` and waits for its address line. Without
    /// `--store` in `args`, the server gets a fresh SQLite registry of its own, in a temporary
    /// folder removed with the server.
    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start_command(Command::new(binary()), args, env)
    }

    /// As [`Server::start_with`], with the server's file-descriptor limit set to `nofile`
    /// (by util-linux's `prlimit`, which then runs the server itself), as a small host or a
    /// container would have it.
    pub fn start_with_nofile(nofile: u64, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new("prlimit");
        command.arg(format!("--nofile={nofile}:{nofile}")).arg("--").arg(binary());
        Server::start_command(command, args, env)
    }

    fn start_command(mut command: Command, args: &[&str], env: &[(&str, &str)]) -> Server {
        command.arg("serve").args(["--listen", "127.0.0.1:0", "--stop-on-stdin-eof"]).args(args);
        let store_dir = tempfile::tempdir().expect("a temporary folder");
        if !args.contains(&"--store") {
            command.arg("--store").arg(format!("sqlite:{}", store_dir.path().join("registry.db").display()));
        }
        // The pipe closes when this process ends, however it ends, so no server outlives it.
        command.stdin(Stdio::piped());
        // Quiet logs unless the developer asks for them with RUST_LOG.
        command.env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()));
        command.envs(env.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child = command.spawn().expect("hue-map starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(address) = line.strip_prefix("hue-map listening on ") {
                    let _ = tx.send(address.to_string());
                }
            }
        });
        // Waits for the line, or for the server to exit (its stdout closes and the channel
        // with it). The bound only catches a server that hangs: the national dataset alone
        // takes a minute to load on a busy two-core machine.
        let base = match rx.recv_timeout(Duration::from_secs(900)) {
            Ok(base) => base,
            Err(why) => {
                let _ = child.kill();
                panic!("hue-map did not report its address ({why})");
            }
        };
        let client = Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        Server { child, base, client, store_dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET, returning status, content type and the body parsed as JSON (Null if not JSON).
    pub fn get(&self, path: &str) -> Reply {
        Reply::from(self.client.get(self.url(path)).send().expect("request sent"))
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Reply {
        Reply::from(self.client.post(self.url(path)).json(body).send().expect("request sent"))
    }

    pub fn post_raw(&self, path: &str, content_type: &str, body: impl Into<reqwest::blocking::Body>) -> Reply {
        Reply::from(
            self.client
                .post(self.url(path))
                .header("content-type", content_type)
                .body(body)
                .send()
                .expect("request sent"),
        )
    }

    /// The server's own SQLite registry (when the test gave it no `--store`).
    pub fn store(&self) -> String {
        format!("sqlite:{}", self.store_dir.path().join("registry.db").display())
    }

    /// Sends a request with headers and an optional JSON body.
    pub fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> Reply {
        Api::send(self, method, path, headers, body)
    }

    /// Process id, for signals.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's socket address (`127.0.0.1:PORT`).
    pub fn addr(&self) -> std::net::SocketAddr {
        self.base.trim_start_matches("http://").parse().expect("the server reports IP:PORT")
    }

    /// A line of the server's `/proc/PID/status` (`VmRSS`, `VmHWM`…), in KiB.
    pub fn memory_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("the server's status");
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in the server's status"))
    }
}

impl Api for Server {
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<(&str, Vec<u8>)>) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self.client.request(method, self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some((content_type, body)) = body {
            request = request.header("content-type", content_type).body(body);
        }
        Reply::from(request.send().expect("request sent"))
    }

    fn store(&self) -> String {
        Server::store(self)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a suite needs of a service, whichever way it runs: the real binary over a socket
/// ([`Server`]) or the same service in this process ([`InProcess`]). A test written against
/// `&impl Api` runs on either.
pub trait Api {
    /// Sends a request with headers and an optional body of the given content type.
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<(&str, Vec<u8>)>) -> Reply;

    /// The service's own SQLite registry, as `--store` takes it.
    fn store(&self) -> String;

    /// Sends a request with headers and an optional JSON body (as a merge patch, which the
    /// writes that take JSON also accept).
    fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> Reply {
        let body = body.map(|b| ("application/merge-patch+json", b.to_string().into_bytes()));
        self.request(method, path, headers, body)
    }

    /// GET.
    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], None)
    }
}

/// The service in this process, on the reference data, built by `server::boot::build` as
/// `hue-map serve` builds it (the fast path, then the router with every layer) and driven
/// with `tower::ServiceExt::oneshot`: for tests of request handling that need no socket, no
/// process and no flags.
pub struct InProcess {
    router: server::app::App,
    fast: server::http::fast_path::FastPath,
    runtime: tokio::runtime::Runtime,
    /// Holds the service's own registry, when it has one.
    store_dir: Option<tempfile::TempDir>,
}

impl InProcess {
    /// One service for the whole suite, with no registry (its tiles rendered to z10; deeper
    /// ones render on demand).
    pub fn shared() -> &'static InProcess {
        static APP: OnceLock<InProcess> = OnceLock::new();
        APP.get_or_init(|| InProcess::build(None))
    }

    /// One service for the whole suite with a fresh SQLite registry of its own, its
    /// background work running (the registry follower, as a server's), for tests of the
    /// registry's HTTP rules that need no process of their own.
    pub fn shared_with_registry() -> &'static InProcess {
        static APP: OnceLock<InProcess> = OnceLock::new();
        APP.get_or_init(|| InProcess::build(Some(tempfile::tempdir().expect("a temporary folder"))))
    }

    fn build(store_dir: Option<tempfile::TempDir>) -> InProcess {
        // Worker threads, so the follower keeps up between requests as it does in a server.
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
        let config = server::boot::ServeConfig {
            pyramid_maxzoom: Some(10),
            store: store_dir.as_ref().map(|dir| format!("sqlite:{}", dir.path().join("registry.db").display())),
            ..server::boot::ServeConfig::new(testkit::reference_data_dir())
        };
        let service = runtime.block_on(server::boot::build(config)).expect("the reference data loads");
        runtime.block_on(async { service.start_background() });
        InProcess { router: service.router(), fast: service.fast_path(), runtime, store_dir }
    }

    /// Sends one request through the fast path and the router, and reads the whole answer.
    pub fn send_body(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<axum::body::Body>,
    ) -> Reply {
        use tower::ServiceExt;
        let mut request = axum::http::Request::builder().method(method).uri(path).header("host", "in-process.test");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(body.into()).expect("a valid request");
        self.runtime.block_on(async {
            let response = match self.fast.answer(&request) {
                Some(response) => response,
                None => self.router.clone().oneshot(request).await.expect("the router never fails"),
            };
            let (parts, body) = response.into_parts();
            let bytes = http_body_util::BodyExt::collect(body).await.expect("the body is read").to_bytes();
            Reply::new(parts.status.as_u16(), parts.headers, String::from_utf8_lossy(&bytes).into_owned())
        })
    }

    /// GET.
    pub fn get(&self, path: &str) -> Reply {
        Api::get(self, path)
    }

    /// POST a JSON value.
    pub fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.send_body("POST", path, &[("content-type", "application/json")], body.to_string())
    }

    /// POST a body as it is, with its content type.
    pub fn post_raw(&self, path: &str, content_type: &str, body: impl Into<axum::body::Body>) -> Reply {
        self.send_body("POST", path, &[("content-type", content_type)], body)
    }
}

impl Api for InProcess {
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<(&str, Vec<u8>)>) -> Reply {
        match body {
            None => self.send_body(method, path, headers, axum::body::Body::empty()),
            Some((content_type, body)) => {
                let mut with_type = headers.to_vec();
                with_type.push(("content-type", content_type));
                self.send_body(method, path, &with_type, body)
            }
        }
    }

    fn store(&self) -> String {
        let dir = self.store_dir.as_ref().expect("this service was built with a registry");
        format!("sqlite:{}", dir.path().join("registry.db").display())
    }
}

/// An answer, read whole.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
    pub text: String,
}

impl From<reqwest::blocking::Response> for Reply {
    fn from(response: reqwest::blocking::Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().unwrap_or_default();
        Reply::new(status, headers, text)
    }
}

impl Reply {
    fn new(status: u16, headers: reqwest::header::HeaderMap, text: String) -> Reply {
        let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, content_type, headers, json, text }
    }

    /// Asserts an RFC 9457 problem with this status, and returns its detail.
    pub fn expect_problem(&self, status: u16) -> String {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert_eq!(self.content_type, "application/problem+json", "body: {}", self.text);
        assert_eq!(self.json["status"], status);
        assert!(self.json["title"].is_string() && self.json["type"].is_string());
        let detail = self.json["detail"].as_str().expect("a detail").to_string();
        assert!(!detail.is_empty());
        detail
    }
}

/// A command-line tool the suites drive (GDAL's `ogrinfo`, or a Python tool installed in the
/// project's virtual environment by `scripts/test.sh`). Panics with how to install it when it
/// is missing: these checks must not be skipped silently.
pub fn tool(name: &str) -> PathBuf {
    let venv =
        std::env::var("HUE_MAP_VENV").map(PathBuf::from).unwrap_or_else(|_| testkit::workspace_root().join(".venv"));
    let in_venv = venv.join("bin").join(name);
    if in_venv.exists() {
        return in_venv;
    }
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|dir| dir.join(name)).find(|p| p.exists()))
        .unwrap_or_default();
    on_path.unwrap_or_else(|| panic!("{name} is not installed; scripts/test.sh installs it (gdal-bin from Debian, Python tools from tests/requirements.txt into .venv)"))
}

/// Runs a tool to completion and returns its output, asserting it exited 0.
pub fn run_tool(name: &str, args: &[&str]) -> String {
    let output = Command::new(tool(name)).args(args).output().unwrap_or_else(|e| panic!("{name} could not start: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{name} {args:?} failed ({}):\n{stdout}\n{stderr}", output.status);
    stdout
}
