//! The two token exchanges: a CSP refresh token for an access token, and VCPP client
//! credentials (HTTP Basic) for a bearer token. Each answer is read with its secrets redacted
//! before any error keeps it.

use std::sync::Arc;
use std::time::Duration;

use super::credentials::{AuthError, Credential, Scheme};
use crate::redact::{excerpt, redact_body, request_id};
use crate::secret::Secret;

/// How long a CSP access token lives when the exchange does not say.
pub const CSP_DEFAULT_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// How long a VCPP bearer token lives when the exchange does not say (the guide's 20 minutes).
pub const VCPP_DEFAULT_LIFETIME: Duration = Duration::from_secs(1200);

// `CSP_EXCHANGE_PATH`, from the spec (see build.rs).
include!(concat!(env!("OUT_DIR"), "/csp_exchange.rs"));

/// A token exchange and the credential it spends.
#[derive(Clone)]
pub(super) enum Exchange {
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
    pub(super) fn credential(&self) -> Credential {
        match self {
            Exchange::Csp { .. } => Credential::CspRefreshToken,
            Exchange::Vcpp { .. } => Credential::VcppClientCredentials,
        }
    }

    pub(super) fn scheme(&self) -> Scheme {
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

    pub(super) async fn run(
        &self,
        http: &reqwest::Client,
    ) -> Result<(Secret, Duration), AuthError> {
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
