//! Staff tokens: how a secret is made, shown once, and checked.
//!
//! A token reads `hmt_<id>_<secret>`: the id (48 random bits, hex) finds the stored row
//! without scanning, the secret is 256 bits from the operating system's generator, and only
//! a SHA-256 digest of the whole token is stored, so a copy of the database does not hand
//! out working tokens. The secret is never logged: [`TokenSecret`]'s `Debug` hides it.
//!
//! Why not a slow password hash: a token is a random 256-bit secret, not a password, so
//! there is no dictionary to slow down, and a slow hash made every wrong guess cost the
//! server its price (Argon2id: ~19 MiB and tens of milliseconds; 200 parallel wrong secrets
//! for a real id took the server to 2.2 GB). A digest check costs microseconds, compared in
//! constant time. Tokens issued before this still carry an Argon2id PHC string: they keep
//! working, checked at most [`LEGACY_CHECKS`] at a time (a check that finds both slots taken
//! waits for none: its caller is told to come back, and no thread is held), and are
//! re-stored as digests on their first successful use.

use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::PasswordVerifier;
use argon2::Argon2;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::StoreError;
use crate::model::Role;

/// The prefix that marks a hue-map token (so secret scanners can find leaked ones).
pub const TOKEN_PREFIX: &str = "hmt_";
/// Hex digits of a token id.
const ID_HEX: usize = 12;
/// Random bytes of a token's secret part (256 bits).
const SECRET_BYTES: usize = 32;
/// How a stored digest begins.
const DIGEST_PREFIX: &str = "sha256$";
/// Argon2id checks of legacy hashes running at once (each takes ~19 MiB).
pub const LEGACY_CHECKS: usize = 2;

/// A token as listed: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// The public id, also embedded in the token.
    pub id: String,
    /// Who or what it was issued to.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// For editors, the communes whose offices they may change.
    pub communes: Vec<String>,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token's full text, shown once when it is issued. `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSecret(String);

impl TokenSecret {
    /// The token, to show the person it is issued to (and nowhere else).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSecret(***)")
    }
}

/// A stored token row.
#[derive(Debug, Clone)]
pub(crate) struct StoredToken {
    pub info: TokenInfo,
    /// `sha256$` and the hex digest of the whole token, or (tokens issued before digests) an
    /// Argon2id PHC string.
    pub hash: String,
}

/// Makes a new id and token; returns (id, token, stored digest).
pub(crate) fn generate() -> Result<(String, TokenSecret, String), StoreError> {
    let mut id_bytes = [0u8; ID_HEX / 2];
    let mut secret_bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut id_bytes).map_err(random_failed)?;
    getrandom::fill(&mut secret_bytes).map_err(random_failed)?;
    let id = hex(&id_bytes);
    let token = format!("{TOKEN_PREFIX}{id}_{}", hex(&secret_bytes));
    let hash = digest(&token);
    Ok((id, TokenSecret(token), hash))
}

/// The stored form of a token: `sha256$` and its hex digest.
pub(crate) fn digest(token: &str) -> String {
    format!("{DIGEST_PREFIX}{}", hex(&Sha256::digest(token.as_bytes())))
}

/// Whether a stored hash is a legacy Argon2 one, to be replaced by a digest once verified.
pub(crate) fn is_legacy(hash: &str) -> bool {
    !hash.starts_with(DIGEST_PREFIX)
}

/// The id embedded in a token, if it has the token's shape.
pub fn id_of(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let is_hex = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (id.len() == ID_HEX && secret.len() == SECRET_BYTES * 2 && is_hex(id) && is_hex(secret)).then_some(id)
}

/// Whether `token` matches the stored hash (false for an unreadable hash); `Busy` when it is
/// a legacy hash and [`LEGACY_CHECKS`] are running already.
pub(crate) fn verify(token: &str, hash: &str) -> Result<bool, StoreError> {
    if let Some(stored) = hash.strip_prefix(DIGEST_PREFIX) {
        let presented = digest(token);
        let presented = &presented[DIGEST_PREFIX.len()..];
        return Ok(presented.len() == stored.len() && bool::from(presented.as_bytes().ct_eq(stored.as_bytes())));
    }
    let Ok(parsed) = PasswordHash::new(hash) else {
        return Ok(false);
    };
    let _turn = LegacyTurn::take().ok_or(StoreError::Busy { what: "checks of tokens issued before digests" })?;
    Ok(Argon2::default().verify_password(token.as_bytes(), &parsed).is_ok())
}

/// Argon2 checks running now in this process.
static LEGACY_RUNNING: AtomicUsize = AtomicUsize::new(0);

/// One of the [`LEGACY_CHECKS`] slots, given back on drop.
struct LegacyTurn;

impl LegacyTurn {
    fn take() -> Option<LegacyTurn> {
        LEGACY_RUNNING
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |running| {
                (running < LEGACY_CHECKS).then_some(running + 1)
            })
            .ok()
            .map(|_| LegacyTurn)
    }
}

impl Drop for LegacyTurn {
    fn drop(&mut self) {
        LEGACY_RUNNING.fetch_sub(1, Ordering::AcqRel);
    }
}

fn random_failed(e: getrandom::Error) -> StoreError {
    StoreError::Database { reason: format!("the operating system's random generator failed: {e}") }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_against_its_hash_only() {
        let (id, token, hash) = generate().unwrap();
        assert_eq!(id_of(token.expose()), Some(id.as_str()));
        assert!(token.expose().starts_with("hmt_"));
        assert_eq!(token.expose().len(), 4 + 12 + 1 + 64);
        assert!(hash.starts_with("sha256$") && hash.len() == 7 + 64);
        assert!(!is_legacy(&hash));
        assert!(!hash.contains(token.expose()));
        assert!(verify(token.expose(), &hash).unwrap());
        let mut wrong = token.expose().to_string();
        wrong.pop();
        wrong.push(if token.expose().ends_with('0') { '1' } else { '0' });
        assert!(!verify(&wrong, &hash).unwrap());
        assert!(!format!("{token:?}").contains(&id));
    }

    #[test]
    fn a_legacy_argon2_hash_still_verifies() {
        use argon2::password_hash::PasswordHasher;
        let (_, token, _) = generate().unwrap();
        let legacy = Argon2::default().hash_password(token.expose().as_bytes()).unwrap().to_string();
        assert!(is_legacy(&legacy));
        assert!(verify(token.expose(), &legacy).unwrap());
        assert!(!verify(&token.expose().replace('_', "-"), &legacy).unwrap());
        assert!(!verify(token.expose(), "sha256$00").unwrap(), "a short digest never matches");
        assert!(!verify(token.expose(), "garbage").unwrap());
        // With both slots taken, a legacy check is refused at once rather than queued.
        let held = [LegacyTurn::take().unwrap(), LegacyTurn::take().unwrap()];
        assert!(matches!(verify(token.expose(), &legacy), Err(StoreError::Busy { .. })));
        assert!(verify(token.expose(), "sha256$00").is_ok(), "digests need no slot");
        drop(held);
        assert!(verify(token.expose(), &legacy).unwrap());
    }

    #[test]
    fn malformed_tokens_have_no_id() {
        assert_eq!(id_of("Bearer x"), None);
        assert_eq!(id_of("hmt_abc_def"), None);
        assert_eq!(id_of(&format!("hmt_{}_{}", "g".repeat(12), "0".repeat(64))), None);
    }
}
