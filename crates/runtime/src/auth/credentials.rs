//! The credentials a provider holds, where their tokens go in a request, and the error of a
//! failed exchange, which names the credential and never shows it.

use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::failure::Failure;
use crate::secret::Secret;

const CSP_TOKEN_HEADER: HeaderName = HeaderName::from_static("csp-auth-token");

/// Where a token goes in a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scheme {
    /// `csp-auth-token: <token>` (CPHub and Navigator).
    CspHeader,
    /// `authorization: bearer <token>` (VCPP; the guide writes the prefix in lower case).
    Bearer,
}

impl Scheme {
    pub(super) fn header_name(self) -> HeaderName {
        match self {
            Scheme::CspHeader => CSP_TOKEN_HEADER,
            Scheme::Bearer => AUTHORIZATION,
        }
    }

    pub(super) fn header(self, token: &Secret) -> Result<(HeaderName, HeaderValue), AuthError> {
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
    pub(super) credential: Credential,
    pub(super) status: Option<reqwest::StatusCode>,
    pub(super) body: bytes::Bytes,
    pub(super) request_id: Option<String>,
    pub(super) message: String,
    pub(super) source: Option<Arc<reqwest::Error>>,
}

impl AuthError {
    pub(super) fn new(credential: Credential, message: impl Into<String>) -> AuthError {
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

    /// What kind of failure the exchange met: its transport error's when it got no answer
    /// (or a cut one), its error status when refused, else [`Failure::Other`] (an answer
    /// without a token, a token that is no valid header).
    pub fn failure(&self) -> Failure {
        match (&self.source, self.status) {
            (Some(source), _) => Failure::of_transport(source),
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
        let refused = |code| super::AuthError {
            status: Some(reqwest::StatusCode::from_u16(code).unwrap()),
            ..super::AuthError::new(super::Credential::CspRefreshToken, "refused")
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
