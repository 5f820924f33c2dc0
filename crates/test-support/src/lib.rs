//! Helpers for the client crates' loopback tests.
//!
//! Clients are built on runtimes that authenticate like a real caller and do not retry.
//!
//! Tests answer with the spec's own examples, read from `specs/<surface>.yaml` at run time, so
//! a test checks the client against what the spec documents rather than against a copy of it
//! that could drift.

use serde_json::Value;
use vmware_cpn_runtime::{Auth, RetryPolicy, Runtime};
use vmware_cpn_spec::LoadedSpec;
use vmware_cpn_spec::load::BodyOf;

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
