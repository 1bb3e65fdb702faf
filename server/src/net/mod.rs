//! The network in front of the router: accepting and bounding connections (`serve`,
//! `connections`), who the client is behind trusted proxies (`client`), and the per-client
//! rate limits (`rate_limit`).

pub mod client;
pub mod connections;
pub mod rate_limit;
pub mod serve;
pub mod sign_in;
