//! This process and the office registry: the link that reads and writes the store (`link`),
//! and the follower that keeps the served snapshot up to it (`follower`).

pub mod follower;
pub mod link;
