//! The command line's words: `hue-map`'s subcommands and flags, as clap reads them (with
//! their environment variables and defaults). What each command does is in the sibling
//! modules; these types only carry what was typed.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::app;
use crate::net::{client, connections};

#[derive(Parser)]
#[command(name = "hue-map", version, about = "Map service for Huế's communes and wards after the 1 July 2025 reform")]
// `hue-map --data X serve` would otherwise start with the default data: options for the
// default command and a named command are refused together rather than silently dropped.
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// Get a street basemap for `serve --basemap`.
    #[command(subcommand)]
    Basemap(BasemapCommand),
}

#[derive(Subcommand)]
pub enum BasemapCommand {
    /// Cut the dataset's area out of a PMTiles v3 archive (a URL, such as the Protomaps daily
    /// planet build, read by HTTP range requests; or a file), into a small clustered archive.
    Extract(ExtractArgs),
}

#[derive(Args)]
pub struct ExtractArgs {
    /// The archive to cut from: an http(s) URL or a file.
    #[arg(long)]
    pub from: String,
    /// West,south,east,north in degrees; by default the dataset's bounds and 0.05° around.
    /// (West of Greenwich it starts with a minus: `--bbox=-80,…` or `--bbox -80,…`.)
    #[arg(long, allow_hyphen_values = true)]
    pub bbox: Option<String>,
    /// The deepest zoom to copy (the map overzooms past it).
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u8).range(0..=22))]
    pub maxzoom: u8,
    /// The archive to write, e.g. basemap.pmtiles.
    pub out: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once, as the last line of standard output.
    Create(TokenCreateArgs),
    /// List the tokens (never their secrets).
    List(StoreArgs),
    /// Revoke a token by id; it stops working at once, on every server.
    Revoke(TokenRevokeArgs),
}

#[derive(Args, Clone)]
pub struct StoreArgs {
    /// The office registry: `sqlite:PATH` (created on first use, seeded with the dataset's
    /// offices) or `postgres://USER@HOST:PORT/DB` for several servers sharing one registry;
    /// `none` serves the dataset file's offices, read-only.
    #[arg(long, env = "HUE_MAP_STORE", default_value = "sqlite:hue-map.db")]
    pub store: String,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Args)]
pub struct TokenCreateArgs {
    /// `editor` (may change offices in its communes) or `admin` (anything, and the audit log).
    #[arg(long)]
    pub role: String,
    /// A commune code the editor may edit; repeat for several.
    #[arg(long = "commune")]
    pub communes: Vec<String>,
    /// Who holds the token, as history and the audit log will show it.
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args)]
pub struct TokenRevokeArgs {
    /// The token's id (from `token list`).
    pub id: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args)]
pub struct BackupArgs {
    /// The file to write.
    pub out: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// The backup to restore from.
    pub from: PathBuf,
    /// Restore even while servers or commands use the registry (restart them after).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args, Clone)]
pub struct ExportArgs {
    /// The archive to write, e.g. hue.pmtiles.
    pub out: PathBuf,
    /// Highest zoom to include (0 to 16).
    #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u8).range(0..=16))]
    pub maxzoom: u8,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Args, Clone)]
pub struct DataArgs {
    /// The dataset folder (communes.geojson, offices.csv, former_units.csv).
    #[arg(long, env = "HUE_MAP_DATA", default_value = "../shared/data/hue")]
    pub data: PathBuf,
}

#[derive(Args, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, env = "HUE_MAP_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Tiles up to this zoom are rendered at start-up; deeper ones on demand (cached). By
    /// default z14 for up to 500 communes (a city or a province), z6 for more (all Vietnam).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=16))]
    pub pyramid_maxzoom: Option<u8>,
    /// The public base URL (e.g. https://maps.example.vn) used in TileJSON and the style;
    /// by default it is taken from each request's Host header.
    #[arg(long, env = "HUE_MAP_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// A hosted MapLibre style (an absolute http(s) URL) to draw under our layers: the page
    /// merges it, and its origin is let through the page's Content-Security-Policy
    #[arg(long, env = "HUE_MAP_BASEMAP_STYLE")]
    pub basemap_style: Option<String>,
    /// A street basemap: a PMTiles archive in the Protomaps basemap schema (e.g. a Huế extract
    /// cut with `pmtiles extract`), served at /basemap/… and drawn under the communes.
    #[arg(long, env = "HUE_MAP_BASEMAP")]
    pub basemap: Option<std::path::PathBuf>,
    /// Origins allowed to call the API from a browser, comma-separated; "*" (the default) lets
    /// any site read this public data.
    #[arg(long, env = "HUE_MAP_CORS_ORIGINS", default_value = "*")]
    pub cors_origins: String,
    /// Requests served at once; more are refused with 503 and Retry-After.
    #[arg(long, default_value_t = app::DEFAULT_MAX_CONCURRENT)]
    pub max_concurrent_requests: usize,
    /// Stop (gracefully) when standard input reaches its end: for a supervisor or test
    /// harness that holds the server's stdin, so the server cannot outlive it.
    #[arg(long, hide = true)]
    pub stop_on_stdin_eof: bool,
    /// Seconds a client may take to send a request's headers before the connection is closed.
    #[arg(long, default_value_t = connections::DEFAULT_HEADER_READ_SECS, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub header_read_timeout: u64,
    /// Seconds a connection may stay open with no request in progress (an idle keep-alive,
    /// or an HTTP/2 connection with no stream) before it is closed.
    #[arg(long, default_value_t = connections::DEFAULT_IDLE_SECS, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout: u64,
    /// Connections open at once; more are closed as soon as they are accepted. By default
    /// three quarters of the file-descriptor limit.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: Option<u64>,
    /// Connections open at once from one client (an IPv4 address or an IPv6 /64); trusted
    /// proxies count only against --max-connections.
    #[arg(long, default_value_t = connections::DEFAULT_MAX_PER_CLIENT, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections_per_client: u64,
    /// A proxy (address or CIDR) whose `Forwarded` / `X-Forwarded-For` names the client, for
    /// the per-client limits; repeat for several. Nobody else's is believed.
    #[arg(long = "trusted-proxy", env = "HUE_MAP_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// The header the trusted proxies write the client's address into: `x-forwarded-for` or
    /// `forwarded` (RFC 7239). Only that one is read; a proxy passes the other through.
    #[arg(long, env = "HUE_MAP_TRUSTED_PROXY_HEADER", default_value = client::DEFAULT_PROXY_HEADER)]
    pub trusted_proxy_header: String,
}
