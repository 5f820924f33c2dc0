//! A small stateful fake of the token exchanges and two resources, on 127.0.0.1, for the
//! runtime's tests: it counts exchanges and requests, issues a new token per exchange, and
//! plays scripted failures before answering normally.
//!
//! - `POST` [`NAVIGATOR_EXCHANGE`]: [`REFRESH_TOKEN`] for `access-N`, the `N`th exchange;
//! - `POST` [`VCPP_TOKEN`]: HTTP Basic [`CLIENT_ID`] and [`CLIENT_SECRET`] for `vcpp-N`;
//! - the tenants and an organization (cphub-core), the users (cphub-auth) and the commit
//!   contracts (VCPP): the [`Scripted`] answers first, then `401` to a token issued before
//!   exchange `first_valid_exchange`, else an empty list (`{"contractList": []}` for VCPP).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::paths::{NAVIGATOR_EXCHANGE, VCPP_TOKEN};
use crate::sleep_ms;

/// The refresh token the exchange takes.
pub const REFRESH_TOKEN: &str = "refresh-secret-value";
/// The VCPP client id the exchange takes.
pub const CLIENT_ID: &str = "client-id";
/// The VCPP client secret the exchange takes.
pub const CLIENT_SECRET: &str = "client-secret-value";

/// A scripted answer, played before the normal behaviour.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// This status, with an optional `Retry-After`.
    Status(u16, Option<&'static str>),
    /// A `401`, whatever the token.
    Unauthorized,
}

/// The fake's state, which a test reads and sets.
#[derive(Default)]
pub struct Fake {
    /// Token exchanges made (CSP and VCPP).
    pub exchanges: AtomicU32,
    /// Requests to the resources.
    pub hits: AtomicU32,
    /// Tokens the resources saw, in order.
    pub tokens_seen: Mutex<Vec<String>>,
    /// Answers played first, one per resource request.
    pub script: Mutex<VecDeque<Scripted>>,
    /// Lifetime of issued tokens, in seconds.
    pub lifetime_seconds: AtomicU32,
    /// Delay of each exchange, in milliseconds, so concurrent callers overlap.
    pub exchange_delay_ms: AtomicU32,
    /// Delay of each resource answer, in milliseconds.
    pub resource_delay_ms: AtomicU32,
    /// Tokens issued before this exchange number are refused by the resources.
    pub first_valid_exchange: AtomicU32,
}

impl Fake {
    /// Plays `answers` first, one per resource request.
    pub fn script(&self, answers: impl IntoIterator<Item = Scripted>) {
        self.script.lock().unwrap().extend(answers);
    }

    fn token_is_valid(&self, token: &str) -> bool {
        let number = token
            .rsplit('-')
            .next()
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0);
        number >= self.first_valid_exchange.load(Ordering::SeqCst).max(1)
    }
}

/// Starts the fake; returns its base URL and its state.
pub async fn start() -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake::default());
    fake.lifetime_seconds.store(1800, Ordering::SeqCst);
    let app = axum::Router::new()
        .route(NAVIGATOR_EXCHANGE, post(csp_exchange))
        .route(VCPP_TOKEN, post(vcpp_exchange))
        .route(
            "/cphub/api/core/v1/mgmt/orgs/{org}/tenants",
            get(resource).post(resource),
        )
        .route(
            "/cphub/api/core/v1/mgmt/orgs/{org}",
            get(resource).put(resource),
        )
        .route("/cphub/api/auth/v1/orgs/{org}/users", get(resource))
        .route("/v1/m3/api/vcpp/commit-contracts", get(resource))
        .with_state(fake.clone());
    (crate::serve(app).await, fake)
}

async fn csp_exchange(State(fake): State<Arc<Fake>>, body: String) -> Response {
    sleep_ms(fake.exchange_delay_ms.load(Ordering::SeqCst)).await;
    let body: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let given = body["refreshToken"].as_str().unwrap_or_default();
    if given != REFRESH_TOKEN {
        // Echoes what it was given, as careless services do: the SDK must not repeat it.
        let message = format!("invalid refresh token {given}");
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "message": message })),
        )
            .into_response();
    }
    let number = fake.exchanges.fetch_add(1, Ordering::SeqCst) + 1;
    axum::Json(json!({
        "accessToken": format!("access-{number}"),
        "expiresIn": fake.lifetime_seconds.load(Ordering::SeqCst),
    }))
    .into_response()
}

async fn vcpp_exchange(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> Response {
    // base64("client-id:client-secret-value")
    let expected = "Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQtdmFsdWU=";
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"status": "FAILURE"})),
        )
            .into_response();
    }
    let number = fake.exchanges.fetch_add(1, Ordering::SeqCst) + 1;
    axum::Json(json!({
        "access_token": format!("vcpp-{number}"),
        "token_type": "bearer",
        "expires_in": fake.lifetime_seconds.load(Ordering::SeqCst),
    }))
    .into_response()
}

async fn resource(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> Response {
    fake.hits.fetch_add(1, Ordering::SeqCst);
    let token = headers
        .get("csp-auth-token")
        .or_else(|| headers.get("authorization"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    fake.tokens_seen.lock().unwrap().push(token.clone());
    sleep_ms(fake.resource_delay_ms.load(Ordering::SeqCst)).await;
    let scripted = fake.script.lock().unwrap().pop_front();
    match scripted {
        Some(Scripted::Status(status, retry_after)) => {
            let mut response = (
                StatusCode::from_u16(status).unwrap(),
                axum::Json(json!({"statusCode": status, "message": "scripted"})),
            )
                .into_response();
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert("retry-after", seconds.parse().unwrap());
            }
            response
        }
        Some(Scripted::Unauthorized) => unauthorized(),
        None if !fake.token_is_valid(&token) => unauthorized(),
        None if token.starts_with("bearer ") => {
            axum::Json(json!({"contractList": []})).into_response()
        }
        None => axum::Json(json!([])).into_response(),
    }
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(json!({"statusCode": 401, "message": "token expired"})),
    )
        .into_response()
}
