//! One call to an operation as handlers see it (path and query parameters, headers, body),
//! and the answers they give, errors in the shape the surface's spec declares.

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub(crate) use crate::error_body::ErrorBody;
use bytes::Bytes;
use serde::de::DeserializeOwned;

/// The operation a route serves, as its spec declares it.
#[derive(Debug, Clone)]
pub(crate) struct OperationInfo {
    pub(crate) surface: &'static str,
    pub(crate) id: String,
    pub(crate) security: Security,
}

/// How an operation is authenticated, from the spec's `security`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Security {
    /// `security: []`.
    None,
    /// A CSP access token in the header the spec's API-key scheme names (`csp-auth-token`).
    ApiKeyHeader(&'static str),
    /// `authorization: bearer …`.
    Bearer,
    /// HTTP Basic: the handler checks the credentials itself.
    Basic,
}

/// The largest request body the mock reads (attachments included).
const MAX_BODY: usize = 64 << 20;

/// What a handler answers: `Err` is an error answer already shaped.
pub(crate) type Reply = Result<Response, Response>;

/// A JSON answer with `200 OK`.
pub(crate) fn ok(value: impl serde::Serialize) -> Reply {
    Ok(axum::Json(value).into_response())
}

pub(crate) struct Call {
    pub(crate) operation: OperationInfo,
    path: HashMap<String, String>,
    query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for Call {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let Some(operation) = parts.extensions.get::<OperationInfo>().cloned() else {
            return Err(ErrorBody::at_path(parts.uri.path()).error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the route names no operation",
            ));
        };
        let error_body = ErrorBody::of(operation.surface);
        let Path(path) = Path::<HashMap<String, String>>::from_request_parts(&mut parts, state)
            .await
            .map_err(|e| error_body.error(StatusCode::BAD_REQUEST, e.body_text()))?;
        let query = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map_err(|e| error_body.error(StatusCode::BAD_REQUEST, e.body_text()))?
            .0;
        let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
            error_body.error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is over {} MiB, or was cut off", MAX_BODY >> 20),
            )
        })?;
        Ok(Call {
            operation,
            path,
            query,
            headers: parts.headers,
            body,
        })
    }
}

impl Call {
    pub(crate) fn error_body(&self) -> ErrorBody {
        ErrorBody::of(self.operation.surface)
    }

    /// An error answer in this surface's error body.
    pub(crate) fn error(&self, status: StatusCode, message: impl Into<String>) -> Response {
        self.error_body().error(status, message)
    }

    pub(crate) fn not_found(&self, what: impl std::fmt::Display) -> Response {
        self.error(StatusCode::NOT_FOUND, format!("{what} was not found"))
    }

    pub(crate) fn bad_request(&self, message: impl Into<String>) -> Response {
        self.error(StatusCode::BAD_REQUEST, message)
    }

    /// A path parameter; the route guarantees it is there.
    pub(crate) fn path(&self, name: &str) -> &str {
        self.path.get(name).map(String::as_str).unwrap_or_default()
    }

    /// A typed path parameter: `400` naming it when it does not parse.
    pub(crate) fn path_as<T: std::str::FromStr>(&self, name: &str) -> Result<T, Response> {
        let value = self.path(name);
        value.parse::<T>().map_err(|_| {
            self.bad_request(format!(
                "the path parameter {name} has a bad value: {value}"
            ))
        })
    }

    /// A required typed query parameter: `400` when missing or when it does not parse.
    pub(crate) fn required_query_as<T: std::str::FromStr>(
        &self,
        name: &str,
    ) -> Result<T, Response> {
        self.required_query(name)?;
        self.query_as::<T>(name)?
            .ok_or_else(|| self.bad_request(format!("the query parameter {name} is required")))
    }

    /// A query parameter, if sent.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// A required query parameter: `400` when missing.
    pub(crate) fn required_query(&self, name: &str) -> Result<&str, Response> {
        self.query(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| self.bad_request(format!("the query parameter {name} is required")))
    }

    /// A typed query parameter: `400` naming it when it does not parse.
    pub(crate) fn query_as<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, Response> {
        self.query(name)
            .map(|value| {
                value.parse::<T>().map_err(|_| {
                    self.bad_request(format!(
                        "the query parameter {name} has a bad value: {value}"
                    ))
                })
            })
            .transpose()
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The client id and secret of an `authorization: Basic` header, if it holds them.
    pub(crate) fn basic_credentials(&self) -> Option<(String, String)> {
        use base64::Engine;
        let value = self.header(header::AUTHORIZATION.as_str())?;
        let (scheme, encoded) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?;
        let (id, secret) = String::from_utf8(decoded)
            .ok()?
            .split_once(':')
            .map(|(i, s)| (i.to_owned(), s.to_owned()))?;
        Some((id, secret))
    }

    pub(crate) fn content_type(&self) -> &str {
        self.header(header::CONTENT_TYPE.as_str())
            .unwrap_or_default()
    }

    /// The form-encoded body as the spec's request type: `415` for another media type, `400`
    /// naming the problem for a body that does not match.
    pub(crate) fn form<T: DeserializeOwned>(&self) -> Result<T, Response> {
        let media = self.content_type();
        if !media.is_empty() && !media.starts_with("application/x-www-form-urlencoded") {
            return Err(self.error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("expected an application/x-www-form-urlencoded body, not {media}"),
            ));
        }
        serde_urlencoded::from_bytes(&self.body)
            .map_err(|e| self.bad_request(format!("the request body is not valid: {e}")))
    }

    /// The JSON body as the spec's request type (the generated client type, so what the
    /// spec requires is required here too): `415` for another media type, `400` naming
    /// the problem for a body that does not match.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Response> {
        let media = self.content_type();
        if !media.is_empty() && !media.starts_with("application/json") {
            return Err(self.error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("expected an application/json body, not {media}"),
            ));
        }
        if self.body.is_empty() {
            return Err(self.bad_request("the request body is required"));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| self.bad_request(format!("the request body is not valid: {e}")))
    }
}
