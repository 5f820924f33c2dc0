//! Authentication providers: a token exchanged for a refresh token or client credentials,
//! cached and refreshed ahead of expiry by one exchange at a time; or a fixed token.
//! - this module: [`Auth`], the provider a runtime is built with;
//! - `credentials`: which credential a provider spends, where its token goes in a request,
//!   and the [`AuthError`] that names the credential whose exchange failed, never showing it;
//! - `exchange`: the two token exchanges (CSP refresh token, VCPP client credentials);
//! - `cache`: the cached token, renewed by one exchange however many requests wait.

mod cache;
mod credentials;
mod exchange;

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use crate::secret::Secret;
use cache::TokenCache;
use credentials::Scheme;
pub use credentials::{AuthError, Credential};
pub use exchange::{CSP_DEFAULT_LIFETIME, VCPP_DEFAULT_LIFETIME};
use exchange::{CSP_EXCHANGE_PATH, Exchange};

/// How long before expiry a cached token is replaced.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// How requests are authenticated.
#[derive(Clone, Debug)]
pub struct Auth(AuthKind);

#[derive(Clone, Debug)]
enum AuthKind {
    None,
    Fixed { scheme: Scheme, token: Secret },
    Refreshing(Arc<TokenCache>),
}

impl Auth {
    /// No authentication (the token exchanges themselves, or a mock that needs none).
    pub fn none() -> Auth {
        Auth(AuthKind::None)
    }

    /// A CSP access token managed by the caller, sent as `csp-auth-token`.
    pub fn csp_access_token(token: impl Into<Secret>) -> Auth {
        Auth(AuthKind::Fixed {
            scheme: Scheme::CspHeader,
            token: token.into(),
        })
    }

    /// A VCPP bearer token managed by the caller, sent as `authorization: bearer …`.
    pub fn bearer_token(token: impl Into<Secret>) -> Auth {
        Auth(AuthKind::Fixed {
            scheme: Scheme::Bearer,
            token: token.into(),
        })
    }

    /// An API (refresh) token of a CPHub/Navigator organization, exchanged at
    /// `{base_url}/cphub/api/auth/v1/authn/accesstoken` for access tokens as needed.
    pub fn csp_refresh_token(base_url: &str, refresh_token: impl Into<Secret>) -> Auth {
        Auth::refreshing(Exchange::Csp {
            url: format!("{}{CSP_EXCHANGE_PATH}", base_url.trim_end_matches('/')),
            refresh_token: refresh_token.into(),
        })
    }

    /// VCPP client credentials, exchanged with HTTP Basic at `token_url` (the m0
    /// `…/token/oauth` endpoint) for bearer tokens as needed.
    pub fn vcpp_client_credentials(
        token_url: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Auth {
        Auth::refreshing(Exchange::Vcpp {
            url: token_url.to_owned(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        })
    }

    fn refreshing(exchange: Exchange) -> Auth {
        Auth::refreshing_with_margin(exchange, DEFAULT_REFRESH_MARGIN)
    }

    fn refreshing_with_margin(exchange: Exchange, refresh_margin: Duration) -> Auth {
        Auth(AuthKind::Refreshing(Arc::new(TokenCache::new(
            exchange,
            refresh_margin,
        ))))
    }

    /// Replaces a cached token this long before it expires (default one minute). A setting
    /// made while building: the result is a new provider with an empty cache. Has no effect
    /// on a fixed token.
    pub fn refresh_margin(self, margin: Duration) -> Auth {
        match self.0 {
            AuthKind::Refreshing(cache) => {
                Auth::refreshing_with_margin(cache.exchange().clone(), margin)
            }
            other => Auth(other),
        }
    }

    /// How many token exchanges this provider has made (shared by every clone).
    pub fn exchange_count(&self) -> u64 {
        match &self.0 {
            AuthKind::Refreshing(cache) => cache.exchange_count(),
            _ => 0,
        }
    }

    /// The header that authenticates a request now, exchanging a token first if the cache
    /// holds none that is fresh. `None` without authentication.
    pub(crate) async fn header(
        &self,
        http: &reqwest::Client,
    ) -> Result<Option<(HeaderName, HeaderValue)>, AuthError> {
        match &self.0 {
            AuthKind::None => Ok(None),
            AuthKind::Fixed { scheme, token } => scheme.header(token).map(Some),
            AuthKind::Refreshing(cache) => {
                let token = cache.current(http).await?;
                cache.scheme().header(&token).map(Some)
            }
        }
    }

    /// The token header a request carries, as this provider writes it; what
    /// [`refresh_after_rejection`](Self::refresh_after_rejection) takes.
    pub(crate) fn sent_token(&self, headers: &reqwest::header::HeaderMap) -> Option<HeaderValue> {
        match &self.0 {
            AuthKind::Refreshing(cache) => headers.get(cache.scheme().header_name()).cloned(),
            _ => None,
        }
    }

    /// After a `401` to a request sent with `sent`: drops that token and returns the header
    /// of a new one. `None` when this provider cannot refresh.
    pub(crate) async fn refresh_after_rejection(
        &self,
        http: &reqwest::Client,
        sent: Option<&HeaderValue>,
    ) -> Option<Result<(HeaderName, HeaderValue), AuthError>> {
        let AuthKind::Refreshing(cache) = &self.0 else {
            return None;
        };
        cache.invalidate(sent).await;
        Some(match cache.current(http).await {
            Ok(token) => cache.scheme().header(&token),
            Err(error) => Err(error),
        })
    }
}
