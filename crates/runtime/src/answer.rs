//! Turning an answer into a result: what every generated operation's `send` and every
//! hand-written operation call after [`Runtime::send`](crate::Runtime::send), so a failure
//! reads the same whichever produced it.

use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{Answer, ApiError, BodyError, Error, InvalidAnswer};
use crate::redact::{Redacted, SentSecrets, redact_body, request_id};
use crate::{Operation, Received};

/// A JSON success answer, typed; a body that does not decode is [`Error::InvalidAnswer`]
/// with the answer kept.
pub async fn json<T, E>(
    received: Received,
    operation: &Operation,
) -> Result<ResponseValue<T>, Error<E>>
where
    T: DeserializeOwned,
{
    let (mut response, sent) = received.into_parts();
    let status = response.status();
    // Taken, not cloned: reading the body needs none of them.
    let headers = std::mem::take(response.headers_mut());
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(error) => {
            let answer = keep(operation, status, headers, Bytes::new(), sent.as_ref()).0;
            return Err(Error::InvalidAnswer(InvalidAnswer {
                answer,
                error: BodyError::read(error),
            }));
        }
    };
    match serde_json::from_slice(&body) {
        Ok(value) => {
            crate::drift::trace(operation, status.as_u16(), &body);
            Ok(ResponseValue::new(value, status, headers))
        }
        Err(error) => {
            let (answer, redacted) = keep(operation, status, headers, body, sent.as_ref());
            let message = redacted.decode_message(&error, holds_secrets(operation));
            Err(Error::InvalidAnswer(InvalidAnswer {
                answer,
                error: BodyError {
                    message,
                    source: None,
                },
            }))
        }
    }
}

/// A failed answer (an error status, or one the spec does not list): [`Error::Api`] with the
/// answer kept whole and the typed error body when it decodes.
pub async fn error<E>(received: Received, operation: &Operation) -> Error<E>
where
    E: DeserializeOwned,
{
    let (mut response, sent) = received.into_parts();
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let (body, read_error) = match response.bytes().await {
        Ok(body) => (body, None),
        Err(error) => (Bytes::new(), Some(BodyError::read(error))),
    };
    let (answer, redacted) = keep(operation, status, headers, body, sent.as_ref());
    // Typed from the redacted body, so the typed error holds no secret either.
    let (typed, decode_error) = match serde_json::from_slice::<E>(&answer.body) {
        Ok(typed) => {
            crate::drift::trace(operation, status.as_u16(), &answer.body);
            (Some(typed), None)
        }
        Err(error) => (None, Some(error)),
    };
    let body_error = read_error.or_else(|| {
        let error = decode_error?;
        let message = if answer.body.is_empty() {
            "the body is empty".to_owned()
        } else {
            redacted.decode_message(&error, holds_secrets(operation))
        };
        Some(BodyError {
            message,
            source: None,
        })
    });
    Error::Api(ApiError {
        answer,
        typed,
        body_error,
    })
}

/// An answer without a body on success; [`error`] otherwise.
pub async fn empty<E>(
    received: Received,
    operation: &Operation,
) -> Result<ResponseValue<()>, Error<E>>
where
    E: DeserializeOwned,
{
    if received.status().is_success() {
        Ok(ResponseValue::empty(received.into_response()))
    } else {
        Err(error(received, operation).await)
    }
}

/// A JSON answer: typed on success, [`error`] otherwise.
pub async fn json_or_error<T, E>(
    received: Received,
    operation: &Operation,
) -> Result<ResponseValue<T>, Error<E>>
where
    T: DeserializeOwned,
    E: DeserializeOwned,
{
    if received.status().is_success() {
        json(received, operation).await
    } else {
        Err(error(received, operation).await)
    }
}

/// Reads a whole answer for a hand-written parser; a cut body is
/// [`Error::InvalidAnswer`]. Pair with [`invalid`] when the parser refuses it.
pub async fn bytes<E>(
    received: Received,
    operation: &Operation,
) -> Result<(StatusCode, HeaderMap, Bytes), Error<E>> {
    let (mut response, sent) = received.into_parts();
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    match response.bytes().await {
        Ok(body) => Ok((status, headers, body)),
        Err(error) => Err(Error::InvalidAnswer(InvalidAnswer {
            answer: keep(operation, status, headers, Bytes::new(), sent.as_ref()).0,
            error: BodyError::read(error),
        })),
    }
}

/// A body a hand-written parser refused, kept with its answer.
pub fn invalid<E>(
    operation: &Operation,
    (status, headers, body): (StatusCode, HeaderMap, Bytes),
    error: impl std::error::Error + Send + Sync + 'static,
) -> Error<E> {
    let answer = keep(operation, status, headers, body, None).0;
    Error::InvalidAnswer(InvalidAnswer::new(answer, error))
}

fn holds_secrets(operation: &Operation) -> bool {
    !operation.secrets.is_empty()
}

fn keep(
    operation: &Operation,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    sent: Option<&SentSecrets>,
) -> (Answer, Redacted) {
    let known = sent.into_iter().flat_map(SentSecrets::values);
    let redacted = redact_body(body, operation.secrets, holds_secrets(operation), known);
    let request_id = request_id(&headers, redacted.json.as_ref());
    let answer = Answer {
        operation: operation.id,
        status,
        headers,
        body: redacted.body.clone(),
        request_id,
    };
    (answer, redacted)
}

/// Also scrubs `value` (a secret the caller put in the request itself, such as the client
/// secret of a hand-written token exchange) from any error built from `received`.
pub fn redact_also(received: &mut Received, value: &str) {
    let Ok(value) = reqwest::header::HeaderValue::from_str(value) else {
        return;
    };
    match received.sent_mut() {
        Some(sent) => sent.push(value),
        none => *none = Some(SentSecrets::one(value)),
    }
}
