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
//! working, checked at most [`LEGACY_CHECKS`] at a time, and are re-stored as digests on
//! their first successful use.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

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
/// How long a legacy check waits for its turn before counting as failed.
const LEGACY_WAIT: Duration = Duration::from_secs(5);

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

/// Whether `token` matches the stored hash (false for an unreadable hash).
pub(crate) fn verify(token: &str, hash: &str) -> bool {
    if let Some(stored) = hash.strip_prefix(DIGEST_PREFIX) {
        let presented = digest(token);
        let presented = &presented[DIGEST_PREFIX.len()..];
        return presented.len() == stored.len() && bool::from(presented.as_bytes().ct_eq(stored.as_bytes()));
    }
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let Some(_turn) = LEGACY_GATE.enter() else {
        tracing::warn!("a legacy token check waited over {LEGACY_WAIT:?} for its turn; refused");
        return false;
    };
    Argon2::default().verify_password(token.as_bytes(), &parsed).is_ok()
}

/// At most [`LEGACY_CHECKS`] Argon2 checks at once in this process.
static LEGACY_GATE: LegacyGate = LegacyGate { running: Mutex::new(0), freed: Condvar::new() };

struct LegacyGate {
    running: Mutex<usize>,
    freed: Condvar,
}

struct LegacyTurn(&'static LegacyGate);

impl LegacyGate {
    fn enter(&'static self) -> Option<LegacyTurn> {
        let running = self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (mut running, waited) = self
            .freed
            .wait_timeout_while(running, LEGACY_WAIT, |running| *running >= LEGACY_CHECKS)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if waited.timed_out() && *running >= LEGACY_CHECKS {
            return None;
        }
        *running += 1;
        Some(LegacyTurn(self))
    }
}

impl Drop for LegacyTurn {
    fn drop(&mut self) {
        *self.0.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) -= 1;
        self.0.freed.notify_one();
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
        assert!(verify(token.expose(), &hash));
        let mut wrong = token.expose().to_string();
        wrong.pop();
        wrong.push(if token.expose().ends_with('0') { '1' } else { '0' });
        assert!(!verify(&wrong, &hash));
        assert!(!format!("{token:?}").contains(&id));
    }

    #[test]
    fn a_legacy_argon2_hash_still_verifies() {
        use argon2::password_hash::PasswordHasher;
        let (_, token, _) = generate().unwrap();
        let legacy = Argon2::default().hash_password(token.expose().as_bytes()).unwrap().to_string();
        assert!(is_legacy(&legacy));
        assert!(verify(token.expose(), &legacy));
        assert!(!verify(&token.expose().replace('_', "-"), &legacy));
        assert!(!verify(token.expose(), "sha256$00"), "a short digest never matches");
        assert!(!verify(token.expose(), "garbage"));
    }

    #[test]
    fn malformed_tokens_have_no_id() {
        assert_eq!(id_of("Bearer x"), None);
        assert_eq!(id_of("hmt_abc_def"), None);
        assert_eq!(id_of(&format!("hmt_{}_{}", "g".repeat(12), "0".repeat(64))), None);
    }
}
