//! The one error type of every client, generated and hand-written operations alike.
//!
//! A failure that came from an answer keeps what the server said ([`Answer`]: operation,
//! status, headers, raw body, request id) and the typed error body when it decodes; a failed
//! token exchange is [`Error::Auth`], naming the credential. No secret reaches `Display`,
//! `Debug` or the source chain: bodies that can hold one are redacted when read, and
//! credential-bearing headers are redacted wherever headers are printed.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::auth::AuthError;
use crate::failure::Failure;
use crate::redact::{RedactedHeaders, excerpt};

/// Everything a call of any client of this SDK can fail with. `E` is the error body the
/// spec declares for the operation (each crate's `types::ErrorResponse`).
///
/// ```
/// # use vmware_cpn_runtime::Error;
/// fn advice<E>(error: &Error<E>) -> &'static str {
///     match error {
///         Error::Auth(_) => "check the credential",
///         _ if error.status() == Some(reqwest::StatusCode::NOT_FOUND) => "no such thing",
///         _ if error.is_retryable() => "try again later",
///         _ => "give up",
///     }
/// }
/// # assert_eq!(advice::<()>(&Error::InvalidRequest("x".into())), "give up");
/// ```
#[non_exhaustive]
pub enum Error<E = ()> {
    /// The request could not be built (a missing or invalid parameter): nothing was sent.
    InvalidRequest(String),
    /// A token exchange failed: the credential, and what the exchange answered.
    Auth(AuthError),
    /// No answer: the connection failed or dropped, or the call timed out.
    Transport(reqwest::Error),
    /// The service answered with an error status (4XX, 5XX, or one the spec does not list).
    Api(ApiError<E>),
    /// The service answered with success, but the body is not what the spec says, or could
    /// not be read to its end.
    InvalidAnswer(InvalidAnswer),
}

/// Why a request got no answer, before it becomes an [`Error`] of the operation's type.
#[derive(Debug)]
pub enum SendError {
    /// The token exchange failed.
    Auth(AuthError),
    /// The transport failed.
    Transport(reqwest::Error),
}

impl<E> From<SendError> for Error<E> {
    fn from(error: SendError) -> Self {
        match error {
            SendError::Auth(error) => Error::Auth(error),
            SendError::Transport(error) => Error::Transport(error),
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(error: reqwest::Error) -> Self {
        if error.is_builder() {
            // An invalid URL or header: the request could not be built, nothing was sent.
            Error::InvalidRequest(error.to_string())
        } else {
            Error::Transport(error)
        }
    }
}

impl<E> From<AuthError> for Error<E> {
    fn from(error: AuthError) -> Self {
        Error::Auth(error)
    }
}

/// What the server answered: kept whole in every error that came from an answer.
#[derive(Clone)]
pub struct Answer {
    pub(crate) operation: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) request_id: Option<String>,
}

impl Answer {
    /// The operation id (`list_tenants`, `get_token`, …) that got this answer.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers, as received (print them through [`crate::redacted_headers`]).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as received; secrets replaced by `[REDACTED]` when the answer can hold them.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The request id the server sent (a request-id header, or `requestId` in the body), to
    /// quote to support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &excerpt(&self.body, 1024))
            .finish()
    }
}

/// An error status from the service: what it said, and its typed error body when it decodes.
pub struct ApiError<E> {
    pub(crate) answer: Answer,
    pub(crate) typed: Option<E>,
    pub(crate) body_error: Option<BodyError>,
}

impl<E> ApiError<E> {
    /// The answer: status, headers, raw body, request id.
    pub fn answer(&self) -> &Answer {
        &self.answer
    }

    /// The error body the spec declares, when the body decodes as one.
    pub fn typed(&self) -> Option<&E> {
        self.typed.as_ref()
    }

    /// The typed error body, owned.
    pub fn into_typed(self) -> Option<E> {
        self.typed
    }

    /// Why the body did not decode as the declared error body (a proxy's HTML page, an
    /// empty body), or could not be read; `None` when it decoded.
    pub fn body_error(&self) -> Option<&BodyError> {
        self.body_error.as_ref()
    }
}

impl<E> std::ops::Deref for ApiError<E> {
    type Target = Answer;

    fn deref(&self) -> &Answer {
        &self.answer
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("answer", &self.answer)
            .field("typed", &self.typed)
            .field("body_error", &self.body_error)
            .finish()
    }
}

/// A success status whose body is not what the spec says (or was cut short).
#[derive(Debug)]
pub struct InvalidAnswer {
    pub(crate) answer: Answer,
    pub(crate) error: BodyError,
}

impl InvalidAnswer {
    /// Keeps a hand-written parser's failure with the answer it read (the Atom order feed).
    pub fn new(answer: Answer, error: impl std::error::Error + Send + Sync + 'static) -> Self {
        InvalidAnswer {
            answer,
            error: BodyError::other(error),
        }
    }

    /// The answer: status, headers, raw body, request id.
    pub fn answer(&self) -> &Answer {
        &self.answer
    }

    /// Why the body is not what the spec says.
    pub fn error(&self) -> &BodyError {
        &self.error
    }
}

impl std::ops::Deref for InvalidAnswer {
    type Target = Answer;

    fn deref(&self) -> &Answer {
        &self.answer
    }
}

/// Why a body could not be read or decoded. Its message never holds a secret: a decoding
/// error that could quote one is reduced to where it happened.
#[derive(Debug)]
pub struct BodyError {
    pub(crate) message: String,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl BodyError {
    pub(crate) fn read(error: reqwest::Error) -> BodyError {
        BodyError {
            message: "the body could not be read".into(),
            source: Some(Box::new(error.without_url())),
        }
    }

    pub(crate) fn other(error: impl std::error::Error + Send + Sync + 'static) -> BodyError {
        BodyError {
            message: "the body does not parse".into(),
            source: Some(Box::new(error)),
        }
    }

    /// A body that could not be read is whatever its read error is (a cut answer, a
    /// timeout); one that does not parse is [`Failure::Other`].
    fn failure(&self) -> Failure {
        match self
            .source
            .as_ref()
            .and_then(|s| s.downcast_ref::<reqwest::Error>())
        {
            Some(error) => Failure::of_transport(error),
            None => Failure::Other,
        }
    }

    /// Whether the body was cut short (the connection dropped while reading it).
    pub fn is_read(&self) -> bool {
        self.source
            .as_ref()
            .is_some_and(|source| source.is::<reqwest::Error>())
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|source| source.as_ref() as &(dyn std::error::Error + 'static))
    }
}

impl<E> Error<E> {
    /// The HTTP status of the answer (of the token exchange, for [`Error::Auth`]).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::InvalidRequest(_) => None,
            Error::Auth(error) => error.status(),
            Error::Transport(error) => error.status(),
            Error::Api(error) => Some(error.answer.status),
            Error::InvalidAnswer(error) => Some(error.answer.status),
        }
    }

    /// What kind of failure this is: the exchange's for [`Error::Auth`], the status for
    /// [`Error::Api`], and [`Failure::Other`] for a request that could not be built or an
    /// answer that does not decode.
    pub fn failure(&self) -> Failure {
        match self {
            Error::InvalidRequest(_) => Failure::Other,
            Error::Auth(error) => error.failure(),
            Error::Transport(error) => Failure::of_transport(error),
            Error::Api(error) => Failure::Status(error.answer.status),
            Error::InvalidAnswer(error) => error.error.failure(),
        }
    }

    /// Whether the same call may succeed later ([`Failure::is_transient`]): no answer, a cut
    /// answer, a timeout, `408`, `429`, `502`, `503`, `504`, or a token exchange that failed
    /// so. The runtime has already retried idempotent calls within its policy; a POST is
    /// never retried for you.
    pub fn is_retryable(&self) -> bool {
        self.failure().is_transient()
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(error) if error.is_timeout())
    }

    /// What the server answered, when the failure came from an answer.
    pub fn answer(&self) -> Option<&Answer> {
        match self {
            Error::Api(error) => Some(&error.answer),
            Error::InvalidAnswer(error) => Some(&error.answer),
            _ => None,
        }
    }

    /// The typed error body the spec declares, when the answer carried one.
    pub fn typed(&self) -> Option<&E> {
        match self {
            Error::Api(error) => error.typed.as_ref(),
            _ => None,
        }
    }

    /// The server's request id, from the answer or the refused token exchange.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Auth(error) => error.request_id(),
            _ => self.answer().and_then(Answer::request_id),
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Auth(error) => write!(f, "authentication failed: {error}"),
            Error::Transport(_) => f.write_str("no answer from the service"),
            Error::Api(error) => {
                write!(
                    f,
                    "{} failed: {}",
                    error.answer.operation, error.answer.status
                )?;
                if let Some(id) = &error.answer.request_id {
                    write!(f, " (request id {id})")?;
                }
                if !error.answer.body.is_empty() {
                    write!(f, ": {}", excerpt(&error.answer.body, 200))?;
                }
                Ok(())
            }
            Error::InvalidAnswer(error) => write!(
                f,
                "{} answered {}, but not as its spec says",
                error.answer.operation, error.answer.status
            ),
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(message) => {
                f.debug_tuple("InvalidRequest").field(message).finish()
            }
            Error::Auth(error) => f.debug_tuple("Auth").field(error).finish(),
            Error::Transport(error) => f.debug_tuple("Transport").field(error).finish(),
            Error::Api(error) => f.debug_tuple("Api").field(error).finish(),
            Error::InvalidAnswer(error) => f.debug_tuple("InvalidAnswer").field(error).finish(),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidRequest(_) => None,
            Error::Auth(error) => Some(error),
            Error::Transport(error) => Some(error),
            Error::Api(error) => error
                .body_error
                .as_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            Error::InvalidAnswer(error) => Some(&error.error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16) -> Error {
        Error::Api(ApiError {
            answer: Answer {
                operation: "list_tenants",
                status: StatusCode::from_u16(code).unwrap(),
                headers: HeaderMap::new(),
                body: Bytes::new(),
                request_id: None,
            },
            typed: None,
            body_error: None,
        })
    }

    #[test]
    fn an_error_status_is_retryable_as_the_classifier_says() {
        for code in [408, 429, 502, 503, 504] {
            assert!(api(code).is_retryable(), "{code}");
        }
        for code in [400, 401, 404, 500] {
            assert!(!api(code).is_retryable(), "{code}");
        }
    }

    #[test]
    fn a_transport_error_that_will_repeat_is_not_retryable() {
        let unbuildable = crate::http_client_builder()
            .build()
            .unwrap()
            .get("http://[::1")
            .build()
            .unwrap_err();
        let error = Error::<()>::Transport(unbuildable);
        assert_eq!(error.failure(), Failure::Other);
        assert!(!error.is_retryable());
    }

    #[test]
    fn a_body_that_does_not_parse_is_not_retryable() {
        let answer = match api(200) {
            Error::Api(api) => api.answer,
            _ => unreachable!(),
        };
        let not_json = serde_json::from_str::<u32>("x").unwrap_err();
        let error = Error::<()>::InvalidAnswer(InvalidAnswer::new(answer, not_json));
        assert_eq!(error.failure(), Failure::Other);
        assert!(!error.is_retryable());
    }
}
