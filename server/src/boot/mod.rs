//! Builds the service `hue-map serve` runs from its settings, in one place: the command line
//! (`cli/`) and the test harnesses both call [`build`], so a test drives exactly what
//! a deployment serves (the registry, the fast path, the limits), not a copy wired by hand.

pub mod progress;
pub mod reload;

use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::app::{self, Admin, App};
use crate::http::fast_path::FastPath;
use crate::metrics;
use crate::net::client::{ClientHeader, TrustedProxies};
use crate::net::connections::ConnectionLimits;
use crate::net::serve::ServeOptions;
use crate::office_registry::link::RegistryLink;
use crate::state::{self, AppState, Settings, Snapshot};

/// What `hue-map serve` is asked to serve, and how.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The dataset folder.
    pub data_dir: PathBuf,
    /// Tiles rendered at start-up up to this zoom; `None` picks by the dataset's size.
    pub pyramid_maxzoom: Option<u8>,
    /// The office registry's URL (`sqlite:PATH`, `postgres://…`); `None` serves the dataset
    /// file's offices, read-only.
    pub store: Option<String>,
    /// The public base URL for links; by default each request's Host.
    pub public_url: Option<String>,
    /// A hosted MapLibre style to draw under ours (an absolute http(s) URL).
    pub basemap_style: Option<String>,
    /// A street basemap archive (PMTiles v3) to serve under `/basemap/`.
    pub basemap: Option<PathBuf>,
    /// Browser origins CORS lets in; empty or `*` for any.
    pub cors_origins: Vec<String>,
    /// The bearer token `/admin/reload` requires; without one the route does not exist.
    pub admin_token: Option<String>,
    /// Requests served at once; more get 503.
    pub max_concurrent: usize,
    /// The bounds on connections.
    pub connections: ConnectionLimits,
    /// Proxies (addresses or CIDRs) whose forwarding header names the client.
    pub trusted_proxies: Vec<String>,
    /// That header: `x-forwarded-for` or `forwarded`.
    pub trusted_proxy_header: String,
    /// Show the tile pyramid's progress on a terminal.
    pub show_progress: bool,
}

impl ServeConfig {
    /// The defaults of `hue-map serve` for the dataset in `data_dir`, with no registry.
    pub fn new(data_dir: PathBuf) -> ServeConfig {
        ServeConfig {
            data_dir,
            pyramid_maxzoom: None,
            store: None,
            public_url: None,
            basemap_style: None,
            basemap: None,
            cors_origins: Vec::new(),
            admin_token: None,
            max_concurrent: app::DEFAULT_MAX_CONCURRENT,
            connections: ConnectionLimits::default(),
            trusted_proxies: Vec::new(),
            trusted_proxy_header: crate::net::client::DEFAULT_PROXY_HEADER.into(),
            show_progress: false,
        }
    }
}

/// Why the service could not be built; each names the setting at fault.
#[derive(Debug, thiserror::Error)]
pub enum BootError {
    /// `--basemap-style` is not a style URL we can use.
    #[error("--basemap-style: {0}")]
    BasemapStyle(String),
    /// `--basemap` could not be opened as a PMTiles archive.
    #[error("--basemap: {0}")]
    Basemap(String),
    /// The dataset could not be loaded.
    #[error("{0}")]
    Data(#[from] data_boundaries::LoadError),
    /// The registry could not be opened or read.
    #[error("{0}")]
    Registry(String),
    /// `--trusted-proxy-header` names no header we read.
    #[error("--trusted-proxy-header {0}")]
    ProxyHeader(String),
    /// A `--trusted-proxy` is not an address or CIDR.
    #[error("--trusted-proxy {0}")]
    Proxies(String),
    /// Loading was cut short (its task panicked).
    #[error("the dataset could not be loaded: {0}")]
    Task(String),
}

/// The service, built: its state and everything `serve` runs with.
pub struct Service {
    /// What every handler shares.
    pub state: AppState,
    admin: Admin,
    max_concurrent: usize,
    options: ServeOptions,
}

/// Builds the service: the basemap first (a bad one is refused before a load that takes
/// minutes for all of Vietnam), then the dataset and its tiles, then the registry, whose
/// offices replace the dataset file's before anything is served.
pub async fn build(config: ServeConfig) -> Result<Service, BootError> {
    let basemap_style = config
        .basemap_style
        .as_deref()
        .map(crate::basemap::hosted_style::HostedStyle::parse)
        .transpose()
        .map_err(BootError::BasemapStyle)?;
    let basemap = match &config.basemap {
        None => None,
        Some(path) => Some(Arc::new(
            crate::basemap::archive::Basemap::open(path).await.map_err(|e| BootError::Basemap(e.to_string()))?,
        )),
    };
    let header = ClientHeader::parse(&config.trusted_proxy_header).map_err(BootError::ProxyHeader)?;
    let proxies = Arc::new(TrustedProxies::parse(&config.trusted_proxies, header).map_err(BootError::Proxies)?);

    let (data_dir, maxzoom, show_progress) = (config.data_dir.clone(), config.pyramid_maxzoom, config.show_progress);
    let snapshot = tokio::task::spawn_blocking(move || load(&data_dir, maxzoom, show_progress))
        .await
        .map_err(|e| BootError::Task(e.to_string()))??;
    let (snapshot, link) = match &config.store {
        None => (snapshot, None),
        Some(store) => {
            let (store, seed) = (store.clone(), snapshot.data.offices.clone());
            let opened = tokio::task::spawn_blocking(move || {
                let registry = open_registry(&store, &seed).map_err(BootError::Registry)?;
                let offices = registry
                    .current_offices()
                    .map_err(|e| BootError::Registry(format!("cannot read the office registry: {e}")))?;
                Ok::<_, BootError>((registry, offices))
            })
            .await
            .map_err(|e| BootError::Task(e.to_string()))?;
            let (registry, offices) = opened?;
            (crate::office_registry::follower::apply(&snapshot, &offices), Some(RegistryLink::new(registry)))
        }
    };
    let landmarks = match &basemap {
        Some(basemap) => Arc::new(crate::basemap::landmarks::Landmarks::read(basemap, snapshot.data.bounds()).await),
        None => Arc::default(),
    };
    let settings = Settings {
        public_url: config.public_url.clone(),
        basemap_style,
        basemap,
        landmarks,
        cors_origins: config.cors_origins,
    };
    let metrics = metrics::install();
    metrics::record_reload(&snapshot.data.version);
    let mut state = AppState::new(snapshot, settings, metrics);
    if let Some(link) = link {
        state = state.with_registry(Arc::new(link));
    }
    let reloader = reload::Reloader::new(reload::ReloadConfig {
        data_dir: config.data_dir,
        pyramid_maxzoom: config.pyramid_maxzoom,
    });
    Ok(Service {
        state,
        admin: Admin { reloader, token: config.admin_token },
        max_concurrent: config.max_concurrent.max(1),
        options: ServeOptions { limits: config.connections, proxies },
    })
}

/// Opens (creating and seeding when new) the registry at `store`.
pub fn open_registry(store: &str, seed: &[data_boundaries::Office]) -> Result<registry::Registry, String> {
    let url = registry::StoreUrl::parse(store).map_err(|e| format!("--store {store:?}: {e}"))?;
    registry::Registry::open(&url, seed).map_err(|e| format!("cannot open the office registry {url}: {e}"))
}

fn load(dir: &std::path::Path, maxzoom: Option<u8>, show_progress: bool) -> Result<Snapshot, BootError> {
    let progress = show_progress.then(progress::PyramidProgress::for_stderr);
    let advance = |rendered, total| progress.iter().for_each(|p| p.advance(rendered, total));
    let loaded = state::load_snapshot_with_progress(dir, maxzoom, &advance);
    progress.iter().for_each(progress::PyramidProgress::finish);
    Ok(loaded?)
}

impl Service {
    /// The router with every layer, as the server answers whatever the fast path does not.
    pub fn router(&self) -> App {
        app::router(self.state.clone(), self.admin.clone(), self.max_concurrent)
    }

    /// The answers given before the router's layers (the health probe, pre-rendered tiles).
    pub fn fast_path(&self) -> FastPath {
        FastPath::new(self.state.clone())
    }

    /// The limits the server applies to connections.
    pub fn options(&self) -> &ServeOptions {
        &self.options
    }

    /// Starts the work a running server does in the background: reloading on SIGHUP,
    /// following the registry, keeping the metrics. Call it before saying the server is
    /// listening, so that a supervisor's first SIGHUP reloads rather than kills it.
    pub fn start_background(&self) {
        #[cfg(unix)]
        reload::reload_on_sighup(self.state.clone(), self.admin.reloader.clone());
        if let Some(link) = self.state.registry.clone() {
            crate::office_registry::follower::follow(link, self.state.clone());
        }
        if let Some(handle) = self.state.metrics.clone() {
            metrics::spawn_upkeep(handle);
        }
    }

    /// Serves on `listener` until `shutdown` completes (after [`Service::start_background`]).
    pub async fn serve(self, listener: TcpListener, shutdown: impl std::future::Future<Output = ()>) {
        tracing::info!(
            max_connections = self.options.limits.max_open,
            per_client = self.options.limits.max_per_client,
            "connection limits"
        );
        let (app, fast) = (self.router(), self.fast_path());
        crate::net::serve::serve(listener, app, fast, self.options, shutdown).await;
    }
}
