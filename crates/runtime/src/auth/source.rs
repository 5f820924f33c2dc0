//! The open seam of authentication: a [`TokenSource`] gets a [`Token`] for a credential;
//! [`Auth::from_source`](crate::Auth::from_source) puts any source under the cache, which
//! renews ahead of expiry, one exchange at a time, and once after a `401`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::credentials::{AuthError, Credential, Scheme};
use crate::secret::Secret;

/// What [`TokenSource::fetch`] returns: a boxed future, so that the trait is object safe
/// (the runtime holds any source as `dyn TokenSource`).
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Token, AuthError>> + Send + 'a>>;

/// Something that gets a token for a credential: an exchange with an identity service, or a
/// token from a vault, a file or a sidecar.
///
/// The runtime calls [`fetch`](Self::fetch) when its cache holds no token fit to send: never
/// twice at once for one provider, however many requests wait (they share the one token),
/// ahead of expiry (by the provider's refresh margin), and once more after a request is
/// answered `401`. A source only gets tokens; it keeps none.
///
/// ```
/// use std::time::Duration;
/// use vmware_cpn_runtime::{
///     Auth, AuthError, Credential, Scheme, Token, TokenFuture, TokenRequest, TokenSource,
/// };
///
/// /// A token a sidecar keeps in a file, renewed every ten minutes.
/// struct SidecarFile(std::path::PathBuf);
///
/// impl TokenSource for SidecarFile {
///     fn credential(&self) -> Credential {
///         Credential::Custom("sidecar token file")
///     }
///
///     fn scheme(&self) -> Scheme {
///         Scheme::CspAuthToken
///     }
///
///     fn fetch(&self, _request: TokenRequest) -> TokenFuture<'_> {
///         Box::pin(async move {
///             let token = std::fs::read_to_string(&self.0).map_err(|e| {
///                 AuthError::new(self.credential(), "the token file cannot be read").with_source(e)
///             })?;
///             Ok(Token::new(token.trim()).with_lifetime(Duration::from_secs(600)))
///         })
///     }
/// }
///
/// let auth = Auth::from_source(SidecarFile("/run/secrets/navigator-token".into()));
/// assert_eq!(auth.credential(), Some(Credential::Custom("sidecar token file")));
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// The credential this source spends: named in its errors, and by `cpn auth status`.
    fn credential(&self) -> Credential;

    /// Where its tokens go in a request. Asked once, when the provider is made.
    fn scheme(&self) -> Scheme;

    /// Gets a new token. `request` carries the runtime's HTTP client (its connection pool,
    /// timeouts and TLS set-up) and why a token is needed. An error should name
    /// [`credential`](Self::credential) and hold no secret: it is printed as it is.
    fn fetch(&self, request: TokenRequest) -> TokenFuture<'_>;

    /// What `Debug` of the provider shows of this source: by default the credential's name.
    /// The built-in sources add their URL and client id; never write a secret here.
    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.credential())
    }
}

/// A token and how long it lives from now.
#[derive(Clone)]
pub struct Token {
    value: Secret,
    lifetime: Option<Duration>,
}

impl Token {
    /// A token whose lifetime is not known: the runtime reads the `exp` claim when it is a
    /// JWT, and otherwise keeps it until a request is answered `401`.
    pub fn new(value: impl Into<Secret>) -> Token {
        Token {
            value: value.into(),
            lifetime: None,
        }
    }

    /// The same token, living `lifetime` from now.
    pub fn with_lifetime(mut self, lifetime: Duration) -> Token {
        self.lifetime = Some(lifetime);
        self
    }

    /// The token.
    pub fn value(&self) -> &Secret {
        &self.value
    }

    /// How long it lives from when it was issued, when known.
    pub fn lifetime(&self) -> Option<Duration> {
        self.lifetime
    }

    /// The lifetime the answer gave, else the JWT's `exp` claim, else `default`.
    pub(super) fn or_default_lifetime(mut self, default: Duration) -> Token {
        self.lifetime = Some(self.known_lifetime().unwrap_or(default));
        self
    }

    /// The lifetime given, else the JWT's `exp` claim (what Navigator's exchanges rely on:
    /// they answer no expiry).
    pub(super) fn known_lifetime(&self) -> Option<Duration> {
        self.lifetime
            .or_else(|| crate::jwt::time_left(self.value.expose()))
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("value", &self.value)
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

/// Why the runtime asks a source for a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchReason {
    /// The provider holds no token yet.
    Cold,
    /// The token held is within the refresh margin of its end (or past it).
    Expiring,
    /// A request sent with the token held was answered `401`: a source that caches tokens
    /// of its own (a vault lease) should not hand that one back.
    Rejected,
}

/// What a [`TokenSource`] gets to fetch a token with.
#[derive(Clone, Debug)]
pub struct TokenRequest {
    http: reqwest::Client,
    reason: FetchReason,
}

impl TokenRequest {
    pub(super) fn new(http: &reqwest::Client, reason: FetchReason) -> TokenRequest {
        TokenRequest {
            http: http.clone(),
            reason,
        }
    }

    /// A request for a first token over `http`, for calling a source directly, outside a
    /// runtime's cache (a client's exchange method, such as `cphub_auth`'s
    /// `exchange_csp_api_token`).
    pub fn direct(http: &reqwest::Client) -> TokenRequest {
        TokenRequest::new(http, FetchReason::Cold)
    }

    /// The runtime's HTTP client, for sources that exchange over HTTP.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Why a token is needed.
    pub fn reason(&self) -> FetchReason {
        self.reason
    }
}

/// A source made of a closure ([`Auth::from_fn`](crate::Auth::from_fn)).
pub(super) struct FnSource<F> {
    pub(super) credential: Credential,
    pub(super) scheme: Scheme,
    pub(super) fetch: F,
}

impl<F, Fut> TokenSource for FnSource<F>
where
    F: Fn(TokenRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Token, AuthError>> + Send + 'static,
{
    fn credential(&self) -> Credential {
        self.credential
    }

    fn scheme(&self) -> Scheme {
        self.scheme
    }

    fn fetch(&self, request: TokenRequest) -> TokenFuture<'_> {
        Box::pin((self.fetch)(request))
    }
}

/// `Debug` through [`TokenSource::describe`].
pub(super) struct Described<'a>(pub(super) &'a dyn TokenSource);

impl fmt::Debug for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.describe(f)
    }
}
