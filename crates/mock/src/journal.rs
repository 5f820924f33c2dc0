//! A record of every exchange, kept on request, so tests can check each answer against the
//! spec.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;

use crate::App;
use crate::call::OperationInfo;

/// One call served by the mock and its answer.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct JournalEntry {
    /// The spec (`cphub-core`, …) of the operation.
    pub surface: String,
    /// The operation's `operationId`.
    pub operation_id: String,
    /// The request's method.
    pub method: String,
    /// The request's path and query.
    pub uri: String,
    /// The request's `Content-Type`, if any.
    pub request_content_type: Option<String>,
    /// The request's body.
    pub request_body: Bytes,
    /// The answer's status.
    pub status: u16,
    /// The answer's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The answer's body.
    pub body: Bytes,
}

pub(crate) struct Journal {
    /// Every exchange, when recording is on.
    entries: Option<Mutex<Vec<JournalEntry>>>,
    /// How many requests each operation received, answered or not: always counted.
    calls: Mutex<HashMap<String, usize>>,
}

impl Journal {
    pub(crate) fn new(on: bool) -> Journal {
        Journal {
            entries: on.then(|| Mutex::new(Vec::new())),
            calls: Mutex::default(),
        }
    }

    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        self.entries
            .as_ref()
            .map(|e| e.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .unwrap_or_default()
    }

    pub(crate) fn all_calls(&self) -> std::collections::BTreeMap<String, usize> {
        let calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    pub(crate) fn calls(&self, operation_id: &str) -> usize {
        let calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls.get(operation_id).copied().unwrap_or(0)
    }
}

/// Middleware: counts the call, and records the exchange when the journal is on.
pub(crate) async fn record(State(app): State<App>, request: Request, next: Next) -> Response {
    let operation = request.extensions().get::<OperationInfo>().cloned();
    if let Some(operation) = &operation {
        let mut calls = app.journal.calls.lock().unwrap_or_else(|e| e.into_inner());
        *calls.entry(operation.id.clone()).or_default() += 1;
    }
    let Some(journal) = app.journal.entries.as_ref() else {
        return next.run(request).await;
    };
    let method = request.method().to_string();
    let uri = request.uri().to_string();
    let request_content_type = content_type(request.headers());
    let (parts, body) = request.into_parts();
    // A body the client broke off is recorded (and served) as what arrived: nothing.
    let request_body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let request = Request::from_parts(parts, axum::body::Body::from(request_body.clone()));
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
            .push(JournalEntry {
                surface: operation.surface.to_owned(),
                operation_id: operation.id,
                method,
                uri,
                request_content_type,
                request_body,
                status: parts.status.as_u16(),
                content_type: content_type(&parts.headers),
                body: body.clone(),
            });
    }
    Response::from_parts(parts, axum::body::Body::from(body))
}

fn content_type(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
