//! Authentication providers: a token exchanged for a refresh token or client credentials,
//! cached and refreshed ahead of expiry by one exchange at a time; or a fixed token.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::redact::{excerpt, redact_body, request_id};
use crate::secret::Secret;

/// How long a CSP access token lives when the exchange does not say.
pub const CSP_DEFAULT_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// How long a VCPP bearer token lives when the exchange does not say (the guide's 20 minutes).
pub const VCPP_DEFAULT_LIFETIME: Duration = Duration::from_secs(1200);
/// How long before expiry a cached token is replaced.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

const CSP_TOKEN_HEADER: HeaderName = HeaderName::from_static("csp-auth-token");
/// How long a token whose announced lifetime overflows the clock is kept.
const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

// `CSP_EXCHANGE_PATH`, from the spec (see build.rs).
include!(concat!(env!("OUT_DIR"), "/csp_exchange.rs"));

/// How requests are authenticated.
#[derive(Clone, Debug)]
pub struct Auth(AuthKind);

#[derive(Clone, Debug)]
enum AuthKind {
    None,
    Fixed { scheme: Scheme, token: Secret },
    Refreshing(Arc<TokenCache>),
}

/// Where a token goes in a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    /// `csp-auth-token: <token>` (CPHub and Navigator).
    CspHeader,
    /// `authorization: bearer <token>` (VCPP; the guide writes the prefix in lower case).
    Bearer,
}

impl Scheme {
    fn header_name(self) -> HeaderName {
        match self {
            Scheme::CspHeader => CSP_TOKEN_HEADER,
            Scheme::Bearer => AUTHORIZATION,
        }
    }

    fn header(self, token: &Secret) -> Result<(HeaderName, HeaderValue), AuthError> {
        let value = match self {
            Scheme::CspHeader => token.expose().to_owned(),
            Scheme::Bearer => format!("bearer {}", token.expose()),
        };
        let mut value = HeaderValue::from_str(&value).map_err(|_| {
            AuthError::new(
                Credential::AccessToken,
                "the token is not a valid HTTP header value",
            )
        })?;
        value.set_sensitive(true);
        Ok((self.header_name(), value))
    }
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
        Auth(AuthKind::Refreshing(Arc::new(TokenCache {
            exchange,
            refresh_margin,
            state: tokio::sync::Mutex::new(None),
            exchanges: AtomicU64::new(0),
        })))
    }

    /// Replaces a cached token this long before it expires (default one minute). A setting
    /// made while building: the result is a new provider with an empty cache. Has no effect
    /// on a fixed token.
    pub fn refresh_margin(self, margin: Duration) -> Auth {
        match self.0 {
            AuthKind::Refreshing(cache) => {
                Auth::refreshing_with_margin(cache.exchange.clone(), margin)
            }
            other => Auth(other),
        }
    }

    /// How many token exchanges this provider has made (shared by every clone).
    pub fn exchange_count(&self) -> u64 {
        match &self.0 {
            AuthKind::Refreshing(cache) => cache.exchanges.load(Ordering::Relaxed),
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
                cache.exchange.scheme().header(&token).map(Some)
            }
        }
    }

    /// The token header a request carries, as this provider writes it; what
    /// [`refresh_after_rejection`](Self::refresh_after_rejection) takes.
    pub(crate) fn sent_token(&self, headers: &reqwest::header::HeaderMap) -> Option<HeaderValue> {
        match &self.0 {
            AuthKind::Refreshing(cache) => {
                headers.get(cache.exchange.scheme().header_name()).cloned()
            }
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
            Ok(token) => cache.exchange.scheme().header(&token),
            Err(error) => Err(error),
        })
    }
}

/// The credential a token exchange spends, named in its [`AuthError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credential {
    /// A CPHub/Navigator API (refresh) token.
    CspRefreshToken,
    /// VCPP client credentials (client id and secret).
    VcppClientCredentials,
    /// An access token given to the runtime as it is.
    AccessToken,
}

impl std::fmt::Display for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credential::CspRefreshToken => "CSP refresh token",
            Credential::VcppClientCredentials => "VCPP client credentials",
            Credential::AccessToken => "access token",
        })
    }
}

/// A failed token exchange: which credential, and what the exchange answered (status, body
/// with secrets redacted, request id) or why it got no answer. Never the secret.
#[derive(Clone)]
pub struct AuthError {
    credential: Credential,
    status: Option<reqwest::StatusCode>,
    body: bytes::Bytes,
    request_id: Option<String>,
    message: String,
    source: Option<Arc<reqwest::Error>>,
}

impl AuthError {
    fn new(credential: Credential, message: impl Into<String>) -> AuthError {
        AuthError {
            credential,
            status: None,
            body: bytes::Bytes::new(),
            request_id: None,
            message: message.into(),
            source: None,
        }
    }

    /// The credential that failed.
    pub fn credential(&self) -> Credential {
        self.credential
    }

    /// The exchange's HTTP status, when it answered.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        self.status
    }

    /// The exchange's answer body, secrets redacted (empty without an answer).
    pub fn body(&self) -> &bytes::Bytes {
        &self.body
    }

    /// The exchange's request id, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// What went wrong, secrets removed.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the exchange may succeed later: it got no answer, or a transient status.
    pub fn is_retryable(&self) -> bool {
        self.source.is_some() || self.status.is_some_and(crate::error::status_is_transient)
    }
}

impl std::fmt::Debug for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthError")
            .field("credential", &self.credential)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("message", &self.message)
            .field("body", &crate::redact::excerpt(&self.body, 1024))
            .field("source", &self.source)
            .finish()
    }
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(status) => write!(
                f,
                "the {} was refused (HTTP {status}): {}",
                self.credential, self.message
            ),
            None => write!(
                f,
                "the {} could not be used: {}",
                self.credential, self.message
            ),
        }
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|error| error as &(dyn std::error::Error + 'static))
    }
}

/// A token exchange and the credential it spends.
#[derive(Clone)]
enum Exchange {
    Csp {
        url: String,
        refresh_token: Secret,
    },
    Vcpp {
        url: String,
        client_id: String,
        client_secret: Secret,
    },
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exchange::Csp { url, .. } => f
                .debug_struct("CspRefreshToken")
                .field("url", url)
                .field("refresh_token", &"[REDACTED]")
                .finish(),
            Exchange::Vcpp { url, client_id, .. } => f
                .debug_struct("VcppClientCredentials")
                .field("url", url)
                .field("client_id", client_id)
                .field("client_secret", &"[REDACTED]")
                .finish(),
        }
    }
}

/// What either exchange answers; both spellings are accepted, since CPHub documents
/// camelCase and OAuth gateways send snake_case.
#[derive(serde::Deserialize)]
struct IssuedToken {
    #[serde(alias = "accessToken")]
    access_token: Secret,
    #[serde(alias = "expiresIn")]
    expires_in: Option<u64>,
}

impl Exchange {
    fn credential(&self) -> Credential {
        match self {
            Exchange::Csp { .. } => Credential::CspRefreshToken,
            Exchange::Vcpp { .. } => Credential::VcppClientCredentials,
        }
    }

    fn scheme(&self) -> Scheme {
        match self {
            Exchange::Csp { .. } => Scheme::CspHeader,
            Exchange::Vcpp { .. } => Scheme::Bearer,
        }
    }

    fn secret(&self) -> &Secret {
        match self {
            Exchange::Csp { refresh_token, .. } => refresh_token,
            Exchange::Vcpp { client_secret, .. } => client_secret,
        }
    }

    async fn run(&self, http: &reqwest::Client) -> Result<(Secret, Duration), AuthError> {
        let (request, default_lifetime) = match self {
            Exchange::Csp { url, refresh_token } => (
                http.post(url)
                    .json(&serde_json::json!({ "refreshToken": refresh_token })),
                CSP_DEFAULT_LIFETIME,
            ),
            Exchange::Vcpp {
                url,
                client_id,
                client_secret,
            } => (
                http.post(url)
                    .basic_auth(client_id, Some(client_secret.expose())),
                VCPP_DEFAULT_LIFETIME,
            ),
        };
        let transport = |error: reqwest::Error| {
            let error = without_url(error);
            AuthError {
                source: Some(Arc::new(error)),
                ..AuthError::new(self.credential(), "the exchange got no answer")
            }
        };
        let response = request
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| AuthError {
            status: Some(status),
            ..transport(e)
        })?;
        // Decoded before redaction, which rewrites the token it must read.
        let issued = status
            .is_success()
            .then(|| serde_json::from_slice::<IssuedToken>(&body));
        // Whatever the exchange answered, what it says is kept only with every secret out:
        // the credential spent, and any token or secret-named property.
        let redacted = redact_body(body, &[], true, std::iter::once(self.secret().expose()));
        let fail = |message: String| AuthError {
            credential: self.credential(),
            status: Some(status),
            body: redacted.body.clone(),
            request_id: request_id(&headers, redacted.json.as_ref()),
            message,
            source: None,
        };
        match issued {
            None => Err(fail(excerpt(&redacted.body, 500))),
            Some(Err(error)) => Err(fail(format!(
                "the answer holds no access token: {}",
                redacted.decode_message(&error, true)
            ))),
            Some(Ok(issued)) => {
                // The answer's own lifetime, else the JWT's `exp` claim (what Navigator's
                // exchange relies on), else the credential's documented default.
                let lifetime = issued
                    .expires_in
                    .map(Duration::from_secs)
                    .or_else(|| crate::jwt::time_left(issued.access_token.expose()))
                    .unwrap_or(default_lifetime);
                Ok((issued.access_token, lifetime))
            }
        }
    }
}

/// The URL is kept out of transport errors: it is known, and keeps them short.
fn without_url(error: reqwest::Error) -> reqwest::Error {
    error.without_url()
}

/// A cached token and the exchange that renews it. The async mutex is held across an
/// exchange, so concurrent callers on a cold or stale cache wait for one exchange and share
/// its token.
struct TokenCache {
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
    async fn current(&self, http: &reqwest::Client) -> Result<Secret, AuthError> {
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
    async fn invalidate(&self, sent: Option<&HeaderValue>) {
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
