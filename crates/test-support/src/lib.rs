//! Helpers for the workspace's loopback tests, in one place instead of a copy per test file.
//!
//! - The test constants ([`ORG`], [`TOKEN`]) and the request paths the fakes answer
//!   ([`paths`]).
//! - Runtimes that authenticate like a real caller and do not retry ([`csp_runtime`],
//!   [`bearer_runtime`], [`anonymous_runtime`], [`runtime`]).
//! - The spec's own examples ([`Spec`]), read from `specs/<surface>.yaml` at run time, so a
//!   test checks the client against what the spec documents rather than against a copy of it
//!   that could drift; [`typed`] turns one into the generated type.
//! - The loopback servers: [`canned`] (raw answers, in order), [`fake_service`] (the token
//!   exchanges and two resources, with scripted failures), [`fake_exchanges`] (every token
//!   exchange the runtime's sources make) and [`serve`] for a router of a test's own.
//! - `token_sources` (feature `clients`): every token source, called through the generated
//!   cphub-core and vcpp clients.
//! - [`logs::Captured`], a writer that keeps what a `tracing` subscriber logs.
//! - What an error prints ([`everything_printed`]) and the check that no secret is in it
//!   ([`assert_hidden`]).

use serde_json::Value;
use vmware_cpn_runtime::{Auth, RetryPolicy, Runtime};
use vmware_cpn_spec::LoadedSpec;
use vmware_cpn_spec::load::BodyOf;

pub mod canned;
pub mod fake_exchanges;
pub mod fake_service;
pub mod logs;
pub mod paths;
#[cfg(feature = "clients")]
pub mod token_sources;

/// The organization id used across the tests (the CPHub guide's own).
pub const ORG: &str = "9d9648a7-115a-4a06-a613-a0c4077469f7";

/// The access token the tests authenticate with.
pub const TOKEN: &str = "test-access-token";

/// A runtime that sends [`TOKEN`] as `csp-auth-token`, as CPHub and Navigator expect, and
/// never retries, so each test sees exactly the requests it makes.
pub fn csp_runtime() -> Runtime {
    runtime(Auth::csp_access_token(TOKEN))
}

/// A runtime that sends [`TOKEN`] as `authorization: bearer …`, as VCPP expects; no retries.
pub fn bearer_runtime() -> Runtime {
    runtime(Auth::bearer_token(TOKEN))
}

/// A runtime that sends no credentials; no retries.
pub fn anonymous_runtime() -> Runtime {
    runtime(Auth::none())
}

/// Retries that keep a test quick: three attempts, backing off 10 ms to 50 ms, within 10 s.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(std::time::Duration::from_millis(10))
        .max_backoff(std::time::Duration::from_millis(50))
        .max_elapsed(std::time::Duration::from_secs(10))
}

/// A runtime with `auth` that never retries.
pub fn runtime(auth: Auth) -> Runtime {
    Runtime::builder()
        .auth(auth)
        .retry(RetryPolicy::none())
        .build()
        .expect("an HTTP client with default settings builds")
}

/// A JSON literal (or a spec example) as the typed value it stands for.
pub fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap_or_else(|e| {
        panic!(
            "the JSON does not match {}: {e}",
            std::any::type_name::<T>()
        )
    })
}

/// One spec, loaded by the spec crate's loader, so examples can be taken out of it.
pub struct Spec {
    loaded: LoadedSpec,
}

impl Spec {
    /// Loads `specs/<name>.yaml` from the workspace.
    pub fn load(name: &str) -> Spec {
        let loaded = vmware_cpn_spec::load_in(&vmware_cpn_spec::workspace_root(), name)
            .unwrap_or_else(|errors| panic!("{errors}"));
        Spec { loaded }
    }

    /// The spec's `info.version`: what every request sends as `api-version`.
    pub fn version(&self) -> &str {
        &self.loaded.spec.info.version
    }

    /// The example of the JSON request body of `operation_id` (the first in file order, if
    /// it has several).
    pub fn request_example(&self, operation_id: &str) -> Value {
        self.request_media_example(operation_id, "application/json")
    }

    /// The example of the request body of `operation_id` in `media_type`.
    pub fn request_media_example(&self, operation_id: &str, media_type: &str) -> Value {
        self.example(operation_id, BodyOf::Request { media_type })
    }

    /// The example of the JSON answer of `operation_id` with `status` (the first in file
    /// order, if several).
    pub fn response_example(&self, operation_id: &str, status: &str) -> Value {
        self.response_media_example(operation_id, status, "application/json")
    }

    /// The example of the answer of `operation_id` with `status` in `media_type`.
    pub fn response_media_example(
        &self,
        operation_id: &str,
        status: &str,
        media_type: &str,
    ) -> Value {
        self.example(operation_id, BodyOf::Response { status, media_type })
    }

    /// The named example `name` of the JSON request body of `operation_id`.
    pub fn named_request_example(&self, operation_id: &str, name: &str) -> Value {
        let body = BodyOf::Request {
            media_type: "application/json",
        };
        self.loaded
            .named_example(operation_id, body, name)
            .unwrap_or_else(|| {
                panic!(
                    "{}: {operation_id} has no request example {name}",
                    self.loaded.file
                )
            })
    }

    /// The named example `name` of the JSON answer of `operation_id` with `status`.
    pub fn named_response_example(&self, operation_id: &str, status: &str, name: &str) -> Value {
        let body = BodyOf::Response {
            status,
            media_type: "application/json",
        };
        self.loaded
            .named_example(operation_id, body, name)
            .unwrap_or_else(|| {
                panic!(
                    "{}: {operation_id} has no {status} example {name}",
                    self.loaded.file
                )
            })
    }

    fn example(&self, operation_id: &str, body: BodyOf<'_>) -> Value {
        self.loaded.example(operation_id, body).unwrap_or_else(|| {
            panic!(
                "{}: {operation_id} has no {body:?} example",
                self.loaded.file
            )
        })
    }
}

/// `when` expecting the `csp-auth-token` header [`csp_runtime`] sends: the typed httpmock
/// helpers match method, path, query and body, not credentials.
pub fn csp_token(when: httpmock::When) -> httpmock::When {
    when.header("csp-auth-token", TOKEN)
}

/// `when` expecting [`csp_token`] and the JSON body `example` exactly as given, as
/// `application/json`: the client sends what the spec documents.
pub fn csp_json(when: httpmock::When, example: &Value) -> httpmock::When {
    csp_token(when)
        .header("content-type", "application/json")
        .json_body(example.clone())
}

/// Awaits `call`, which must succeed, then checks that `stub` was matched exactly once;
/// returns the answer.
pub async fn called<R, E: std::fmt::Debug>(
    stub: &httpmock::Mock<'_>,
    call: impl std::future::Future<Output = Result<R, E>>,
) -> R {
    let answer = call
        .await
        .unwrap_or_else(|error| panic!("the call failed: {error:?}"));
    stub.assert_async().await;
    answer
}

/// Serves `app` on 127.0.0.1, on a port of its own, from the current tokio runtime; returns
/// its base URL (`http://127.0.0.1:PORT`).
pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port on 127.0.0.1");
    let address = listener.local_addr().expect("the listener's address");
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

/// Everything an error prints: `Display`, alternate `Display`, `Debug`, pretty `Debug` and
/// every error of its source chain.
pub fn everything_printed(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{error} | {error:#} | {error:?} | {error:#?}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(" | {cause} | {cause:?}"));
        source = cause.source();
    }
    text
}

/// Fails naming the first of `secrets` that `text` contains.
pub fn assert_hidden(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} printed in: {text}");
    }
}

/// `value` without its empty lists and maps, which the generated types leave out when they
/// serialize (so a request sends `{"orgsToAdd": [..]}` for an example's
/// `{"orgsToAdd": [..], "orgsToRemove": []}`).
pub fn pruned(value: Value) -> Value {
    let is_empty = |value: &Value| match value {
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    };
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, pruned(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(pruned).collect()),
        other => other,
    }
}

/// The typed answer serializes back to the example, empty lists and maps aside
/// ([`pruned`]): nothing was lost or renamed.
pub fn assert_same<T: serde::Serialize>(answer: &T, example: &Value) {
    let answer = serde_json::to_value(answer).unwrap();
    assert_eq!(pruned(answer), pruned(example.clone()));
}

/// Sleeps `ms` milliseconds, if any: the fakes' configurable delays.
async fn sleep_ms(ms: u32) {
    if ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(ms.into())).await;
    }
}

/// The ways a chunking property feeds `body`: whole, split in two at each of `split_points`
/// (each at most `body.len()`), and one byte at a time; each with how, for messages.
pub fn chunkings(
    body: &[u8],
    split_points: impl IntoIterator<Item = usize>,
) -> Vec<(String, Vec<Vec<u8>>)> {
    let mut ways = vec![("whole".to_owned(), vec![body.to_vec()])];
    for at in split_points {
        ways.push((
            format!("split at {at}"),
            vec![body[..at].to_vec(), body[at..].to_vec()],
        ));
    }
    ways.push((
        "one byte at a time".to_owned(),
        body.chunks(1).map(<[u8]>::to_vec).collect(),
    ));
    ways
}
