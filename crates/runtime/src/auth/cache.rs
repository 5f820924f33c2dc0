//! The token cache of a refreshing provider.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;

use super::credentials::{AuthError, Scheme};
use super::exchange::Exchange;
use crate::secret::Secret;

/// How long a token whose announced lifetime overflows the clock is kept.
const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// A cached token and the exchange that renews it. The async mutex is held across an
/// exchange, so concurrent callers on a cold or stale cache wait for one exchange and share
/// its token.
pub(super) struct TokenCache {
    exchange: Exchange,
    refresh_margin: Duration,
    state: tokio::sync::Mutex<Option<Cached>>,
    exchanges: AtomicU64,
}

struct Cached {
    token: Secret,
    refresh_at: Instant,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("exchange", &self.exchange)
            .field("refresh_margin", &self.refresh_margin)
            .field("exchanges", &self.exchanges.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    pub(super) fn new(exchange: Exchange, refresh_margin: Duration) -> TokenCache {
        TokenCache {
            exchange,
            refresh_margin,
            state: tokio::sync::Mutex::new(None),
            exchanges: AtomicU64::new(0),
        }
    }

    /// How many exchanges this cache has made.
    pub(super) fn exchange_count(&self) -> u64 {
        self.exchanges.load(Ordering::Relaxed)
    }

    /// The exchange that renews the token.
    pub(super) fn exchange(&self) -> &Exchange {
        &self.exchange
    }

    /// Where the tokens of this cache's exchange go in a request.
    pub(super) fn scheme(&self) -> Scheme {
        self.exchange.scheme()
    }

    pub(super) async fn current(&self, http: &reqwest::Client) -> Result<Secret, AuthError> {
        let mut state = self.state.lock().await;
        if let Some(cached) = state.as_ref()
            && Instant::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        self.exchanges.fetch_add(1, Ordering::Relaxed);
        let (token, lifetime) = self.exchange.run(http).await?;
        // Refresh `refresh_margin` ahead, but never sooner than halfway through a short life.
        let ahead = self.refresh_margin.min(lifetime / 2);
        let now = Instant::now();
        // A lifetime beyond the clock's range (a server announcing `u64::MAX` seconds) must
        // not panic: such a token is kept for a century, or until a 401 says otherwise.
        let refresh_at = now
            .checked_add(lifetime - ahead)
            .unwrap_or_else(|| now + CENTURY);
        *state = Some(Cached {
            token: token.clone(),
            refresh_at,
        });
        Ok(token)
    }

    /// Forgets the cached token if it is the one a rejected request carried; a token another
    /// task already renewed is kept.
    pub(super) async fn invalidate(&self, sent: Option<&HeaderValue>) {
        let mut state = self.state.lock().await;
        let Some(cached) = state.as_ref() else {
            return;
        };
        let current = self.exchange.scheme().header(&cached.token).ok();
        if sent.is_none() || current.map(|(_, value)| value).as_ref() == sent {
            *state = None;
        }
    }
}
