//! The `hue-map` command line: [`args`] holds what clap reads, [`run`] does what was asked.
//! `serve` builds the service with [`crate::boot::build`], as the tests do; the dataset
//! commands are in `dataset.rs`, the registry's in `store.rs`.

pub mod args;
mod basemap;
mod dataset;
mod store;

use std::process::ExitCode;

use clap::Parser;

pub use store::{backup, restore, token, StoreTarget, TokenAction};

use crate::boot::{self, ServeConfig};
use crate::net::connections::{default_max_open, ConnectionLimits};
use args::{BasemapCommand, Cli, Command, ServeArgs, StoreArgs, TokenCommand};

/// Parses the command line and runs the command (`serve` when none is named).
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check(args)) => dataset::check(&args.data),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::ExportPmtiles(args)) => dataset::export_pmtiles(&args),
        Some(Command::Token(command)) => token(token_action(command)),
        Some(Command::Backup(args)) => backup(&store_target(&args.store), &args.out),
        Some(Command::Restore(args)) => restore(&store_target(&args.store), &args.from, args.force),
        Some(Command::Basemap(BasemapCommand::Extract(args))) => basemap::extract(&args),
        None => serve(cli.serve),
    }
}

fn store_target(args: &StoreArgs) -> StoreTarget {
    StoreTarget { store: args.store.clone(), data: args.data.data.clone() }
}

fn token_action(command: TokenCommand) -> TokenAction {
    match command {
        TokenCommand::Create(a) => {
            TokenAction::Create { target: store_target(&a.store), role: a.role, communes: a.communes, name: a.name }
        }
        TokenCommand::List(a) => TokenAction::List { target: store_target(&a) },
        TokenCommand::Revoke(a) => TokenAction::Revoke { target: store_target(&a.store), id: a.id },
    }
}

/// `hue-map serve`'s flags as the service's settings.
fn serve_config(args: ServeArgs) -> ServeConfig {
    ServeConfig {
        data_dir: args.store.data.data,
        pyramid_maxzoom: args.pyramid_maxzoom,
        store: Some(args.store.store).filter(|store| store != "none"),
        public_url: args.public_url,
        basemap_style: args.basemap_style,
        basemap: args.basemap,
        cors_origins: args.cors_origins.split(',').map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect(),
        admin_token: std::env::var("HUE_MAP_ADMIN_TOKEN").ok(),
        max_concurrent: args.max_concurrent_requests,
        connections: ConnectionLimits {
            header_read_timeout: std::time::Duration::from_secs(args.header_read_timeout),
            idle_timeout: std::time::Duration::from_secs(args.idle_timeout),
            max_open: args.max_connections.and_then(|n| usize::try_from(n).ok()).unwrap_or_else(default_max_open),
            max_per_client: usize::try_from(args.max_connections_per_client).unwrap_or(usize::MAX),
        },
        trusted_proxies: args.trusted_proxies,
        trusted_proxy_header: args.trusted_proxy_header,
        show_progress: true,
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let (listen, stop_on_stdin_eof) = (args.listen, args.stop_on_stdin_eof);
    runtime.block_on(async move {
        let service = match boot::build(serve_config(args)).await {
            Ok(service) => service,
            Err(boot::BootError::Data(error)) => {
                dataset::report_load_error(&error);
                return ExitCode::from(2);
            }
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
        };
        service.start_background();
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
        service.serve(listener, shutdown_signal(stop_on_stdin_eof)).await;
        ExitCode::SUCCESS
    })
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
