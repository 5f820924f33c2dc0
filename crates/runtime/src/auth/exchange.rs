//! The one token exchange over HTTP that every built-in source makes: send the request its
//! source built, read the answer's token and lifetime, and turn anything else into an
//! [`AuthError`] naming the credential, with the status, the request id and the body, secrets
//! redacted before any error keeps it.

use std::time::Duration;

use super::credentials::{AuthError, Credential};
use super::source::Token;
use crate::redact::{excerpt, redact_body, request_id};
use crate::secret::Secret;

/// What an exchange answers; both spellings are accepted, since CPHub documents camelCase
/// and CSP and OAuth gateways send snake_case.
#[derive(serde::Deserialize)]
struct IssuedToken {
    #[serde(alias = "accessToken")]
    access_token: Secret,
    #[serde(alias = "expiresIn")]
    expires_in: Option<u64>,
}

/// Sends a token exchange and reads its answer: any `2XX` with an `access_token` (or
/// `accessToken`) is the token, living `expires_in` (or `expiresIn`) seconds when the answer
/// says. Anything else is an [`AuthError`] naming `credential`, with the status, request id
/// and body of the answer, every value of `spent` (what the request carried) and every
/// token- or secret-named property redacted, whatever the server echoes. A request that got
/// no answer keeps its transport error, without its URL.
///
/// The built-in sources all exchange through here; use it in a source of your own that asks a
/// sidecar or a gateway for its token over HTTP, with a request built from
/// [`TokenRequest::http`](crate::TokenRequest::http).
pub async fn exchange_token(
    credential: Credential,
    request: reqwest::RequestBuilder,
    spent: &[&Secret],
) -> Result<Token, AuthError> {
    let transport = |error: reqwest::Error| {
        AuthError::new(credential, "the exchange got no answer").with_source(error.without_url())
    };
    let response = request
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(transport)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| transport(e).with_status(status))?;
    tracing::debug!(credential = %credential, status = status.as_u16(), "token exchange answered");
    // Decoded before redaction, which rewrites the token it must read.
    let issued = status
        .is_success()
        .then(|| serde_json::from_slice::<IssuedToken>(&body));
    // Whatever the exchange answered, what it says is kept only with every secret out: the
    // credential spent, and any token or secret-named property.
    let redacted = redact_body(body, &[], true, spent.iter().map(|secret| secret.expose()));
    let fail = |message: String| {
        AuthError::new(credential, message).answered(
            status,
            redacted.body.clone(),
            request_id(&headers, redacted.json.as_ref()),
        )
    };
    match issued {
        None => Err(fail(excerpt(&redacted.body, 500))),
        Some(Err(error)) => Err(fail(format!(
            "the answer holds no access token: {}",
            redacted.decode_message(&error, true)
        ))),
        Some(Ok(issued)) => {
            let token = Token::new(issued.access_token);
            Ok(match issued.expires_in {
                Some(seconds) => token.with_lifetime(Duration::from_secs(seconds)),
                None => token,
            })
        }
    }
}

/// The `authorization: Basic …` value of a client id and secret: a secret too, since a server
/// may echo the header it was sent.
pub(super) fn basic_credentials(client_id: &str, client_secret: &Secret) -> Secret {
    use base64::Engine;
    Secret::new(
        base64::engine::general_purpose::STANDARD
            .encode(format!("{client_id}:{}", client_secret.expose())),
    )
}
