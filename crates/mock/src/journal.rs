//! A record of every exchange, kept on request, so tests can check each answer against the
//! spec.

use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;

use crate::App;
use crate::call::OperationInfo;

/// One call served by the mock and its answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The spec (`cphub-core`, …) of the operation.
    pub surface: String,
    /// The operation's `operationId`.
    pub operation_id: String,
    /// The request's method.
    pub method: String,
    /// The request's path and query.
    pub uri: String,
    /// The answer's status.
    pub status: u16,
    /// The answer's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The answer's body.
    pub body: Bytes,
}

pub(crate) struct Journal(Option<Mutex<Vec<Exchange>>>);

impl Journal {
    pub(crate) fn new(on: bool) -> Journal {
        Journal(on.then(|| Mutex::new(Vec::new())))
    }

    pub(crate) fn exchanges(&self) -> Vec<Exchange> {
        self.0
            .as_ref()
            .map(|e| e.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .unwrap_or_default()
    }
}

/// Middleware: records the exchange when the journal is on.
pub(crate) async fn record(State(app): State<App>, request: Request, next: Next) -> Response {
    let Some(journal) = app.journal.0.as_ref() else {
        return next.run(request).await;
    };
    let operation = request.extensions().get::<OperationInfo>().cloned();
    let method = request.method().to_string();
    let uri = request.uri().to_string();
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    // The mock's own answers are small and whole; a body that fails to read is recorded empty.
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    if let Some(operation) = operation {
        journal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Exchange {
                surface: operation.surface.to_owned(),
                operation_id: operation.id,
                method,
                uri,
                status: parts.status.as_u16(),
                content_type: parts
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
                body: body.clone(),
            });
    }
    Response::from_parts(parts, axum::body::Body::from(body))
}
