//! A stateful fake of all six APIs of this SDK — CPHub/Navigator (core, auth, billing,
//! support, MSP) and the VCPP partner API — served by axum on `127.0.0.1`, the way moto and
//! LocalStack fake AWS.
//!
//! - **Built from the specs.** Every operation of `specs/*.yaml` is routed at its path and
//!   method, by a handler trait generated per spec (an operation without a handler does not
//!   compile), and the state is seeded from the
//!   specs' own examples.
//! - **Stateful.** A tenant created is listed and fetched; users added are invited, their roles
//!   changed; a support ticket is listed, patched and gets attachments; an order placed shows
//!   in the order feed.
//! - **Authenticated like the real service.** `csp-auth-token` is required, and issued by the
//!   refresh-token exchange with a lifetime you choose; VCPP exchanges HTTP Basic client
//!   credentials for a bearer token. A missing, unknown or expired token gets a `401`.
//! - **Faults on demand:** latency, an error status with `Retry-After`, a dropped connection,
//!   a malformed body ([`Fault`]).
//! - **Drift on demand:** a chosen operation answers out of its spec in one way, a
//!   [`FindingKind`] ([`MockServer::drift`]), so a conformance checker or a client's drift
//!   tracing can be tested against it.
//! - **Bad requests** get the status and error body the spec declares (`400` with the
//!   surface's `ErrorResponse`), never a panic.
//!
//! ```no_run
//! use vmware_cpn_mock::MockServer;
//! use vmware_cpn_runtime::{Auth, Runtime};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let mock = MockServer::start().await?;
//! let runtime = Runtime::builder()
//!     .auth(Auth::csp_refresh_token(mock.base_url(), mock.refresh_token()))
//!     .build()?;
//! let core = cphub_core::Client::with_runtime(mock.base_url(), runtime);
//! let tenants = core.list_tenants().org_id(mock.provider_org()).send().await?;
//! println!("{} tenants", tenants.len());
//! # Ok(())
//! # }
//! ```
//!
//! From the command line: `cargo run -p vmware-cpn-mock -- --port 8080`. The control endpoints
//! under `/_mock/` do there what [`MockServer::inject`], [`MockServer::expire_tokens`],
//! [`MockServer::calls`] and [`MockServer::drift`] do here:
//!
//! - `POST /_mock/faults` with `{"operation": "list_tenants", "times": 2, "fault":
//!   {"status": 503, "retryAfter": 1}}` (or `{"latencyMs": 500}`, `{"dropConnection": true}`,
//!   `{"malformedBody": true}`); `DELETE /_mock/faults` clears them;
//! - `POST /_mock/expire-tokens`;
//! - `GET /_mock/calls`: requests received per operation;
//! - `POST /_mock/drift` with `{"operation": "list_tenants", "kind": "unknown-enum-value"}`:
//!   `204`, or `400` naming why for an unknown operation or kind, or a kind the operation's
//!   success answers cannot show; `GET /_mock/drift` answers `{"list_tenants":
//!   "unknown-enum-value"}`, `DELETE /_mock/drift` clears them all. `--drift
//!   list_tenants=unknown-enum-value` (repeatable) sets one at start; a bad one is a usage
//!   error (exit code 2).
//!
//! # Drift
//!
//! Every success JSON answer of a drifting operation departs from its spec in exactly the
//! one way its kind names (one operation, one kind; a new one replaces it), until cleared:
//!
//! - `undeclared-property`: the first object, depth first in document order, whose schema
//!   refuses undeclared properties gains `"driftedProperty": "a value of the drifted property"`;
//! - `unknown-enum-value`: the first string of an `enum` becomes `"DRIFTED_VALUE"`;
//! - `wrong-type`: the first property whose value is a string (a plain one before one of an
//!   `enum`), a number, an integer or a boolean gets the integer `12345`, the string
//!   `"12345"` or the string `"true"` (an array's items are left alone);
//! - `missing-required`: the first required property present is removed (one inside a
//!   `oneOf`/`anyOf` form is not offered: without it, the value may fit another form);
//! - `undeclared-status`: `203`, else the first other status the operation does not declare
//!   that can carry the same body (206 to 299, then 200 to 202), same body and headers;
//! - `undeclared-content-type`: `Content-Type: text/plain; charset=utf-8` (or
//!   `application/octet-stream` where `text/plain` is declared), same status and body.
//!
//! Values are walked with their schemas (`$ref` followed, each part of an `allOf`, the first
//! alternative of a `oneOf`/`anyOf` the value fits), and a change is kept only if the spec
//! crate's checker then finds exactly that one departure more; an answer with no such place
//! (an empty list) is sent unchanged. Error answers never drift.

// Handlers answer `Result<Response, Response>`: the error is an answer sent once per call,
// so boxing it would cost an allocation for nothing.
#![allow(clippy::result_large_err)]

/// The README's examples, compiled and run as this crate's doctests (it depends on every
/// client, as they do).
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

mod api;
mod call;
mod config;
mod conform;
mod control;
mod drift;
mod error_body;
mod faults;
mod journal;
mod routes;
mod scale;
mod serve;
mod specs;
mod store;
mod tokens;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

pub use config::Config;
pub use faults::Fault;
pub use journal::JournalEntry;
pub use scale::tenant_id;
pub use vmware_cpn_spec::schema_check::FindingKind;

/// Why the mock could not start.
#[derive(Debug)]
pub enum MockError {
    /// The address could not be bound (in use, say).
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// Why it could not be bound.
        error: std::io::Error,
    },
    /// An embedded spec lacks what the mock is built from (an example, a handler).
    Spec(String),
}

impl std::fmt::Display for MockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MockError::Bind { address, error } => {
                write!(f, "the mock could not bind {address}: {error}")
            }
            MockError::Spec(message) => write!(f, "the mock cannot be built: {message}"),
        }
    }
}

impl std::error::Error for MockError {}

/// What every handler and middleware shares.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) specs: &'static specs::Specs,
    pub(crate) store: Mutex<store::Store>,
    pub(crate) tokens: Mutex<tokens::Tokens>,
    pub(crate) faults: faults::Faults,
    pub(crate) journal: journal::Journal,
    pub(crate) drifts: drift::Drifts,
}

pub(crate) type App = Arc<Shared>;

impl Shared {
    pub(crate) fn store(&self) -> MutexGuard<'_, store::Store> {
        // A handler never panics while holding the lock, but a poisoned lock must not take
        // the whole mock down with it.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn tokens(&self) -> MutexGuard<'_, tokens::Tokens> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running mock. Dropping it stops the server.
pub struct MockServer {
    app: App,
    address: SocketAddr,
    base_url: String,
    /// The VCPP API root and token paths, from the vcpp spec's servers, as on the real hosts.
    vcpp_root: String,
    vcpp_token_path: String,
    csp_token_path: String,
    stop: Option<tokio::sync::watch::Sender<bool>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a mock with the default [`Config`] on an ephemeral port of `127.0.0.1`.
    pub async fn start() -> Result<MockServer, MockError> {
        MockServer::start_with(Config::default()).await
    }

    /// Starts a mock with `config` on an ephemeral port of `127.0.0.1`.
    pub async fn start_with(config: Config) -> Result<MockServer, MockError> {
        MockServer::bind(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts a mock with `config` on `address`.
    pub async fn bind(address: SocketAddr, config: Config) -> Result<MockServer, MockError> {
        let specs = specs::Specs::embedded().map_err(MockError::Spec)?;
        let store = store::Store::seeded(specs, &config).map_err(MockError::Spec)?;
        let vcpp_root = specs.root_path("vcpp").map_err(MockError::Spec)?;
        let vcpp_token_path = specs
            .path_of("vcpp", vcpp::operations::GET_TOKEN.id)
            .map_err(MockError::Spec)?;
        let csp_token_path = specs
            .path_of("cphub-auth", cphub_auth::operations::GET_ACCESS_TOKEN.id)
            .map_err(MockError::Spec)?;
        let app: App = Arc::new(Shared {
            tokens: Mutex::new(tokens::Tokens::new(&config)),
            journal: journal::Journal::new(config.record_journal),
            config,
            specs,
            store: Mutex::new(store),
            faults: faults::Faults::default(),
            drifts: drift::Drifts::default(),
        });
        let router = routes::router(app.clone()).map_err(MockError::Spec)?;
        let bind_error = |error| MockError::Bind { address, error };
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(serve::serve(listener, router, stopped));
        Ok(MockServer {
            app,
            address,
            base_url: format!("http://{address}"),
            vcpp_root,
            vcpp_token_path,
            csp_token_path,
            stop: Some(stop),
        })
    }

    /// The address the mock listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The base URL of the CPHub/Navigator surfaces (what `presets::NAVIGATOR` is for the real
    /// service), such as `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The VCPP API root (what `vcpp::PRODUCTION` is for the real service).
    pub fn vcpp_base_url(&self) -> String {
        format!("{}{}", self.base_url, self.vcpp_root)
    }

    /// The VCPP token URL: the vcpp spec's token server path, as on the real hosts.
    pub fn vcpp_token_url(&self) -> String {
        format!("{}{}", self.base_url, self.vcpp_token_path)
    }

    /// The root of the VCPP token server (its spec's server for `get_token`), where the
    /// token path is served.
    pub fn vcpp_token_root(&self) -> String {
        let root = self
            .app
            .specs
            .server_path_of("vcpp", vcpp::operations::GET_TOKEN.id)
            .unwrap_or_default();
        format!("{}{root}", self.base_url)
    }

    /// The CSP token exchange's URL, where the refresh token buys an access token.
    pub fn csp_token_url(&self) -> String {
        format!("{}{}", self.base_url, self.csp_token_path)
    }

    /// The URL of the CSP gateway's API-token exchange as the mock serves it (what
    /// `presets::CSP` is for the real gateway), where [`refresh_token`](Self::refresh_token)
    /// is also a valid CSP API token.
    pub fn csp_api_token_url(&self) -> String {
        let path = self
            .app
            .specs
            .path_of(
                "cphub-auth",
                cphub_auth::operations::EXCHANGE_CSP_API_TOKEN.id,
            )
            .unwrap_or_default();
        format!("{}{path}", self.base_url)
    }

    /// The provider organization the mock is seeded with.
    pub fn provider_org(&self) -> &str {
        &self.app.config.provider_org
    }

    /// The refresh token (API token) the CSP exchange accepts.
    pub fn refresh_token(&self) -> &str {
        &self.app.config.refresh_token
    }

    /// The VCPP client id the token endpoint accepts.
    pub fn vcpp_client_id(&self) -> &str {
        &self.app.config.vcpp_client_id
    }

    /// The VCPP client secret the token endpoint accepts.
    pub fn vcpp_client_secret(&self) -> &str {
        &self.app.config.vcpp_client_secret
    }

    /// Issues a CSP access token directly, for tests that use a fixed token.
    pub fn issue_access_token(&self) -> String {
        self.app.tokens().issue(tokens::Kind::Csp).0
    }

    /// Deletes the OAuth app `client_id` (created with cphub-auth's `create_oauth_app`) and
    /// its role assignments, as the Navigator UI would: its client credentials buy no more
    /// tokens. The identity reference publishes no delete operation for OAuth apps. Whether
    /// there was such an app.
    pub fn delete_oauth_app(&self, client_id: &str) -> bool {
        self.app.store().delete_oauth_app(client_id)
    }

    /// How many tokens the exchanges (CSP and VCPP) have issued.
    pub fn token_exchanges(&self) -> u64 {
        self.app.tokens().exchanges()
    }

    /// Makes every token issued so far expired, so the next call with one gets a `401`.
    pub fn expire_tokens(&self) {
        self.app.tokens().expire_all();
    }

    /// Applies `fault` to the next `times` calls of the operation `operation_id` (`"*"`: of
    /// any operation). Faults are consumed in the order they were added.
    pub fn inject(&self, operation_id: &str, fault: Fault, times: usize) {
        self.app.faults.add(operation_id, fault, times);
    }

    /// Removes the faults not yet consumed.
    pub fn clear_faults(&self) {
        self.app.faults.clear();
    }

    /// The kinds of drift [`drift`](Self::drift) makes: undeclared-property,
    /// unknown-enum-value, wrong-type, missing-required, undeclared-status and
    /// undeclared-content-type.
    pub const DRIFT_KINDS: &'static [FindingKind] = drift::KINDS;

    /// Makes every success JSON answer of the operation `operation` depart from its spec in
    /// exactly the one way `kind` names (see [the crate's docs](crate#drift)), until
    /// [`clear_drift`](Self::clear_drift); a later kind for the same operation replaces it.
    /// An error names why when no spec has the operation, the mock makes no drift of that
    /// kind, or the operation's success answers cannot show it.
    pub fn drift(&self, operation: &str, kind: FindingKind) -> Result<(), String> {
        self.app.drifts.set(self.app.specs, operation, kind)
    }

    /// Makes every operation answer by its spec again.
    pub fn clear_drift(&self) {
        self.app.drifts.clear();
    }

    /// Every request served so far with its answer, when [`Config::record_journal`] is on (else
    /// empty).
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.app.journal.entries()
    }

    /// How many requests the operation `operation_id` has received, including those a fault
    /// answered or dropped: what proves a call was (or was not) retried.
    pub fn calls(&self, operation_id: &str) -> usize {
        self.app.journal.calls(operation_id)
    }

    /// Stops the server; open connections are closed.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop_now();
    }
}
