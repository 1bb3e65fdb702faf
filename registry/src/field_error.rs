//! One invalid field of a submission: what every validation in the registry reports, so a
//! form can show all its mistakes at once.

use serde::{Deserialize, Serialize};

/// One invalid field of a submission, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name as submitted (`position` stands for `lon` and `lat` together).
    pub field: String,
    /// What is wrong with it, in plain words.
    pub reason: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: &str, reason: impl Into<String>) -> FieldError {
        FieldError { field: field.to_string(), reason: reason.into() }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}
