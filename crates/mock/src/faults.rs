//! Faults injected into chosen calls, so retries and refreshes can be proven end to end.

use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::App;
use crate::call::{ErrorBody, OperationInfo};
use crate::serve::ConnectionCut;

/// What goes wrong with a call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The answer comes this much later; the call is then served normally.
    Latency(Duration),
    /// The call is answered with this status and the surface's error body, without being
    /// served; `Retry-After` is sent when given (seconds).
    Status {
        /// The HTTP status, such as 503.
        status: u16,
        /// The `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// The connection is closed before any answer is sent.
    DropConnection,
    /// The call is served, but its body is replaced by truncated JSON (status and
    /// content type kept).
    MalformedBody,
}

impl Fault {
    /// An error status without `Retry-After`.
    pub fn status(status: u16) -> Fault {
        Fault::Status {
            status,
            retry_after: None,
        }
    }

    /// An error status with `Retry-After: seconds`.
    pub fn status_retry_after(status: u16, seconds: u64) -> Fault {
        Fault::Status {
            status,
            retry_after: Some(seconds),
        }
    }
}

struct Rule {
    operation_id: String,
    fault: Fault,
    remaining: usize,
}

#[derive(Default)]
pub(crate) struct Faults(Mutex<Vec<Rule>>);

impl Faults {
    pub(crate) fn add(&self, operation_id: &str, fault: Fault, times: usize) {
        if times == 0 {
            return;
        }
        self.rules().push(Rule {
            operation_id: operation_id.to_owned(),
            fault,
            remaining: times,
        });
    }

    pub(crate) fn clear(&self) {
        self.rules().clear();
    }

    /// The first fault that applies to `operation_id`, used up once.
    fn take(&self, operation_id: &str) -> Option<Fault> {
        let mut rules = self.rules();
        let index = rules
            .iter()
            .position(|r| r.operation_id == operation_id || r.operation_id == "*")?;
        let rule = &mut rules[index];
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        if rule.remaining == 0 {
            rules.remove(index);
        }
        Some(fault)
    }

    fn rules(&self) -> std::sync::MutexGuard<'_, Vec<Rule>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Middleware: applies the next fault meant for this operation, before authentication, as a
/// gateway in front of the service would.
pub(crate) async fn apply(State(app): State<App>, request: Request, next: Next) -> Response {
    let Some(operation) = request.extensions().get::<OperationInfo>().cloned() else {
        return next.run(request).await;
    };
    let Some(fault) = app.faults.take(&operation.id) else {
        return next.run(request).await;
    };
    tracing::debug!(operation = %operation.id, ?fault, "injecting a fault");
    match fault {
        Fault::Latency(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Fault::Status {
            status,
            retry_after,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut response =
                ErrorBody::of(operation.surface).error(status, "a fault injected by the mock");
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
        Fault::DropConnection => {
            if let Some(cut) = request.extensions().get::<ConnectionCut>() {
                cut.cut();
            }
            // The connection is closed under this future; it never answers.
            std::future::pending().await
        }
        Fault::MalformedBody => {
            let response = next.run(request).await;
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Response::from_parts(parts, axum::body::Body::from("{\"truncated\": [1, 2"))
        }
    }
}
