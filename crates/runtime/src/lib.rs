//! The runtime every generated client of this SDK runs on.
//!
//! Each client crate is generated with this crate's [`Runtime`] as its inner type, and every
//! operation hands its request to [`Runtime::send`] with the operation's id, method and path:
//! - **authentication** ([`Auth`]): tokens from a [`TokenSource`] (a Navigator API token, a
//!   CSP API token, a Navigator OAuth app or VCPP client credentials exchanged for access
//!   tokens, or a source of your own: a vault, a file, a sidecar), cached, renewed ahead of
//!   expiry by one exchange however many requests wait, and renewed once more after a `401`;
//!   or a fixed token;
//! - **retries** ([`RetryPolicy`]): transient failures ([`Failure::is_transient`]: no
//!   connection, a dropped one, a timeout, `408`, `429`, `502`, `503` and `504`), with
//!   exponential backoff, jitter and `Retry-After`, bounded in attempts and time, and only
//!   for GET, HEAD, PUT and DELETE: a POST or PATCH is never sent twice;
//! - **timeouts**, per request and per connection;
//! - a **tracing** span per call (`api_call`: operation, method, path, status, attempt,
//!   latency), with no token and no body;
//! - **drift** ([`drift`]): the first answer of an operation that holds a property or an enum
//!   value its spec does not declare is one warning (target `vmware_cpn::drift`), when a
//!   subscriber listens for it.
//!
//! Every call fails with one type, [`Error`]: what the server said ([`Answer`]: status,
//! headers, raw body, request id) and the typed error body, or the credential whose exchange
//! failed ([`AuthError`]). Generated operations read their answers through [`answer`], and so
//! do the crates' hand-written ones. It also holds offset paging as a stream ([`paging`]).
//!
//! Secrets are [`Secret`]s: no `Debug`, `Display`, error or log line of this crate shows one,
//! whatever the server sends back.
//!
//! ```no_run
//! use vmware_cpn_runtime::{Auth, Runtime, presets};
//!
//! # fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = Runtime::builder()
//!     .auth(Auth::csp_refresh_token(presets::NAVIGATOR, std::env::var("CSP_API_TOKEN")?))
//!     .build()?;
//! // Every CPHub/Navigator client built from `runtime` shares its login and its connections:
//! // cphub_core::Client::with_runtime(presets::NAVIGATOR, runtime.clone())
//! # Ok(())
//! # }
//! ```

pub mod answer;
mod auth;
pub mod drift;
mod error;
mod failure;
mod fan_out;
mod jwt;
pub mod paging;
mod path;
mod pause;
pub mod presets;
mod redact;
mod retry;
mod runtime;
mod secret;

pub use auth::{
    Auth, AuthError, CSP_DEFAULT_LIFETIME, Credential, DEFAULT_REFRESH_MARGIN, FetchReason, Scheme,
    Token, TokenFuture, TokenRequest, TokenSource, VCPP_DEFAULT_LIFETIME, exchange_token,
};

pub use drift::Spec;
pub use error::{Answer, ApiError, BodyError, Error, InvalidAnswer, SendError};
pub use failure::Failure;
pub use fan_out::fan_out;
pub use path::push_path_segment;
pub use redact::{MIN_SEARCHED_SECRET_LEN, RedactedHeaders, redacted_headers, request_id};
pub use retry::{Attempted, CallState, Decision, RetryPolicy, retry_after};
pub use runtime::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Operation, Received, Runtime, RuntimeBuilder,
    http_client_builder,
};
pub use secret::Secret;

/// The built-in [`TokenSource`]s, each what an [`Auth`] constructor spends, for wrapping or
/// composing in sources of your own.
pub mod sources {
    pub use crate::auth::{
        CspApiToken, NavigatorOAuthApp, NavigatorRefreshToken, VcppClientCredentials,
    };
}
