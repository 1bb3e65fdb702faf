//! Reading a PMTiles archive on a web server by HTTP range requests, for `basemap extract`:
//! each read is one `Range` request, retried when the connection drops or the server answers
//! 408, 429 or 5xx, and counted, so the extract can say how much it fetched. The server's
//! ETag goes to the reader, which refuses to mix two versions of an archive (a daily build
//! replaced mid-extract).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use pmtiles::{AsyncBackend, BackendResponse, PmtError, PmtResult};
use reqwest::header::{CONTENT_RANGE, ETAG, RANGE};
use reqwest::{Client, StatusCode, Url};

/// How often a failed read is tried again, and the first wait (doubled each time).
const RETRIES: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// A read that takes longer than this (a stalled connection) is given up and retried.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// An archive at a URL, read by ranges.
pub struct RemoteArchive {
    client: Client,
    url: Url,
    requests: AtomicU64,
    bytes: AtomicU64,
    retries: AtomicU64,
}

/// What reading an archive cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetched {
    /// Range requests answered (not counting the ones retried).
    pub requests: u64,
    /// Bytes received in those answers.
    pub bytes: u64,
    /// Reads that failed once and were tried again.
    pub retries: u64,
}

impl RemoteArchive {
    pub fn new(url: Url) -> Result<RemoteArchive, reqwest::Error> {
        let client = Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(READ_TIMEOUT)
            .user_agent(concat!("hue-map/", env!("CARGO_PKG_VERSION"), " (basemap extract)"))
            .build()?;
        Ok(RemoteArchive {
            client,
            url,
            requests: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            retries: AtomicU64::new(0),
        })
    }

    pub fn fetched(&self) -> Fetched {
        Fetched {
            requests: self.requests.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
        }
    }

    /// One attempt at `bytes=offset..offset+length-1`.
    async fn attempt(&self, offset: u64, length: usize) -> Result<BackendResponse, Attempt> {
        let last = offset + length as u64 - 1;
        let response = self
            .client
            .get(self.url.clone())
            .header(RANGE, format!("bytes={offset}-{last}"))
            .send()
            .await
            .map_err(|e| Attempt::Retry(e.to_string()))?;
        let status = response.status();
        if status == StatusCode::OK {
            // The whole file instead of the range: reading a planet that way is no extract.
            return Err(Attempt::fail("the server sent the whole file: it does not answer byte ranges"));
        }
        if status == StatusCode::REQUEST_TIMEOUT || status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
        {
            return Err(Attempt::Retry(format!("the server answered {status}")));
        }
        if status != StatusCode::PARTIAL_CONTENT {
            return Err(Attempt::fail(&format!("the server answered {status} to bytes {offset}-{last}")));
        }
        // `bytes FIRST-LAST/SIZE`: the range must start where asked, and may end early only
        // at the end of the file (the reader's first read asks for more than a small file has).
        let content_range = response.headers().get(CONTENT_RANGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let Some(size) = content_range
            .strip_prefix(&format!("bytes {offset}-"))
            .and_then(|rest| rest.split_once('/'))
            .and_then(|(_, size)| size.parse::<u64>().ok())
        else {
            return Err(Attempt::fail(&format!("the server answered {content_range:?} to bytes {offset}-{last}")));
        };
        let expected = length.min(size.saturating_sub(offset) as usize);
        let etag = response.headers().get(ETAG).and_then(|v| v.to_str().ok()).map(str::to_string);
        let bytes = response.bytes().await.map_err(|e| Attempt::Retry(format!("the answer broke off: {e}")))?;
        if bytes.len() < expected {
            return Err(Attempt::Retry(format!("{} of {expected} bytes arrived", bytes.len())));
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(match etag {
            Some(etag) => BackendResponse::new_with_version(bytes, etag),
            None => BackendResponse::new(bytes),
        })
    }
}

enum Attempt {
    /// Worth trying again: the connection, a timeout, the server busy or failing.
    Retry(String),
    /// Not worth it: the answer will be the same.
    Fail(PmtError),
}

impl Attempt {
    fn fail(why: &str) -> Attempt {
        Attempt::Fail(PmtError::Reading(std::io::Error::other(why.to_string())))
    }
}

impl AsyncBackend for RemoteArchive {
    async fn read(&self, offset: u64, length: usize) -> PmtResult<BackendResponse> {
        let mut wait = FIRST_BACKOFF;
        let mut tries = 0;
        loop {
            match self.attempt(offset, length).await {
                Ok(response) => return Ok(response),
                Err(Attempt::Fail(error)) => return Err(error),
                Err(Attempt::Retry(why)) if tries < RETRIES => {
                    tries += 1;
                    self.retries.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(%why, offset, length, "a range read failed; trying again in {wait:?}");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                Err(Attempt::Retry(why)) => {
                    return Err(PmtError::Reading(std::io::Error::other(format!(
                        "bytes {offset}+{length}: {why}, {RETRIES} times"
                    ))))
                }
            }
        }
    }
}
