//! The mock's control endpoints under `/_mock/`, so tools that start it from the command
//! line (in any language) can inject faults, expire tokens, read call counts and make
//! answers drift, as the library's `MockServer` methods do. They are outside every spec's
//! paths and need no token.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::App;
use crate::call::ErrorBody;
use crate::faults::Fault;

/// `POST /_mock/faults`: `{"operation": "list_tenants", "times": 2, "fault": {...}}`, where
/// the fault is one of `{"status": 503, "retryAfter": 1}`, `{"latencyMs": 500}`,
/// `{"dropConnection": true}`, `{"malformedBody": true}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    operation: String,
    #[serde(default = "one")]
    times: usize,
    fault: FaultForm,
}

fn one() -> usize {
    1
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FaultForm {
    Status {
        status: u16,
        #[serde(rename = "retryAfter")]
        retry_after: Option<u64>,
    },
    Latency {
        #[serde(rename = "latencyMs")]
        latency_ms: u64,
    },
    Drop {
        #[serde(rename = "dropConnection")]
        drop_connection: bool,
    },
    Malformed {
        #[serde(rename = "malformedBody")]
        malformed_body: bool,
    },
}

impl FaultForm {
    fn into_fault(self) -> Result<Fault, String> {
        match self {
            FaultForm::Status {
                status,
                retry_after,
            } if (400..600).contains(&status) => Ok(Fault::Status {
                status,
                retry_after,
            }),
            FaultForm::Status { status, .. } => Err(format!(
                "status {status} is not an error status (400 to 599)"
            )),
            FaultForm::Latency { latency_ms } => {
                Ok(Fault::Latency(Duration::from_millis(latency_ms)))
            }
            FaultForm::Drop {
                drop_connection: true,
            } => Ok(Fault::DropConnection),
            FaultForm::Malformed {
                malformed_body: true,
            } => Ok(Fault::MalformedBody),
            FaultForm::Drop { .. } | FaultForm::Malformed { .. } => {
                Err("a fault flag must be true".to_owned())
            }
        }
    }
}

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/_mock/faults", post(add_fault))
        .route("/_mock/faults", delete(clear_faults))
        .route("/_mock/expire-tokens", post(expire_tokens))
        .route("/_mock/calls", get(calls))
        .route(
            "/_mock/drift",
            post(add_drift).get(drifts).delete(clear_drift),
        )
}

async fn add_fault(State(app): State<App>, body: axum::body::Bytes) -> Response {
    let bad = |message: String| {
        ErrorBody::at_path("/_mock/faults").error(StatusCode::BAD_REQUEST, message)
    };
    let request: FaultRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => return bad(format!("not a fault: {e}")),
    };
    let known = request.operation == "*"
        || app
            .specs
            .iter()
            .any(|(_, spec)| spec.operation(&request.operation).is_some());
    if !known {
        return bad(format!("no spec has an operation {}", request.operation));
    }
    match request.fault.into_fault() {
        Ok(fault) => {
            app.faults.add(&request.operation, fault, request.times);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(message) => bad(message),
    }
}

async fn clear_faults(State(app): State<App>) -> StatusCode {
    app.faults.clear();
    StatusCode::NO_CONTENT
}

async fn expire_tokens(State(app): State<App>) -> StatusCode {
    app.tokens().expire_all();
    StatusCode::NO_CONTENT
}

/// `GET /_mock/calls`: how many requests each operation received.
async fn calls(State(app): State<App>) -> Json<BTreeMap<String, usize>> {
    Json(app.journal.all_calls())
}

/// `POST /_mock/drift`: `{"operation": "list_tenants", "kind": "unknown-enum-value"}`, the
/// kind by its name in findings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DriftRequest {
    operation: String,
    kind: String,
}

async fn add_drift(State(app): State<App>, body: axum::body::Bytes) -> Response {
    let bad = |message: String| {
        ErrorBody::at_path("/_mock/drift").error(StatusCode::BAD_REQUEST, message)
    };
    let request: DriftRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => return bad(format!("not a drift: {e}")),
    };
    let set = crate::drift::kind(&request.kind)
        .and_then(|kind| app.drifts.set(app.specs, &request.operation, kind));
    match set {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(message) => bad(message),
    }
}

/// `GET /_mock/drift`: each drifting operation and its kind.
async fn drifts(State(app): State<App>) -> Json<BTreeMap<String, String>> {
    Json(app.drifts.all())
}

async fn clear_drift(State(app): State<App>) -> StatusCode {
    app.drifts.clear();
    StatusCode::NO_CONTENT
}
