//! The credentials a provider holds, where their tokens go in a request, and the error of a
//! failed exchange, which names the credential and never shows it.

use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

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
