//! `hue-map`: the Huế commune map service.
//!
//! `hue-map serve` runs the HTTP API; `hue-map check` prints the dataset's quality report and
//! exits 0 when the data is usable, 1 when it is not. Everything is in the library
//! (`server::cli` for the commands, `server::boot` for the service they serve).

#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    server::cli::run()
}
