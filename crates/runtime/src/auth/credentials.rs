//! The credentials a provider holds, where their tokens go in a request, and the error of a
//! failed exchange, which names the credential and never shows it.

use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::failure::Failure;
use crate::secret::Secret;

const CSP_TOKEN_HEADER: HeaderName = HeaderName::from_static("csp-auth-token");

/// Where a token goes in a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// `csp-auth-token: <token>` (CPHub and Navigator).
    CspAuthToken,
    /// `authorization: bearer <token>` (VCPP; the guide writes the prefix in lower case).
    Bearer,
}

impl Scheme {
    /// The header the token goes in.
    pub fn header_name(self) -> HeaderName {
        match self {
            Scheme::CspAuthToken => CSP_TOKEN_HEADER,
            Scheme::Bearer => AUTHORIZATION,
        }
    }

    /// The header carrying `token`, marked sensitive (so `Debug` of a request hides it).
    pub(super) fn header(self, token: &Secret) -> Result<(HeaderName, HeaderValue), AuthError> {
        let value = match self {
            Scheme::CspAuthToken => token.expose().to_owned(),
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

/// The credential a token source spends, named in its [`AuthError`]s and by
/// [`Auth::credential`](crate::Auth::credential).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credential {
    /// A CPHub/Navigator API (refresh) token, exchanged at Navigator
    /// ([`Auth::csp_refresh_token`](crate::Auth::csp_refresh_token)).
    CspRefreshToken,
    /// A CSP API token, exchanged at the CSP gateway
    /// ([`Auth::csp_api_token`](crate::Auth::csp_api_token)).
    CspApiToken,
    /// A Navigator OAuth app's client id and secret
    /// ([`Auth::navigator_oauth_app`](crate::Auth::navigator_oauth_app)).
    NavigatorOAuthApp,
    /// VCPP client credentials (client id and secret).
    VcppClientCredentials,
    /// An access token given to the runtime as it is.
    AccessToken,
    /// What a source of your own spends, by the name you give it (`"vault token"`).
    Custom(&'static str),
}

impl std::fmt::Display for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credential::CspRefreshToken => "CSP refresh token",
            Credential::CspApiToken => "CSP API token",
            Credential::NavigatorOAuthApp => "Navigator OAuth app",
            Credential::VcppClientCredentials => "VCPP client credentials",
            Credential::AccessToken => "access token",
            Credential::Custom(name) => name,
        })
    }
}

/// The error a [`TokenSource`](crate::TokenSource) may keep as its cause.
type Cause = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// A failed token exchange: which credential, and what the exchange answered (status, body
/// with secrets redacted, request id) or why it got no answer. Never the secret.
#[derive(Clone)]
pub struct AuthError(Box<Details>);

#[derive(Clone)]
struct Details {
    credential: Credential,
    status: Option<reqwest::StatusCode>,
    body: bytes::Bytes,
    request_id: Option<String>,
    message: String,
    source: Option<Cause>,
    failure: Option<Failure>,
}

impl AuthError {
    /// A failure of the source of `credential`, described by `message`, for sources of your
    /// own ([`TokenSource`](crate::TokenSource)). It is printed as it is: put no secret in it.
    /// Without [`with_failure`](Self::with_failure) it is not retryable.
    pub fn new(credential: Credential, message: impl Into<String>) -> AuthError {
        AuthError(Box::new(Details {
            credential,
            status: None,
            body: bytes::Bytes::new(),
            request_id: None,
            message: message.into(),
            source: None,
            failure: None,
        }))
    }

    /// The same error, about an answer with `status`.
    pub(super) fn with_status(mut self, status: reqwest::StatusCode) -> AuthError {
        self.0.status = Some(status);
        self
    }

    /// The same error, about an answer with `status`, its `body` (secrets redacted) and
    /// request id.
    pub(super) fn answered(
        mut self,
        status: reqwest::StatusCode,
        body: bytes::Bytes,
        request_id: Option<String>,
    ) -> AuthError {
        self.0.status = Some(status);
        self.0.body = body;
        self.0.request_id = request_id;
        self
    }

    /// The error that caused this one, kept as its [`source`](std::error::Error::source). A
    /// `reqwest::Error` also decides [`failure`](Self::failure) (a lost connection is
    /// retryable), unless [`with_failure`](Self::with_failure) says otherwise. Its text is
    /// printed with this error's `Debug`: it must hold no secret either.
    pub fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> AuthError {
        self.0.source = Some(Arc::new(source));
        self
    }

    /// Says what kind of failure this is, for [`is_retryable`](Self::is_retryable):
    /// [`Failure::NoConnection`] when a vault could not be reached, say.
    pub fn with_failure(mut self, failure: Failure) -> AuthError {
        self.0.failure = Some(failure);
        self
    }

    /// The credential that failed.
    pub fn credential(&self) -> Credential {
        self.0.credential
    }

    /// The exchange's HTTP status, when it answered.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        self.0.status
    }

    /// The exchange's answer body, secrets redacted (empty without an answer).
    pub fn body(&self) -> &bytes::Bytes {
        &self.0.body
    }

    /// The exchange's request id, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// What went wrong, secrets removed.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// What kind of failure the exchange met: its transport error's when it got no answer
    /// (or a cut one), its error status when refused, else [`Failure::Other`] (an answer
    /// without a token, a token that is no valid header).
    ///
    /// What [`with_failure`](Self::with_failure) set comes first.
    pub fn failure(&self) -> Failure {
        if let Some(failure) = self.0.failure {
            return failure;
        }
        let transport = self
            .0
            .source
            .as_deref()
            .and_then(|source| source.downcast_ref::<reqwest::Error>());
        match (transport, self.0.status) {
            (Some(transport), _) => Failure::of_transport(transport),
            (None, Some(status)) if !status.is_success() => Failure::Status(status),
            (None, _) => Failure::Other,
        }
    }

    /// Whether the exchange may succeed later ([`Failure::is_transient`] of
    /// [`AuthError::failure`]).
    pub fn is_retryable(&self) -> bool {
        self.failure().is_transient()
    }
}

impl std::fmt::Debug for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthError")
            .field("credential", &self.0.credential)
            .field("status", &self.0.status)
            .field("request_id", &self.0.request_id)
            .field("message", &self.0.message)
            .field("body", &crate::redact::excerpt(&self.0.body, 1024))
            .field("source", &self.0.source)
            .finish()
    }
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.status {
            Some(status) => write!(
                f,
                "the {} was refused (HTTP {status}): {}",
                self.0.credential, self.0.message
            ),
            None => write!(
                f,
                "the {} could not be used: {}",
                self.0.credential, self.0.message
            ),
        }
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|error| error as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use crate::{Auth, Failure, Runtime};

    #[tokio::test]
    async fn an_exchange_url_that_cannot_be_built_is_not_retryable() {
        let runtime = Runtime::builder()
            .auth(Auth::vcpp_client_credentials("http://[::1", "id", "secret"))
            .build()
            .unwrap();
        let error = runtime.authenticate().await.unwrap_err();
        assert_eq!(error.failure(), Failure::Other, "{error:?}");
        assert!(!error.is_retryable(), "a transport error that will repeat");
    }

    #[tokio::test]
    async fn an_exchange_without_a_connection_is_retryable() {
        let closed = {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            format!("http://{}", listener.local_addr().unwrap())
        };
        let runtime = Runtime::builder()
            .auth(Auth::vcpp_client_credentials(&closed, "id", "secret"))
            .build()
            .unwrap();
        let error = runtime.authenticate().await.unwrap_err();
        assert_eq!(error.failure(), Failure::NoConnection, "{error:?}");
        assert!(error.is_retryable());
    }

    #[test]
    fn a_refusal_is_its_status() {
        let refused = |code| {
            super::AuthError::new(super::Credential::CspRefreshToken, "refused")
                .with_status(reqwest::StatusCode::from_u16(code).unwrap())
        };
        assert!(refused(408).is_retryable());
        assert!(refused(503).is_retryable());
        assert!(!refused(400).is_retryable());
        assert!(!refused(401).is_retryable());
        assert_eq!(
            refused(200).failure(),
            Failure::Other,
            "an answer without a token"
        );
    }
}
