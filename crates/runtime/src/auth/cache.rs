//! The token cache of a provider with a [`TokenSource`]: one fetch at a time, renewal ahead of
//! expiry, and forgetting a token a server rejected.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue};

use super::credentials::{AuthError, Credential, Scheme};
use super::source::{Described, FetchReason, TokenRequest, TokenSource};
use crate::secret::Secret;

/// How long a token is kept when its lifetime overflows the clock, or is not known (a token
/// of a source of your own that is no JWT): until a `401` says otherwise.
const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// A cached token and the source that renews it. The async mutex is held across a fetch, so
/// concurrent callers on a cold or stale cache wait for one fetch and share its token.
pub(super) struct TokenCache {
    source: Arc<dyn TokenSource>,
    credential: Credential,
    scheme: Scheme,
    refresh_margin: Duration,
    state: tokio::sync::Mutex<State>,
    fetches: AtomicU64,
}

enum State {
    /// No token yet.
    Empty,
    /// A token's header, made once when it is fetched (marked sensitive) and cloned (a
    /// reference count) into each request.
    Held {
        header: HeaderValue,
        refresh_at: Instant,
    },
    /// The token held was answered `401`.
    Rejected,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("source", &Described(self.source.as_ref()))
            .field("scheme", &self.scheme)
            .field("refresh_margin", &self.refresh_margin)
            .field("exchanges", &self.fetches.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    pub(super) fn new(source: Arc<dyn TokenSource>, refresh_margin: Duration) -> TokenCache {
        TokenCache {
            credential: source.credential(),
            scheme: source.scheme(),
            source,
            refresh_margin,
            state: tokio::sync::Mutex::new(State::Empty),
            fetches: AtomicU64::new(0),
        }
    }

    /// How many fetches this cache has made.
    pub(super) fn exchange_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The source that renews the token.
    pub(super) fn source(&self) -> &Arc<dyn TokenSource> {
        &self.source
    }

    /// The credential the source spends.
    pub(super) fn credential(&self) -> Credential {
        self.credential
    }

    /// Where the tokens of this cache's source go in a request.
    pub(super) fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The header of the token held, when it is fit to send and the cache is not busy: the
    /// synchronous fast path of [`current`](Self::current), which every call takes.
    pub(super) fn current_now(&self) -> Option<(HeaderName, HeaderValue)> {
        match &*self.state.try_lock().ok()? {
            State::Held { header, refresh_at } if Instant::now() < *refresh_at => {
                Some((self.scheme.header_name(), header.clone()))
            }
            _ => None,
        }
    }

    /// The header of a token fit to send, fetched first when the cache holds none.
    pub(super) async fn current(
        &self,
        http: &reqwest::Client,
    ) -> Result<(HeaderName, HeaderValue), AuthError> {
        let mut state = self.state.lock().await;
        let reason = match &*state {
            State::Held { header, refresh_at } if Instant::now() < *refresh_at => {
                return Ok((self.scheme.header_name(), header.clone()));
            }
            State::Held { .. } => FetchReason::Expiring,
            State::Empty => FetchReason::Cold,
            State::Rejected => FetchReason::Rejected,
        };
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let token = self.source.fetch(TokenRequest::new(http, reason)).await?;
        let lifetime = token.known_lifetime();
        let header = self.header(token.value())?;
        let now = Instant::now();
        let refresh_at = match lifetime {
            // Refresh `refresh_margin` ahead, but never sooner than halfway through a short
            // life. A lifetime beyond the clock's range (a server announcing `u64::MAX`
            // seconds) must not panic: such a token is kept for a century, or until a 401.
            Some(lifetime) => now
                .checked_add(lifetime - self.refresh_margin.min(lifetime / 2))
                .unwrap_or_else(|| now + CENTURY),
            None => now + CENTURY,
        };
        tracing::debug!(
            credential = %self.credential,
            reason = ?reason,
            lifetime_s = lifetime.map(|l| l.as_secs()),
            "new token",
        );
        *state = State::Held {
            header: header.1.clone(),
            refresh_at,
        };
        Ok(header)
    }

    /// The header carrying `token`; an error naming the source when it cannot be one.
    fn header(&self, token: &Secret) -> Result<(HeaderName, HeaderValue), AuthError> {
        self.scheme.header(token).map_err(|_| {
            AuthError::new(
                self.credential,
                "the token it gave is not a valid HTTP header value",
            )
        })
    }

    /// Forgets the cached token if it is the one a rejected request carried; a token another
    /// task already renewed is kept.
    pub(super) async fn invalidate(&self, sent: Option<&HeaderValue>) {
        let mut state = self.state.lock().await;
        if let State::Held { header, .. } = &*state
            && sent.is_none_or(|sent| header == sent)
        {
            *state = State::Rejected;
        }
    }
}
