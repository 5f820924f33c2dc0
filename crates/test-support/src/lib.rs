//! Helpers for the client crates' loopback tests.
//!
//! Clients are built on runtimes that authenticate like a real caller and do not retry.
//!
//! Tests answer with the spec's own examples, read from `specs/<surface>.yaml` at run time, so
//! a test checks the client against what the spec documents rather than against a copy of it
//! that could drift.

use std::path::PathBuf;

use sdk_runtime::{Auth, RetryPolicy, Runtime};
use serde_json::Value;

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

fn runtime(auth: Auth) -> Runtime {
    Runtime::builder()
        .auth(auth)
        .retry(RetryPolicy::none())
        .build()
        .expect("an HTTP client with default settings builds")
}

/// One spec, parsed as plain JSON values so examples can be taken out of it.
pub struct Spec {
    name: String,
    document: Value,
}

impl Spec {
    /// Loads `specs/<name>.yaml` from the workspace.
    pub fn load(name: &str) -> Spec {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../specs")
            .join(format!("{name}.yaml"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
        let document = serde_norway::from_str(&text)
            .unwrap_or_else(|error| panic!("parsing {}: {error}", path.display()));
        Spec {
            name: name.to_owned(),
            document,
        }
    }

    /// The example of the JSON request body of `operation_id` (the first in name order, if
    /// it has several).
    pub fn request_example(&self, operation_id: &str) -> Value {
        self.request_media_example(operation_id, "application/json")
    }

    /// The example of the request body of `operation_id` in `media_type`.
    pub fn request_media_example(&self, operation_id: &str, media_type: &str) -> Value {
        let body = &self.operation(operation_id)["requestBody"];
        self.example_of(&body["content"][media_type], operation_id, "request")
    }

    /// The example of the JSON answer of `operation_id` with `status` (the first in name
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
        let response = &self.operation(operation_id)["responses"][status];
        self.example_of(&response["content"][media_type], operation_id, status)
    }

    /// The named example `name` of the JSON request body of `operation_id`.
    pub fn named_request_example(&self, operation_id: &str, name: &str) -> Value {
        let body = &self.operation(operation_id)["requestBody"];
        let value = &body["content"]["application/json"]["examples"][name]["value"];
        if value.is_null() {
            panic!(
                "specs/{}.yaml: {operation_id} has no request example {name}",
                self.name
            );
        }
        value.clone()
    }

    fn operation(&self, operation_id: &str) -> &Value {
        self.document["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(Value::as_object)
            .flat_map(|item| item.values())
            .find(|operation| operation["operationId"] == operation_id)
            .unwrap_or_else(|| panic!("specs/{}.yaml has no {operation_id}", self.name))
    }

    fn example_of(&self, media: &Value, operation_id: &str, what: &str) -> Value {
        if let Some(example) = media.get("example") {
            return example.clone();
        }
        media["examples"]
            .as_object()
            .and_then(|examples| examples.values().next())
            .map(|named| named["value"].clone())
            .unwrap_or_else(|| {
                panic!(
                    "specs/{}.yaml: {operation_id} has no JSON {what} example",
                    self.name
                )
            })
    }
}
