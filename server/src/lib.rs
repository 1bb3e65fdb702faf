//! The `hue-map` service as a library: the router, its handlers and the state they share.
//! The binary (`main.rs`) only parses the command line; keeping the rest here lets the fuzz
//! targets and benchmarks reach the same query, tile-coordinate and loader code.

#![forbid(unsafe_code)]

pub mod app;
pub mod assets;
pub mod basemap;
pub mod boot;
pub mod cli;
pub mod cpu;
pub mod formats;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod http;
pub mod metrics;
pub mod net;
pub mod office_registry;
pub mod openapi;
pub mod routes;
pub mod state;
pub mod views;
