//! Staff tokens: how a secret is made, shown once, and checked.
//!
//! A token reads `hmt_<id>_<secret>`: the id (48 random bits, hex) finds the stored row
//! without scanning, the secret is 256 bits from the operating system's generator, and only
//! an Argon2id hash of the whole token (a PHC string) is stored, so a copy of the database
//! does not hand out working tokens. The secret is never logged: [`TokenSecret`]'s `Debug`
//! hides it.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::StoreError;
use crate::model::Role;

/// The prefix that marks a hue-map token (so secret scanners can find leaked ones).
pub const TOKEN_PREFIX: &str = "hmt_";
/// Hex digits of a token id.
const ID_HEX: usize = 12;
/// Random bytes of a token's secret part (256 bits).
const SECRET_BYTES: usize = 32;

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
    /// Argon2id PHC string of the whole token.
    pub hash: String,
}

/// Makes a new id and token; returns (id, token, hash).
pub(crate) fn generate() -> Result<(String, TokenSecret, String), StoreError> {
    let mut id_bytes = [0u8; ID_HEX / 2];
    let mut secret_bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut id_bytes).map_err(random_failed)?;
    getrandom::fill(&mut secret_bytes).map_err(random_failed)?;
    let id = hex(&id_bytes);
    let token = format!("{TOKEN_PREFIX}{id}_{}", hex(&secret_bytes));
    let hash = Argon2::default()
        .hash_password(token.as_bytes())
        .map_err(|e| StoreError::Database { reason: format!("hashing a token failed: {e}") })?
        .to_string();
    Ok((id, TokenSecret(token), hash))
}

/// The id embedded in a token, if it has the token's shape.
pub(crate) fn id_of(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let is_hex = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (id.len() == ID_HEX && secret.len() == SECRET_BYTES * 2 && is_hex(id) && is_hex(secret)).then_some(id)
}

/// Whether `token` matches the stored hash (false for an unreadable hash).
pub(crate) fn verify(token: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default().verify_password(token.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
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
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains(token.expose()));
        assert!(verify(token.expose(), &hash));
        let mut wrong = token.expose().to_string();
        wrong.pop();
        wrong.push(if token.expose().ends_with('0') { '1' } else { '0' });
        assert!(!verify(&wrong, &hash));
        assert!(!format!("{token:?}").contains(&id));
    }

    #[test]
    fn malformed_tokens_have_no_id() {
        assert_eq!(id_of("Bearer x"), None);
        assert_eq!(id_of("hmt_abc_def"), None);
        assert_eq!(id_of(&format!("hmt_{}_{}", "g".repeat(12), "0".repeat(64))), None);
    }
}
