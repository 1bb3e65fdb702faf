//! `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header): a client that lost an
//! answer (a timeout, a dropped connection, a 503 it cannot trust) sends the same request
//! again with the same key, and gets the first answer instead of a second office.
//!
//! The key is remembered in the same transaction as the write it guards, so there is no
//! moment where the office exists and the key does not (or the reverse). A key is the
//! client's, per token: two staff members cannot collide, nor read each other's answers. It
//! is kept for [`KEPT_FOR`]; the same key with a different request is refused, since the
//! client has mixed two things up.

use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{FieldError, StoreError, WriteError};
use crate::store::Tx;

/// How long a key and its answer are kept.
pub const KEPT_FOR: Duration = Duration::hours(24);

/// The most characters a key may have.
const MAX_KEY: usize = 255;

/// A client's key for one request, and what that request was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    key: String,
    /// SHA-256 of what makes the request this request (method, target, body).
    fingerprint: String,
}

impl IdempotencyKey {
    /// The key of a request: `key` is the header's value (a visible-ASCII string of 1–255
    /// characters, such as a UUID), `request` every byte that makes the request what it is.
    pub fn new(key: &str, request: &[&[u8]]) -> Result<IdempotencyKey, FieldError> {
        let key = key.trim().trim_matches('"');
        if key.is_empty() || key.len() > MAX_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(FieldError::new(
                "Idempotency-Key",
                format!("must be 1 to {MAX_KEY} visible ASCII characters, such as a UUID"),
            ));
        }
        let mut hash = Sha256::new();
        for part in request {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
        let fingerprint = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok(IdempotencyKey { key: key.to_string(), fingerprint })
    }
}

/// A write done under a key: the first time, or the answer of the first time.
#[derive(Debug, Clone, PartialEq)]
pub enum Once<T> {
    /// Done now.
    Done(T),
    /// Done before, under the same key: nothing was written this time.
    Replayed(T),
}

impl<T> Once<T> {
    /// The answer, either way.
    pub fn into_inner(self) -> T {
        match self {
            Once::Done(value) | Once::Replayed(value) => value,
        }
    }
}

/// The answer kept for `key`, if `token_id` used it within [`KEPT_FOR`] for this very request.
pub(crate) fn replay<T: DeserializeOwned>(
    tx: &mut dyn Tx,
    token_id: &str,
    key: &IdempotencyKey,
    now: DateTime<Utc>,
) -> Result<Option<T>, WriteError> {
    let Some((fingerprint, answer)) = tx.idempotent(token_id, &key.key, now - KEPT_FOR)? else {
        return Ok(None);
    };
    if fingerprint != key.fingerprint {
        return Err(WriteError::Invalid(vec![FieldError::new(
            "Idempotency-Key",
            "was used for a different request within 24 hours: use a new key for a new request",
        )]));
    }
    let answer = serde_json::from_value(answer)
        .map_err(|e| StoreError::Database { reason: format!("a kept idempotent answer cannot be read: {e}") })?;
    Ok(Some(answer))
}

/// Keeps `answer` under `key` (and forgets keys older than [`KEPT_FOR`]).
pub(crate) fn remember<T: Serialize>(
    tx: &mut dyn Tx,
    token_id: &str,
    key: &IdempotencyKey,
    now: DateTime<Utc>,
    answer: &T,
) -> Result<(), StoreError> {
    let answer = serde_json::to_value(answer)
        .map_err(|e| StoreError::Database { reason: format!("an answer cannot be kept: {e}") })?;
    tx.forget_idempotent_before(now - KEPT_FOR)?;
    tx.remember_idempotent(token_id, &key.key, &key.fingerprint, now, &answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_and_requests_fingerprinted() {
        let a = IdempotencyKey::new("3f2c-11", &[b"POST", b"{\"a\":1}"]).unwrap();
        assert_eq!(a, IdempotencyKey::new("\"3f2c-11\"", &[b"POST", b"{\"a\":1}"]).unwrap());
        assert_ne!(a, IdempotencyKey::new("3f2c-11", &[b"POST", b"{\"a\":2}"]).unwrap());
        assert_ne!(
            IdempotencyKey::new("k", &[b"ab", b"c"]).unwrap(),
            IdempotencyKey::new("k", &[b"a", b"bc"]).unwrap(),
            "parts are delimited"
        );
        for bad in ["", "with space", "ключ", &"x".repeat(256)] {
            assert!(IdempotencyKey::new(bad, &[]).is_err(), "{bad:?}");
        }
    }
}
