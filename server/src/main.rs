//! `hue-map`: the Huế commune map service.
//!
//! `hue-map serve` runs the HTTP API; `hue-map check` prints the dataset's quality report and
//! exits 0 when the data is usable, 1 when it is not.

#![forbid(unsafe_code)]

use server::registry_link::RegistryLink;
use server::state::load_snapshot_with_progress;
use server::{app, metrics, reload, state};

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use data_boundaries::{Dataset, Severity};

#[derive(Parser)]
#[command(name = "hue-map", version, about = "Map service for Huế's communes and wards after the 1 July 2025 reform")]
// `hue-map --data X serve` would otherwise start with the default data: options for the
// default command and a named command are refused together rather than silently dropped.
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP service (the default).
    Serve(ServeArgs),
    /// Validate a dataset and print its quality report.
    Check(DataArgs),
    /// Write the vector tiles to one PMTiles v3 archive, for a CDN or object store.
    ExportPmtiles(ExportArgs),
    /// Create, list and revoke the tokens that let staff edit the office registry.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Copy the office registry to a file, consistently, while servers keep running (SQLite;
    /// for PostgreSQL use pg_dump).
    Backup(BackupArgs),
    /// Replace the office registry with a backup (refused while servers use it, unless --force).
    Restore(RestoreArgs),
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token and print it once, as the last line of standard output.
    Create(TokenCreateArgs),
    /// List the tokens (never their secrets).
    List(StoreArgs),
    /// Revoke a token by id; it stops working at once, on every server.
    Revoke(TokenRevokeArgs),
}

#[derive(Args, Clone)]
struct StoreArgs {
    /// The office registry: `sqlite:PATH` (created on first use, seeded with the dataset's
    /// offices) or `postgres://USER@HOST:PORT/DB` for several servers sharing one registry;
    /// `none` serves the dataset file's offices, read-only.
    #[arg(long, env = "HUE_MAP_STORE", default_value = "sqlite:hue-map.db")]
    store: String,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct TokenCreateArgs {
    /// `editor` (may change offices in its communes) or `admin` (anything, and the audit log).
    #[arg(long)]
    role: String,
    /// A commune code the editor may edit; repeat for several.
    #[arg(long = "commune")]
    communes: Vec<String>,
    /// Who holds the token, as history and the audit log will show it.
    #[arg(long)]
    name: String,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args)]
struct TokenRevokeArgs {
    /// The token's id (from `token list`).
    id: String,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args)]
struct BackupArgs {
    /// The file to write.
    out: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args)]
struct RestoreArgs {
    /// The backup to restore from.
    from: PathBuf,
    /// Restore even while servers or commands use the registry (restart them after).
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Clone)]
struct ExportArgs {
    /// The archive to write, e.g. hue.pmtiles.
    out: PathBuf,
    /// Highest zoom to include (0 to 16).
    #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u8).range(0..=16))]
    maxzoom: u8,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args, Clone)]
struct DataArgs {
    /// The dataset folder (communes.geojson, offices.csv, former_units.csv).
    #[arg(long, env = "HUE_MAP_DATA", default_value = "../shared/data/hue")]
    data: PathBuf,
}

#[derive(Args, Clone)]
struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, env = "HUE_MAP_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Tiles up to this zoom are rendered at start-up; deeper ones on demand (cached). By
    /// default z14 for up to 500 communes (a city or a province), z6 for more (all Vietnam).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=16))]
    pyramid_maxzoom: Option<u8>,
    /// The public base URL (e.g. https://maps.example.vn) used in TileJSON and the style;
    /// by default it is taken from each request's Host header.
    #[arg(long, env = "HUE_MAP_PUBLIC_URL")]
    public_url: Option<String>,
    /// A hosted MapLibre style (an absolute http(s) URL) to draw under our layers: the page
    /// merges it, and its origin is let through the page's Content-Security-Policy
    #[arg(long, env = "HUE_MAP_BASEMAP_STYLE")]
    basemap_style: Option<String>,
    /// A street basemap: a PMTiles archive in the Protomaps basemap schema (e.g. a Huế extract
    /// cut with `pmtiles extract`), served at /basemap/… and drawn under the communes.
    #[arg(long, env = "HUE_MAP_BASEMAP")]
    basemap: Option<std::path::PathBuf>,
    /// Origins allowed to call the API from a browser, comma-separated; "*" (the default) lets
    /// any site read this public data.
    #[arg(long, env = "HUE_MAP_CORS_ORIGINS", default_value = "*")]
    cors_origins: String,
    /// Requests served at once; more are refused with 503 and Retry-After.
    #[arg(long, default_value_t = app::DEFAULT_MAX_CONCURRENT)]
    max_concurrent_requests: usize,
    /// Stop (gracefully) when standard input reaches its end: for a supervisor or test
    /// harness that holds the server's stdin, so the server cannot outlive it.
    #[arg(long, hide = true)]
    stop_on_stdin_eof: bool,
    /// Seconds a client may take to send a request's headers before the connection is closed.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    header_read_timeout: u64,
    /// Seconds a connection may stay open with no request in progress (an idle keep-alive,
    /// or an HTTP/2 connection with no stream) before it is closed.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle_timeout: u64,
    /// Connections open at once; more are closed as soon as they are accepted. By default
    /// three quarters of the file-descriptor limit.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: Option<u64>,
    /// Connections open at once from one client (an IPv4 address or an IPv6 /64); trusted
    /// proxies count only against --max-connections.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections_per_client: u64,
    /// A proxy (address or CIDR) whose `Forwarded` / `X-Forwarded-For` names the client, for
    /// the per-client limits; repeat for several. Nobody else's is believed.
    #[arg(long = "trusted-proxy", env = "HUE_MAP_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<String>,
    /// The header the trusted proxies write the client's address into: `x-forwarded-for` or
    /// `forwarded` (RFC 7239). Only that one is read; a proxy passes the other through.
    #[arg(long, env = "HUE_MAP_TRUSTED_PROXY_HEADER", default_value = "x-forwarded-for")]
    trusted_proxy_header: String,
}

/// Loads the dataset and renders its pyramid, with a progress bar on a terminal.
fn load_with_progress(dir: &Path, maxzoom: Option<u8>) -> Result<server::state::Snapshot, data_boundaries::LoadError> {
    let progress = server::progress::PyramidProgress::for_stderr();
    let loaded = load_snapshot_with_progress(dir, maxzoom, &|rendered, total| progress.advance(rendered, total));
    progress.finish();
    loaded
}

fn export_pmtiles(args: &ExportArgs) -> ExitCode {
    let snapshot = match load_with_progress(&args.data.data, Some(args.maxzoom.min(14))) {
        Ok(snapshot) => snapshot,
        Err(error) => {
            report_load_error(&error);
            return ExitCode::from(2);
        }
    };
    match tiles::pmtiles_export::export_pmtiles(&snapshot.tiles, &args.out, args.maxzoom, &snapshot.data.version) {
        Ok(count) => {
            println!("wrote {count} tiles (z0-z{}) to {}", args.maxzoom, args.out.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

fn store_target(args: &StoreArgs) -> server::cli::StoreTarget {
    server::cli::StoreTarget { store: args.store.clone(), data: args.data.data.clone() }
}

fn command_token(command: TokenCommand) -> server::cli::TokenAction {
    use server::cli::TokenAction;
    match command {
        TokenCommand::Create(a) => {
            TokenAction::Create { target: store_target(&a.store), role: a.role, communes: a.communes, name: a.name }
        }
        TokenCommand::List(a) => TokenAction::List { target: store_target(&a) },
        TokenCommand::Revoke(a) => TokenAction::Revoke { target: store_target(&a.store), id: a.id },
    }
}

/// Prints why the dataset could not be loaded, with the command line's own hint when the
/// folder was not found (the library's message knows nothing of flags).
fn report_load_error(error: &data_boundaries::LoadError) {
    eprintln!("error: {error}");
    if matches!(error, data_boundaries::LoadError::Missing { .. }) {
        eprintln!("hint: point --data (or HUE_MAP_DATA) at the dataset, such as ../shared/data/hue");
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check(args)) => check(&args.data),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::ExportPmtiles(args)) => export_pmtiles(&args),
        Some(Command::Token(command)) => server::cli::token(command_token(command)),
        Some(Command::Backup(args)) => server::cli::backup(&store_target(&args.store), &args.out),
        Some(Command::Restore(args)) => server::cli::restore(&store_target(&args.store), &args.from, args.force),
        None => serve(cli.serve),
    }
}

fn check(dir: &Path) -> ExitCode {
    let progress = server::progress::StepProgress::for_stderr();
    let loaded = Dataset::load_for_review_with_progress(dir, &|step| progress.begin(step));
    progress.finish();
    let dataset = match loaded {
        Ok(dataset) => dataset,
        Err(error) => {
            report_load_error(&error);
            return ExitCode::from(1);
        }
    };
    let report = &dataset.report;
    println!("dataset {} (version {})", dir.display(), dataset.version);
    println!(
        "{} communes, {} offices, {} former units",
        dataset.communes.len(),
        dataset.offices.len(),
        dataset.former_units.len()
    );
    for finding in &report.findings {
        println!("{finding}");
    }
    println!(
        "{} fatal, {} warning(s), {} note(s): {}",
        report.count(Severity::Fatal),
        report.count(Severity::Warning),
        report.count(Severity::Info),
        if report.is_usable() { "usable" } else { "NOT usable" }
    );
    if report.is_usable() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    // A bad basemap is refused before the dataset is loaded (minutes for all of Vietnam).
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let basemap_style = match args.basemap_style.as_deref().map(server::hosted_style::HostedStyle::parse).transpose() {
        Ok(style) => style,
        Err(message) => {
            eprintln!("error: --basemap-style: {message}");
            return ExitCode::from(2);
        }
    };
    let basemap = match &args.basemap {
        None => None,
        Some(path) => match runtime.block_on(server::basemap::Basemap::open(path)) {
            Ok(basemap) => Some(std::sync::Arc::new(basemap)),
            Err(error) => {
                eprintln!("error: --basemap: {error}");
                return ExitCode::from(2);
            }
        },
    };
    let snapshot = match load_with_progress(&args.store.data.data, args.pyramid_maxzoom) {
        Ok(snapshot) => snapshot,
        Err(error) => {
            report_load_error(&error);
            return ExitCode::from(2);
        }
    };
    // The registry is opened (created and seeded with the dataset's offices the first time)
    // and its offices replace the dataset file's before anything is served. `--store none`
    // serves the dataset file's offices read-only.
    let (snapshot, link) = if args.store.store == "none" {
        (snapshot, None)
    } else {
        match server::cli::open_registry(&args.store.store, &snapshot.data.offices) {
            Ok(registry) => match registry.snapshot() {
                Ok(offices) => (server::registry_link::apply(&snapshot, &offices), Some(RegistryLink::new(registry))),
                Err(error) => {
                    eprintln!("error: cannot read the office registry: {error}");
                    return ExitCode::from(2);
                }
            },
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    };
    let settings = state::Settings {
        public_url: args.public_url.clone(),
        basemap_style,
        basemap,
        cors_origins: args.cors_origins.split(',').map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect(),
    };
    let metrics = metrics::install();
    metrics::record_reload(&snapshot.data.version);
    let mut state = state::AppState::new(snapshot, settings, metrics);
    if let Some(link) = link {
        state = state.with_registry(std::sync::Arc::new(link));
    }
    let reloader = reload::Reloader::new(reload::ReloadConfig {
        data_dir: args.store.data.data.clone(),
        pyramid_maxzoom: args.pyramid_maxzoom,
    });
    let admin = app::Admin { reloader, token: std::env::var("HUE_MAP_ADMIN_TOKEN").ok() };
    let header = match server::client::ClientHeader::parse(&args.trusted_proxy_header) {
        Ok(header) => header,
        Err(message) => {
            eprintln!("error: --trusted-proxy-header {message}");
            return ExitCode::from(2);
        }
    };
    let proxies = match server::client::TrustedProxies::parse(&args.trusted_proxies, header) {
        Ok(proxies) => std::sync::Arc::new(proxies),
        Err(message) => {
            eprintln!("error: --trusted-proxy {message}");
            return ExitCode::from(2);
        }
    };
    let limits = Limits {
        stop_on_stdin_eof: args.stop_on_stdin_eof,
        max_concurrent: args.max_concurrent_requests.max(1),
        connections: server::connections::ConnectionLimits {
            header_read_timeout: std::time::Duration::from_secs(args.header_read_timeout),
            idle_timeout: std::time::Duration::from_secs(args.idle_timeout),
            max_open: args
                .max_connections
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or_else(server::connections::default_max_open),
            max_per_client: usize::try_from(args.max_connections_per_client).unwrap_or(usize::MAX),
        },
        proxies,
    };
    runtime.block_on(run(args.listen, state, admin, limits))
}

/// Connection and request limits from the command line.
struct Limits {
    stop_on_stdin_eof: bool,
    max_concurrent: usize,
    connections: server::connections::ConnectionLimits,
    proxies: std::sync::Arc<server::client::TrustedProxies>,
}

async fn run(listen: SocketAddr, state: state::AppState, admin: app::Admin, limits: Limits) -> ExitCode {
    #[cfg(unix)]
    reload::reload_on_sighup(state.clone(), admin.reloader.clone());
    if let Some(link) = state.registry.clone() {
        link.follow(state.clone());
    }
    if let Some(handle) = state.metrics.clone() {
        metrics::spawn_upkeep(handle);
    }
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {listen}: {error}");
            return ExitCode::from(2);
        }
    };
    let address = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| listen.to_string());
    // Printed on stdout so scripts and tests that asked for port 0 can find the server.
    println!("hue-map listening on http://{address}");
    tracing::info!("listening on http://{address}");
    let fast = server::http::fast_path::FastPath::new(state.clone());
    let app = app::router(state, admin, limits.max_concurrent);
    tracing::info!(
        max_connections = limits.connections.max_open,
        per_client = limits.connections.max_per_client,
        "connection limits"
    );
    let options = server::serve::ServeOptions { limits: limits.connections, proxies: limits.proxies };
    server::serve::serve(listener, app, fast, options, shutdown_signal(limits.stop_on_stdin_eof)).await;
    ExitCode::SUCCESS
}

/// Completes on Ctrl-C or SIGTERM (or the end of stdin, when asked); in-flight requests
/// then finish before exit.
async fn shutdown_signal(stop_on_stdin_eof: bool) {
    let stdin_closed = async {
        if !stop_on_stdin_eof {
            return std::future::pending::<()>().await;
        }
        // A blocking read on its own thread: tokio's stdin would hold a runtime worker.
        let (closed, on_close) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            let _ = closed.send(());
        });
        let _ = on_close.await;
    };
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
        _ = stdin_closed => {},
    }
    tracing::info!("shutting down; finishing in-flight requests");
}
