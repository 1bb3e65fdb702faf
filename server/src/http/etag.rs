//! The ETag of a registry office: its version, so a client can name what it changes.

/// The strong ETag of an office version: `"v7"`.
pub fn etag(version: u64) -> String {
    format!("\"v{version}\"")
}
