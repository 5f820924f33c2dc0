//! A loopback fake of every token exchange the runtime's sources make, and of the two kinds of
//! resource they authenticate (a Navigator one taking `csp-auth-token`, a VCPP one taking a
//! bearer token), on 127.0.0.1:
//! - `POST` [`NAVIGATOR_EXCHANGE`]: Navigator's API-token exchange, JSON `{refreshToken}`,
//!   answering `201` camelCase tokens with no expiry (a JWT's `exp` has it);
//! - `POST` [`CSP_EXCHANGE`]: CSP's, form `api_token=…`, answering `200` snake_case tokens with
//!   `expires_in`;
//! - `POST` [`OAUTH_EXCHANGE`]`?orgId=…`: Navigator's OAuth-app exchange, HTTP Basic and form
//!   `grant_type=client_credentials`, answering `200` camelCase JWTs;
//! - `POST` [`VCPP_TOKEN`]: VCPP's, HTTP Basic, answering `access_token`, `expires_in`;
//! - `GET` [`SIDECAR`]: a sidecar handing out tokens to whoever shows its key;
//! - and [`Fake::vault_issue`], an in-process "vault" for sources that make no HTTP call.
//!
//! Every refusal echoes the credential it was given, as careless services do. Resources accept
//! only tokens the fake issued, unexpired, from exchange `first_valid_exchange` on, in the
//! header their surface expects; each records the number of the token it saw.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::paths::{CSP_EXCHANGE, NAVIGATOR_EXCHANGE, OAUTH_EXCHANGE, VCPP_TOKEN};
use crate::{ORG, sleep_ms};

/// The Navigator API token its exchange takes.
pub const NAVIGATOR_API_TOKEN: &str = "navigator-api-token-SECRET";
/// The CSP API token its exchange takes.
pub const CSP_API_TOKEN: &str = "csp-api-token-SECRET";
/// The OAuth app's client id.
pub const OAUTH_CLIENT_ID: &str = "oauth-app-client-id";
/// The OAuth app's client secret.
pub const OAUTH_CLIENT_SECRET: &str = "oauth-app-client-SECRET";
/// The VCPP client id.
pub const VCPP_CLIENT_ID: &str = "vcpp-client-id";
/// The VCPP client secret.
pub const VCPP_CLIENT_SECRET: &str = "vcpp-client-SECRET";
/// The key the sidecar asks for.
pub const SIDECAR_KEY: &str = "sidecar-key-SECRET";
/// The sidecar's token path.
pub const SIDECAR: &str = "/sidecar/token";

/// How the next exchange answers, before the normal behaviour.
#[derive(Clone, Copy, Debug)]
pub enum Odd {
    /// `200` JSON without a token, echoing the credential in its message.
    NoTokenEchoing,
    /// `502` with an HTML page echoing the credential.
    HtmlEchoing,
}

/// The fake's state, which a test reads and sets.
#[derive(Default)]
pub struct Fake {
    /// Tokens issued (exchanges that succeeded, vault included).
    pub exchanges: AtomicU32,
    /// Requests to the resources.
    pub hits: AtomicU32,
    /// The number of each token the resources saw, in order (0: one the fake never issued).
    pub seen: Mutex<Vec<u32>>,
    /// Lifetime of issued tokens, in seconds.
    pub lifetime_seconds: AtomicU32,
    /// Delay of each exchange, in milliseconds, so concurrent callers overlap.
    pub exchange_delay_ms: AtomicU32,
    /// Tokens issued before this exchange number are refused by the resources.
    pub first_valid_exchange: AtomicU32,
    /// Every resource request is answered `401`.
    pub always_unauthorized: AtomicBool,
    /// A new token was issued after the one before it had expired.
    pub renewed_late: AtomicBool,
    /// Odd answers the exchanges play first.
    pub odd: Mutex<VecDeque<Odd>>,
    /// Each issued token, with its number and when it expires.
    issued: Mutex<HashMap<String, (u32, Instant)>>,
    /// Each token's expiry, by number.
    expiries: Mutex<Vec<Instant>>,
}

impl Fake {
    /// The issued tokens' values: none may appear in any output.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.issued.lock().unwrap().keys().cloned().collect()
    }

    /// The number of each token the resources saw, in order.
    pub fn seen(&self) -> Vec<u32> {
        self.seen.lock().unwrap().clone()
    }

    /// Tokens issued so far.
    pub fn exchanges(&self) -> u32 {
        self.exchanges.load(Ordering::SeqCst)
    }

    /// Requests to the resources so far.
    pub fn hits(&self) -> u32 {
        self.hits.load(Ordering::SeqCst)
    }

    /// Plays `odd` answers first, one per exchange.
    pub fn play(&self, odd: impl IntoIterator<Item = Odd>) {
        self.odd.lock().unwrap().extend(odd);
    }

    /// A new token: `prefix-n`, or a JWT whose `exp` claim is its expiry (what Navigator's
    /// exchanges rely on). Returns the token, its number and its lifetime.
    fn issue(&self, prefix: &str, jwt: bool) -> (String, u32, u32) {
        let lifetime = self.lifetime_seconds.load(Ordering::SeqCst);
        let mut expiries = self.expiries.lock().unwrap();
        let number = self.exchanges.fetch_add(1, Ordering::SeqCst) + 1;
        let now = Instant::now();
        if expiries.last().is_some_and(|previous| *previous <= now) {
            self.renewed_late.store(true, Ordering::SeqCst);
        }
        let (token, expires) = if jwt {
            // `exp` is in whole seconds: the token expires at the start of that second.
            let exp = unix_now().as_secs() + u64::from(lifetime);
            let left = Duration::from_secs(exp).saturating_sub(unix_now());
            let claims = json!({"sub": prefix, "n": number, "exp": exp}).to_string();
            let token = format!(
                "{}.{}.c2lnbmF0dXJl",
                base64(br#"{"alg":"RS256","typ":"JWT"}"#, URL_SAFE, false),
                base64(claims.as_bytes(), URL_SAFE, false)
            );
            (token, now + left)
        } else {
            (
                format!("{prefix}-{number}"),
                now + Duration::from_secs(lifetime.into()),
            )
        };
        expiries.push(expires);
        self.issued
            .lock()
            .unwrap()
            .insert(token.clone(), (number, expires));
        (token, number, lifetime)
    }

    /// The in-process vault: a token and its lifetime, no HTTP involved.
    pub async fn vault_issue(&self) -> (String, Duration) {
        sleep_ms(self.exchange_delay_ms.load(Ordering::SeqCst)).await;
        let (token, _, lifetime) = self.issue("vault", false);
        (token, Duration::from_secs(lifetime.into()))
    }

    fn odd_answer(&self, echoed: &str) -> Option<Response> {
        let odd = self.odd.lock().unwrap().pop_front()?;
        Some(match odd {
            Odd::NoTokenEchoing => (
                StatusCode::OK,
                axum::Json(json!({
                    "cspErrorCode": "340.800",
                    "message": format!("no token for {echoed}"),
                })),
            )
                .into_response(),
            Odd::HtmlEchoing => (
                StatusCode::BAD_GATEWAY,
                [("content-type", "text/html")],
                format!("<html><body>502: upstream refused {echoed}</body></html>"),
            )
                .into_response(),
        })
    }

    /// The number of a valid token, or why it is refused.
    fn check(&self, token: &str) -> Result<u32, u32> {
        let issued = self.issued.lock().unwrap().get(token).copied();
        let Some((number, expires)) = issued else {
            return Err(0);
        };
        let valid = number >= self.first_valid_exchange.load(Ordering::SeqCst).max(1)
            && Instant::now() < expires
            && !self.always_unauthorized.load(Ordering::SeqCst);
        if valid { Ok(number) } else { Err(number) }
    }
}

/// Starts the fake; returns its base URL and its state.
pub async fn start() -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake::default());
    fake.lifetime_seconds.store(1800, Ordering::SeqCst);
    let app = axum::Router::new()
        .route(NAVIGATOR_EXCHANGE, post(navigator_exchange))
        .route(CSP_EXCHANGE, post(csp_exchange))
        .route(OAUTH_EXCHANGE, post(oauth_exchange))
        .route(VCPP_TOKEN, post(vcpp_exchange))
        .route(SIDECAR, get(sidecar))
        .route(
            "/cphub/api/core/v1/mgmt/orgs/{org}/tenants",
            get(navigator_resource),
        )
        .route("/v1/m3/api/vcpp/commit-contracts", get(vcpp_resource))
        .with_state(fake.clone());
    (crate::serve(app).await, fake)
}

/// A CSP-shaped refusal that echoes what it was given.
fn refusal(status: StatusCode, echoed: &str) -> Response {
    (
        status,
        [("x-request-id", "exchange-req-1")],
        axum::Json(json!({
            "statusCode": status.as_u16(),
            "moduleCode": 340,
            "cspErrorCode": "340.800",
            "message": format!("invalid_grant: Invalid refresh token: {echoed}"),
            "requestId": "exchange-req-1",
        })),
    )
        .into_response()
}

/// Navigator's `AuthenticationTokens`: no expiry; `idToken` and `refreshToken` are secrets too.
fn navigator_tokens(status: StatusCode, token: String, number: u32) -> Response {
    (
        status,
        axum::Json(json!({
            "accessToken": token,
            "idToken": format!("id-token-SECRET-{number}"),
            "refreshToken": format!("refresh-token-SECRET-{number}"),
            "returnUrl": "https://console.navigator.vmware.com/",
        })),
    )
        .into_response()
}

async fn navigator_exchange(State(fake): State<Arc<Fake>>, body: String) -> Response {
    sleep_ms(fake.exchange_delay_ms.load(Ordering::SeqCst)).await;
    let body: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let given = body["refreshToken"].as_str().unwrap_or_default();
    if let Some(odd) = fake.odd_answer(given) {
        return odd;
    }
    if given != NAVIGATOR_API_TOKEN {
        return refusal(StatusCode::BAD_REQUEST, given);
    }
    let (token, number, _) = fake.issue("navigator", true);
    navigator_tokens(StatusCode::CREATED, token, number)
}

async fn csp_exchange(
    State(fake): State<Arc<Fake>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    sleep_ms(fake.exchange_delay_ms.load(Ordering::SeqCst)).await;
    // `api_token` only: the deprecated `refresh_token` field is refused.
    let given = form
        .get("api_token")
        .map(String::as_str)
        .unwrap_or_default();
    if let Some(odd) = fake.odd_answer(given) {
        return odd;
    }
    if given != CSP_API_TOKEN {
        return refusal(StatusCode::BAD_REQUEST, given);
    }
    let (token, number, lifetime) = fake.issue("csp", false);
    axum::Json(json!({
        "access_token": token,
        "expires_in": lifetime,
        "id_token": format!("id-token-SECRET-{number}"),
        "refresh_token": format!("refresh-token-SECRET-{number}"),
        "scope": "*",
        "token_type": "bearer",
    }))
    .into_response()
}

async fn oauth_exchange(
    State(fake): State<Arc<Fake>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    sleep_ms(fake.exchange_delay_ms.load(Ordering::SeqCst)).await;
    let given = authorization(&headers);
    if let Some(odd) = fake.odd_answer(&given) {
        return odd;
    }
    if query.get("orgId").map(String::as_str) != Some(ORG)
        || form.get("grant_type").map(String::as_str) != Some("client_credentials")
    {
        return (StatusCode::BAD_REQUEST, "orgId and grant_type required").into_response();
    }
    if given != basic(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET) {
        return refusal(
            StatusCode::UNAUTHORIZED,
            &format!("{given} ({})", decoded(&given)),
        );
    }
    let (token, number, _) = fake.issue("oauth-app", true);
    navigator_tokens(StatusCode::OK, token, number)
}

async fn vcpp_exchange(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> Response {
    sleep_ms(fake.exchange_delay_ms.load(Ordering::SeqCst)).await;
    let given = authorization(&headers);
    if let Some(odd) = fake.odd_answer(&given) {
        return odd;
    }
    if given != basic(VCPP_CLIENT_ID, VCPP_CLIENT_SECRET) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({
                "status": "FAILURE",
                "message": format!("bad credentials {given} ({})", decoded(&given)),
            })),
        )
            .into_response();
    }
    let (token, _, lifetime) = fake.issue("vcpp", false);
    axum::Json(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": lifetime,
    }))
    .into_response()
}

async fn sidecar(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> Response {
    sleep_ms(fake.exchange_delay_ms.load(Ordering::SeqCst)).await;
    let given = headers
        .get("x-sidecar-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if let Some(odd) = fake.odd_answer(&given) {
        return odd;
    }
    if given != SIDECAR_KEY {
        return refusal(StatusCode::FORBIDDEN, &given);
    }
    let (token, _, lifetime) = fake.issue("sidecar", false);
    axum::Json(json!({ "access_token": token, "expires_in": lifetime })).into_response()
}

async fn navigator_resource(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> Response {
    let token = headers
        .get("csp-auth-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    resource(&fake, token, || axum::Json(json!([])).into_response())
}

async fn vcpp_resource(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> Response {
    let token = authorization(&headers);
    let token = token.strip_prefix("bearer ").unwrap_or_default();
    resource(&fake, token, || {
        axum::Json(json!({"contractList": []})).into_response()
    })
}

fn resource(fake: &Fake, token: &str, answer: impl FnOnce() -> Response) -> Response {
    fake.hits.fetch_add(1, Ordering::SeqCst);
    let checked = fake.check(token);
    fake.seen
        .lock()
        .unwrap()
        .push(checked.unwrap_or_else(|number| number));
    match checked {
        Ok(_) => answer(),
        Err(_) => (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"statusCode": 401, "message": "token expired"})),
        )
            .into_response(),
    }
}

fn authorization(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// `Basic base64(id:secret)`, as a client sends it.
pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", basic_value(id, secret))
}

/// `base64(id:secret)`: a secret as much as the secret, since a server may echo it.
pub fn basic_value(id: &str, secret: &str) -> String {
    base64(format!("{id}:{secret}").as_bytes(), STANDARD, true)
}

/// What a Basic header says, decoded (echoed by the careless exchanges).
fn decoded(header: &str) -> String {
    let Some(encoded) = header.strip_prefix("Basic ") else {
        return String::new();
    };
    let value = |c: u8| STANDARD.iter().position(|&a| a == c).map(|p| p as u32);
    let mut out = Vec::new();
    for chunk in encoded.trim_end_matches('=').as_bytes().chunks(4) {
        let Some(bits) = chunk.iter().map(|&c| value(c)).collect::<Option<Vec<_>>>() else {
            return String::new();
        };
        let mut n = 0u32;
        for (i, b) in bits.iter().enumerate() {
            n |= b << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        if pad {
            out.extend(std::iter::repeat_n('=', 3 - chunk.len()));
        }
    }
    out
}

fn unix_now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap()
}
