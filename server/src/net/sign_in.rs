//! Failed sign-ins, counted per client and per (client, token id), so that a guesser is
//! slowed down while a correct token from the same address is never refused for it.

use std::time::Duration;

use crate::net::client::ClientKey;
use crate::net::rate_limit::RateLimit;

/// Failed sign-ins in the last [`FAILURE_WINDOW`].
pub struct SignInFailures {
    /// Per client: many token ids tried (a scan).
    by_client: RateLimit<Option<ClientKey>>,
    /// Per client and token id: one token's secret guessed.
    by_token: RateLimit<(Option<ClientKey>, String)>,
}

/// How long a failed sign-in counts.
const FAILURE_WINDOW: Duration = Duration::from_secs(600);

impl Default for SignInFailures {
    fn default() -> SignInFailures {
        SignInFailures { by_client: RateLimit::new(20, FAILURE_WINDOW), by_token: RateLimit::new(10, FAILURE_WINDOW) }
    }
}

impl SignInFailures {
    /// Counts a failure; returns how long the client should wait, once over either limit.
    pub(crate) fn record(&self, client: Option<ClientKey>, token_id: Option<&str>) -> Option<Duration> {
        self.by_client.record(&client);
        let mut wait = self.by_client.waiting(&client);
        if let Some(id) = token_id {
            let key = (client, id.to_string());
            self.by_token.record(&key);
            wait = wait.max(self.by_token.waiting(&key));
        }
        wait
    }
}
