//! Authentication providers: a token got from a [`TokenSource`], cached and renewed ahead of
//! expiry by one fetch at a time, and once more after a `401`; or a fixed token. The five
//! sources, side by side, are [`Auth`]'s example.
//!
//! - this module: [`Auth`], the provider a runtime is built with;
//! - `source`: the [`TokenSource`] trait, its [`Token`] and [`TokenRequest`];
//! - `sources`: the four built-in sources that exchange a credential over HTTP;
//! - `exchange`: [`exchange_token`], the one HTTP exchange they all make;
//! - `credentials`: which credential a provider spends, where its token goes in a request
//!   ([`Scheme`]), and the [`AuthError`] that names the credential whose source failed,
//!   never showing it;
//! - `cache`: the cached token, renewed by one fetch however many requests wait.

mod cache;
mod credentials;
mod exchange;
mod source;
mod sources;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use crate::secret::Secret;
use cache::TokenCache;
pub use credentials::{AuthError, Credential, Scheme};
pub use exchange::exchange_token;
use source::FnSource;
pub use source::{FetchReason, Token, TokenFuture, TokenRequest, TokenSource};
pub use sources::{
    CSP_DEFAULT_LIFETIME, CspApiToken, NavigatorOAuthApp, NavigatorRefreshToken,
    VCPP_DEFAULT_LIFETIME, VcppClientCredentials,
};

/// How long before expiry a cached token is replaced.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// How requests are authenticated. Cloning is cheap; clones share the token cache.
///
/// Five token sources come with the runtime, and any other is a [`TokenSource`] (or a
/// closure, [`Auth::from_fn`]) under the same cache: one fetch however many requests wait,
/// renewal [`refresh_margin`](Self::refresh_margin) ahead of expiry, and one renewal (and one
/// retry) after a `401`.
///
/// ```no_run
/// use std::time::Duration;
/// use vmware_cpn_runtime::{Auth, AuthError, Credential, Runtime, Scheme, Token, presets};
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let env = |name: &str| std::env::var(name);
///
/// // A Navigator (CPHub) API token, exchanged at Navigator for access tokens.
/// let navigator = Auth::csp_refresh_token(presets::NAVIGATOR, env("NAVIGATOR_API_TOKEN")?);
///
/// // A CSP API token, exchanged at the CSP gateway (`api_token`, form-encoded).
/// let csp = Auth::csp_api_token(presets::CSP, env("CSP_API_TOKEN")?);
///
/// // A Navigator OAuth app: client id and secret (HTTP Basic) for tokens in one organization.
/// let oauth_app = Auth::navigator_oauth_app(
///     presets::NAVIGATOR,
///     env("NAVIGATOR_ORG_ID")?,
///     env("NAVIGATOR_CLIENT_ID")?,
///     env("NAVIGATOR_CLIENT_SECRET")?,
/// );
///
/// // VCPP client credentials (HTTP Basic at the token URL), sent as bearer tokens.
/// let vcpp = Auth::vcpp_client_credentials(
///     presets::VCPP_PRODUCTION_TOKEN,
///     env("VCPP_CLIENT_ID")?,
///     env("VCPP_CLIENT_SECRET")?,
/// );
///
/// // A source of your own, here a token a sidecar (or a vault agent) keeps in a file: no HTTP
/// // needed. The runtime caches it, asks again ahead of its end and after a 401.
/// const SIDECAR: Credential = Credential::Custom("sidecar token");
/// let sidecar = Auth::from_fn(SIDECAR, Scheme::CspAuthToken, |_request| async {
///     let token = std::fs::read_to_string("/run/secrets/navigator-token")
///         .map_err(|e| AuthError::new(SIDECAR, "cannot read the token file").with_source(e))?;
///     Ok(Token::new(token.trim()).with_lifetime(Duration::from_secs(300)))
/// });
///
/// for auth in [navigator, csp, oauth_app, vcpp, sidecar] {
///     let runtime = Runtime::builder().auth(auth).build()?;
///     // Checks the credential now (the first call would do it anyway).
///     runtime.authenticate().await?;
///     println!("logged in with the {}", runtime.auth().credential().unwrap());
///     // Then any client of the matching surface, sharing the login:
///     // cphub_core::Client::with_runtime(presets::NAVIGATOR, runtime.clone())
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Auth(AuthKind);

#[derive(Clone, Debug)]
enum AuthKind {
    None,
    Fixed {
        scheme: Scheme,
        token: Secret,
        /// The token's header value, made once (`None` when the token cannot be one: the
        /// error then comes with each request, as it would if made there).
        header: Option<HeaderValue>,
    },
    Source(Arc<TokenCache>),
}

impl AuthKind {
    fn fixed(scheme: Scheme, token: Secret) -> AuthKind {
        let header = scheme.header(&token).ok().map(|(_, value)| value);
        AuthKind::Fixed {
            scheme,
            token,
            header,
        }
    }
}

impl Auth {
    /// No authentication (the token exchanges themselves, or a mock that needs none).
    pub fn none() -> Auth {
        Auth(AuthKind::None)
    }

    /// A CSP access token managed by the caller, sent as `csp-auth-token`. Never renewed: a
    /// `401` is the answer.
    pub fn csp_access_token(token: impl Into<Secret>) -> Auth {
        Auth(AuthKind::fixed(Scheme::CspAuthToken, token.into()))
    }

    /// A VCPP bearer token managed by the caller, sent as `authorization: bearer …`. Never
    /// renewed: a `401` is the answer.
    pub fn bearer_token(token: impl Into<Secret>) -> Auth {
        Auth(AuthKind::fixed(Scheme::Bearer, token.into()))
    }

    /// An API (refresh) token of a CPHub/Navigator organization, exchanged at
    /// `{base_url}/cphub/api/auth/v1/authn/accesstoken` for access tokens as needed
    /// ([`NavigatorRefreshToken`]).
    pub fn csp_refresh_token(base_url: &str, refresh_token: impl Into<Secret>) -> Auth {
        Auth::from_source(NavigatorRefreshToken::new(base_url, refresh_token))
    }

    /// A CSP API token, exchanged at `exchange_url`, the CSP gateway's
    /// `…/csp/gateway/am/api/auth/api-tokens/authorize` ([`presets::CSP`]), for access tokens
    /// as needed, sent as `csp-auth-token` ([`CspApiToken`]).
    ///
    /// [`presets::CSP`]: crate::presets::CSP
    pub fn csp_api_token(exchange_url: &str, api_token: impl Into<Secret>) -> Auth {
        Auth::from_source(CspApiToken::new(exchange_url, api_token))
    }

    /// A Navigator OAuth app's client id and secret, exchanged with HTTP Basic at
    /// `{base_url}/cphub/api/auth/v2/authn/authorize?orgId={org_id}` for access tokens in the
    /// organization `org_id` as needed, sent as `csp-auth-token` ([`NavigatorOAuthApp`]).
    pub fn navigator_oauth_app(
        base_url: &str,
        org_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Auth {
        Auth::from_source(NavigatorOAuthApp::new(
            base_url,
            org_id,
            client_id,
            client_secret,
        ))
    }

    /// VCPP client credentials, exchanged with HTTP Basic at `token_url` (the m0
    /// `…/token/oauth` endpoint) for bearer tokens as needed ([`VcppClientCredentials`]).
    pub fn vcpp_client_credentials(
        token_url: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Auth {
        Auth::from_source(VcppClientCredentials::new(
            token_url,
            client_id,
            client_secret,
        ))
    }

    /// Tokens from `source`, cached: fetched once however many requests wait, again
    /// [`refresh_margin`](Self::refresh_margin) ahead of their end, and once more (and only
    /// once per call) when a request is answered `401`.
    pub fn from_source(source: impl TokenSource) -> Auth {
        Auth::with_source(Arc::new(source), DEFAULT_REFRESH_MARGIN)
    }

    /// Tokens from a closure, as [`from_source`](Self::from_source) does: `fetch` gets a
    /// [`TokenRequest`] and returns the [`Token`], which goes in requests as `scheme` says;
    /// its errors name `credential`.
    pub fn from_fn<F, Fut>(credential: Credential, scheme: Scheme, fetch: F) -> Auth
    where
        F: Fn(TokenRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Token, AuthError>> + Send + 'static,
    {
        Auth::from_source(FnSource {
            credential,
            scheme,
            fetch,
        })
    }

    fn with_source(source: Arc<dyn TokenSource>, refresh_margin: Duration) -> Auth {
        Auth(AuthKind::Source(Arc::new(TokenCache::new(
            source,
            refresh_margin,
        ))))
    }

    /// Replaces a cached token this long before it expires (default one minute; at most
    /// half the token's lifetime). A setting made while building: the result is a new
    /// provider with an empty cache. Has no effect on a fixed token.
    pub fn refresh_margin(self, margin: Duration) -> Auth {
        match self.0 {
            AuthKind::Source(cache) => Auth::with_source(cache.source().clone(), margin),
            other => Auth(other),
        }
    }

    /// The credential this provider spends (`None` without authentication), for a tool to
    /// say what it is logged in with.
    pub fn credential(&self) -> Option<Credential> {
        match &self.0 {
            AuthKind::None => None,
            AuthKind::Fixed { .. } => Some(Credential::AccessToken),
            AuthKind::Source(cache) => Some(cache.credential()),
        }
    }

    /// Where this provider's tokens go in a request (`None` without authentication).
    pub fn scheme(&self) -> Option<Scheme> {
        match &self.0 {
            AuthKind::None => None,
            AuthKind::Fixed { scheme, .. } => Some(*scheme),
            AuthKind::Source(cache) => Some(cache.scheme()),
        }
    }

    /// How many tokens this provider has fetched from its source (shared by every clone);
    /// each one is an exchange for the built-in sources.
    pub fn exchange_count(&self) -> u64 {
        match &self.0 {
            AuthKind::Source(cache) => cache.exchange_count(),
            _ => 0,
        }
    }

    /// [`header`](Self::header) without waiting, when it needs no wait: no authentication, a
    /// fixed token, or a fresh token in a cache nobody holds. `None` when it needs one.
    #[allow(clippy::type_complexity)]
    pub(crate) fn header_now(
        &self,
    ) -> Option<Result<Option<(HeaderName, HeaderValue)>, AuthError>> {
        match &self.0 {
            AuthKind::Source(cache) => cache.current_now().map(|header| Ok(Some(header))),
            AuthKind::None => Some(Ok(None)),
            AuthKind::Fixed {
                scheme,
                header: Some(value),
                ..
            } => Some(Ok(Some((scheme.header_name(), value.clone())))),
            AuthKind::Fixed { scheme, token, .. } => Some(scheme.header(token).map(Some)),
        }
    }

    /// The header that authenticates a request now, fetching a token first if the cache
    /// holds none that is fresh. `None` without authentication.
    pub(crate) async fn header(
        &self,
        http: &reqwest::Client,
    ) -> Result<Option<(HeaderName, HeaderValue)>, AuthError> {
        match &self.0 {
            AuthKind::None => Ok(None),
            AuthKind::Fixed {
                scheme,
                header: Some(value),
                ..
            } => Ok(Some((scheme.header_name(), value.clone()))),
            AuthKind::Fixed { scheme, token, .. } => scheme.header(token).map(Some),
            AuthKind::Source(cache) => cache.current(http).await.map(Some),
        }
    }

    /// The token header a request carries, as this provider writes it; what
    /// [`refresh_after_rejection`](Self::refresh_after_rejection) takes.
    pub(crate) fn sent_token(&self, headers: &reqwest::header::HeaderMap) -> Option<HeaderValue> {
        match &self.0 {
            AuthKind::Source(cache) => headers.get(cache.scheme().header_name()).cloned(),
            _ => None,
        }
    }

    /// Whether a `401` can be answered with a renewed token ([`refresh_after_rejection`]
    /// returns `Some`): only a provider with a token source.
    ///
    /// [`refresh_after_rejection`]: Self::refresh_after_rejection
    pub(crate) fn renews(&self) -> bool {
        matches!(self.0, AuthKind::Source(_))
    }

    /// After a `401` to a request sent with `sent`: drops that token and returns the header
    /// of a new one. `None` when this provider cannot refresh.
    pub(crate) async fn refresh_after_rejection(
        &self,
        http: &reqwest::Client,
        sent: Option<&HeaderValue>,
    ) -> Option<Result<(HeaderName, HeaderValue), AuthError>> {
        let AuthKind::Source(cache) = &self.0 else {
            return None;
        };
        cache.invalidate(sent).await;
        Some(cache.current(http).await)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::Failure;

    fn http() -> reqwest::Client {
        crate::http_client_builder().build().unwrap()
    }

    const MINE: Credential = Credential::Custom("my token");

    /// A closure source handing out `token-1`, `token-2`, … with `lifetime`, recording why.
    fn counting(lifetime: Option<Duration>) -> (Auth, Arc<Mutex<Vec<FetchReason>>>) {
        let reasons = Arc::new(Mutex::new(Vec::new()));
        let asked = reasons.clone();
        let count = Arc::new(AtomicU32::new(0));
        let auth = Auth::from_fn(MINE, Scheme::Bearer, move |request| {
            asked.lock().unwrap().push(request.reason());
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                let token = Token::new(format!("token-{n}"));
                Ok(match lifetime {
                    Some(lifetime) => token.with_lifetime(lifetime),
                    None => token,
                })
            }
        });
        (auth, reasons)
    }

    async fn sent(auth: &Auth) -> String {
        let (name, value) = auth.header(&http()).await.unwrap().unwrap();
        assert_eq!(name, reqwest::header::AUTHORIZATION);
        assert!(value.is_sensitive());
        value.to_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn a_token_of_unknown_lifetime_is_kept_until_a_401() {
        let (auth, reasons) = counting(None);
        assert_eq!(sent(&auth).await, "bearer token-1");
        assert_eq!(sent(&auth).await, "bearer token-1");

        let rejected = HeaderValue::from_static("bearer token-1");
        let (_, renewed) = auth
            .refresh_after_rejection(&http(), Some(&rejected))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(renewed, "bearer token-2");
        // A second rejection of the old token (another request) keeps the renewed one.
        let (_, kept) = auth
            .refresh_after_rejection(&http(), Some(&rejected))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept, "bearer token-2");
        assert_eq!(auth.exchange_count(), 2);
        assert_eq!(
            *reasons.lock().unwrap(),
            [FetchReason::Cold, FetchReason::Rejected]
        );
    }

    #[tokio::test]
    async fn a_short_lived_token_is_renewed_halfway_through() {
        let (auth, reasons) = counting(Some(Duration::from_millis(200)));
        assert_eq!(sent(&auth).await, "bearer token-1");
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert_eq!(sent(&auth).await, "bearer token-2");
        assert_eq!(
            *reasons.lock().unwrap(),
            [FetchReason::Cold, FetchReason::Expiring]
        );
    }

    #[tokio::test]
    async fn a_token_that_is_no_header_value_names_its_source_and_is_not_kept() {
        let count = Arc::new(AtomicU32::new(0));
        let counter = count.clone();
        let auth = Auth::from_fn(MINE, Scheme::CspAuthToken, move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok(Token::new("line\nbreak-secret")) }
        });
        for _ in 0..2 {
            let error = auth.header(&http()).await.unwrap_err();
            assert_eq!(error.credential(), MINE);
            let text = format!("{error} {error:?}");
            assert!(text.contains("my token"), "{text}");
            assert!(!text.contains("break-secret"), "{text}");
        }
        assert_eq!(count.load(Ordering::SeqCst), 2, "nothing cached");
    }

    #[tokio::test]
    async fn a_source_error_is_the_callers_with_its_failure_and_cause() {
        let auth = Auth::from_fn(MINE, Scheme::CspAuthToken, |_| async {
            let cause = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "no vault");
            Err(AuthError::new(MINE, "the vault cannot be reached")
                .with_source(cause)
                .with_failure(Failure::NoConnection))
        });
        let error = auth.header(&http()).await.unwrap_err();
        assert_eq!(error.credential(), MINE);
        assert!(error.is_retryable());
        assert_eq!(
            error.to_string(),
            "the my token could not be used: the vault cannot be reached"
        );
        let cause = std::error::Error::source(&error).unwrap();
        assert_eq!(cause.to_string(), "no vault");
        assert!(!AuthError::new(MINE, "sealed").is_retryable());
    }

    #[test]
    fn every_provider_names_its_credential_and_scheme() {
        let cases = [
            (Auth::none(), None, None),
            (
                Auth::csp_access_token("t"),
                Some(Credential::AccessToken),
                Some(Scheme::CspAuthToken),
            ),
            (
                Auth::bearer_token("t"),
                Some(Credential::AccessToken),
                Some(Scheme::Bearer),
            ),
            (
                Auth::csp_refresh_token("http://h", "t"),
                Some(Credential::CspRefreshToken),
                Some(Scheme::CspAuthToken),
            ),
            (
                Auth::csp_api_token("http://h", "t"),
                Some(Credential::CspApiToken),
                Some(Scheme::CspAuthToken),
            ),
            (
                Auth::navigator_oauth_app("http://h", "org", "id", "t"),
                Some(Credential::NavigatorOAuthApp),
                Some(Scheme::CspAuthToken),
            ),
            (
                Auth::vcpp_client_credentials("http://h", "id", "t"),
                Some(Credential::VcppClientCredentials),
                Some(Scheme::Bearer),
            ),
            (counting(None).0, Some(MINE), Some(Scheme::Bearer)),
        ];
        for (auth, credential, scheme) in cases {
            assert_eq!(auth.credential(), credential, "{auth:?}");
            assert_eq!(auth.scheme(), scheme, "{auth:?}");
        }
    }

    #[tokio::test]
    async fn a_new_refresh_margin_keeps_the_source_and_empties_the_cache() {
        let (auth, reasons) = counting(None);
        sent(&auth).await;
        let again = auth.clone().refresh_margin(Duration::from_secs(5));
        assert_eq!(sent(&again).await, "bearer token-2");
        assert_eq!(again.exchange_count(), 1);
        assert_eq!(auth.exchange_count(), 1);
        assert_eq!(reasons.lock().unwrap().len(), 2, "one source for both");
        assert!(format!("{again:?}").contains("my token"), "{again:?}");
    }
}
