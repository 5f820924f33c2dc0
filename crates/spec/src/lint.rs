//! The house rules for specs, checked by `cargo xtask lint` (and `check`). Each finding prints
//! as `specs/<name>.yaml:LINE:COLUMN: rule: message`.

use std::collections::BTreeSet;

use openapiv3::{Content, OpenAPI, ReferenceOr, Response, StatusCode};

use crate::load::{OperationRef, is_success, operations, resolve_response, resolve_schema};
use crate::schema_check;
use crate::{LoadedSpec, SpecError};

/// One broken house rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's name, such as `example-valid`.
    pub rule: &'static str,
    /// Where, and what is wrong.
    pub error: SpecError,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.error.location {
            Some((line, column)) => write!(
                f,
                "{}:{line}:{column}: {}: {}",
                self.error.file, self.rule, self.error.message
            ),
            None => write!(
                f,
                "{}: {}: {}",
                self.error.file, self.rule, self.error.message
            ),
        }
    }
}

/// The rules, by name, with what each asks.
pub const RULES: &[(&str, &str)] = &[
    (
        "operation-id",
        "every operation has an operationId, snake_case and unique",
    ),
    (
        "paging",
        "an `x-paging` names integer query parameters of its operation, an array property of \
         its answer and a default page size of at least 1",
    ),
    (
        "hand-written",
        "an `x-hand-written` says why the generated client cannot serve the operation",
    ),
    (
        "read-only",
        "an `x-read-only` says why an operation whose method could write only reads",
    ),
    (
        "links",
        "a response's `links` lead to an operation of the spec and its parameters, with \
         `$response.body#/pointer` or `$request.path.name`",
    ),
    ("summary", "every operation has a summary"),
    ("description", "every operation has a description"),
    (
        "json-example",
        "every JSON body with a declared shape has an example",
    ),
    (
        "example-valid",
        "every JSON example is valid against its schema",
    ),
    (
        "error-schema",
        "every error response declares a body schema",
    ),
    ("unused-component", "every component is used"),
    ("servers", "the spec names its servers"),
    (
        "default-response",
        "no `default` response beside success codes",
    ),
    (
        "sources",
        "every operation names its sources in a non-empty `x-sources` list of strings",
    ),
    (
        "status-overlap",
        "no status code beside the range that holds it (progenitor would never reach it)",
    ),
    (
        "unauthorized",
        "every operation that takes a token declares a 401 (or 4XX) answer",
    ),
];

/// Every finding in one spec, in file order.
pub fn lint(loaded: &LoadedSpec) -> Vec<Finding> {
    let mut lint = Lint {
        loaded,
        findings: Vec::new(),
    };
    lint.servers();
    lint.operations();
    lint.component_responses();
    lint.unused_components();
    let mut findings = lint.findings;
    findings.sort_by_key(|f| f.error.location.unwrap_or((0, 0)));
    findings
}

struct Lint<'a> {
    loaded: &'a LoadedSpec,
    findings: Vec<Finding>,
}

impl<'a> Lint<'a> {
    fn report(&mut self, rule: &'static str, keys: &[&str], message: impl Into<String>) {
        // The place itself, or the nearest enclosing key that can be found.
        let location = (1..=keys.len())
            .rev()
            .find_map(|n| self.loaded.locate(&keys[..n]));
        let message = message.into();
        let error = match location {
            Some(location) => SpecError::at(self.loaded.file.clone(), location, message),
            None => SpecError::without_location(self.loaded.file.clone(), message),
        };
        self.findings.push(Finding { rule, error });
    }

    fn spec(&self) -> &'a OpenAPI {
        &self.loaded.spec
    }

    fn servers(&mut self) {
        if self.spec().servers.is_empty() {
            self.report("servers", &["openapi"], "the spec names no servers");
        }
    }

    fn operations(&mut self) {
        let spec = self.spec();
        for error in crate::validate::operation_id_problems(self.loaded) {
            self.findings.push(Finding {
                rule: "operation-id",
                error,
            });
        }
        for (rule, error) in crate::extensions::problems(self.loaded) {
            self.findings.push(Finding { rule, error });
        }
        for op in operations(spec) {
            let place = ["paths", op.path, op.method];
            let label = format!("{} {}", op.method.to_uppercase(), op.path);
            let blank = |text: &Option<String>| text.as_deref().is_none_or(|t| t.trim().is_empty());
            if blank(&op.operation.summary) {
                self.report("summary", &place, format!("{label} has no summary"));
            }
            if blank(&op.operation.description) {
                self.report("description", &place, format!("{label} has no description"));
            }
            self.sources(&op, &label);
            if let Some(ReferenceOr::Item(body)) = &op.operation.request_body {
                let keys = ["paths", op.path, op.method, "requestBody", "content"];
                self.bodies(&body.content, &keys, &format!("{label} request"));
            }
            let responses = &op.operation.responses;
            let answers_401 = responses
                .responses
                .keys()
                .any(|status| matches!(status, StatusCode::Code(401) | StatusCode::Range(4)));
            if op.takes_token(spec) && !answers_401 {
                self.report(
                    "unauthorized",
                    &["paths", op.path, op.method, "responses"],
                    format!("{label} takes a token but declares no 401 answer"),
                );
            }
            for status in responses.responses.keys() {
                if let StatusCode::Code(code) = status
                    && responses
                        .responses
                        .contains_key(&StatusCode::Range(code / 100))
                {
                    self.report(
                        "status-overlap",
                        &["paths", op.path, op.method, "responses", &code.to_string()],
                        format!(
                            "{label} declares {code} beside {}XX, which holds it",
                            code / 100
                        ),
                    );
                }
            }
            let has_success = responses.responses.keys().any(is_success);
            if has_success && responses.default.is_some() {
                self.report(
                    "default-response",
                    &["paths", op.path, op.method, "responses", "default"],
                    format!("{label} has `default` beside its success codes"),
                );
            }
            let statuses = responses
                .responses
                .iter()
                .map(|(code, r)| (code.to_string(), Some(code), r))
                .chain(
                    responses
                        .default
                        .iter()
                        .map(|r| ("default".to_owned(), None, r)),
                );
            for (code, status, response) in statuses {
                let keys = ["paths", op.path, op.method, "responses", code.as_str()];
                let error = status.is_none_or(is_error);
                match response {
                    // A shared response is linted once, where it is defined.
                    ReferenceOr::Reference { .. } => {
                        if error && resolve_response(spec, response).is_some_and(|r| !has_schema(r))
                        {
                            self.report(
                                "error-schema",
                                &keys,
                                format!("{label} answers {code} with no body schema"),
                            );
                        }
                    }
                    ReferenceOr::Item(response) => {
                        if error && !has_schema(response) {
                            self.report(
                                "error-schema",
                                &keys,
                                format!("{label} answers {code} with no body schema"),
                            );
                        }
                        let mut content_keys = keys.to_vec();
                        content_keys.push("content");
                        self.bodies(&response.content, &content_keys, &format!("{label} {code}"));
                    }
                }
            }
        }
    }

    /// `x-sources`: a non-empty list of non-empty strings, so every fact can be checked.
    fn sources(&mut self, op: &OperationRef<'_>, label: &str) {
        let keys = ["paths", op.path, op.method, "x-sources"];
        let problem = match op.operation.extensions.get("x-sources") {
            None => Some("names no `x-sources`"),
            Some(serde_json::Value::Array(items)) if items.is_empty() => {
                Some("has an empty `x-sources` list")
            }
            Some(serde_json::Value::Array(items))
                if items
                    .iter()
                    .any(|item| item.as_str().is_none_or(|s| s.trim().is_empty())) =>
            {
                Some("has an `x-sources` entry that is not a non-empty string")
            }
            Some(serde_json::Value::Array(_)) => None,
            Some(_) => Some("has an `x-sources` that is not a list"),
        };
        if let Some(problem) = problem {
            self.report("sources", &keys, format!("{label} {problem}"));
        }
    }

    fn component_responses(&mut self) {
        let Some(components) = self.spec().components.as_ref() else {
            return;
        };
        for (name, response) in &components.responses {
            if let ReferenceOr::Item(response) = response {
                let keys = ["components", "responses", name.as_str(), "content"];
                self.bodies(&response.content, &keys, &format!("response {name}"));
            }
        }
    }

    /// The JSON bodies among `content`: each needs an example, valid against its schema.
    fn bodies(&mut self, content: &Content, keys: &[&str], label: &str) {
        for (media_type, media) in content {
            if !is_json(media_type) {
                continue;
            }
            let mut place = keys.to_vec();
            place.push(media_type);
            let mut examples: Vec<(Vec<&str>, &serde_json::Value)> = Vec::new();
            if let Some(example) = &media.example {
                let mut at = place.clone();
                at.push("example");
                examples.push((at, example));
            }
            for (name, example) in &media.examples {
                if let Some(value) = example.as_item().and_then(|e| e.value.as_ref()) {
                    let mut at = place.clone();
                    at.extend(["examples", name.as_str(), "value"]);
                    examples.push((at, value));
                }
            }
            let free_form = media
                .schema
                .as_ref()
                .is_some_and(|s| is_free_form(self.spec(), s));
            if examples.is_empty() && !free_form {
                self.report(
                    "json-example",
                    &place,
                    format!("{label} ({media_type}) has no example"),
                );
            }
            let Some(schema) = &media.schema else {
                continue;
            };
            for (at, value) in examples {
                for problem in schema_check::problems(self.spec(), schema, value) {
                    self.report("example-valid", &at, format!("{label} example: {problem}"));
                }
            }
        }
    }

    fn unused_components(&mut self) {
        let Some(components) = self.spec().components.as_ref() else {
            return;
        };
        let used = references(self.spec());
        let schemes_used: BTreeSet<&str> = self
            .spec()
            .security
            .iter()
            .flatten()
            .chain(
                operations(self.spec())
                    .into_iter()
                    .flat_map(|op| op.operation.security.iter().flatten()),
            )
            .flat_map(|requirement| requirement.keys().map(String::as_str))
            .collect();
        let kinds: [(&str, Vec<&String>); 5] = [
            ("schemas", components.schemas.keys().collect()),
            ("parameters", components.parameters.keys().collect()),
            ("responses", components.responses.keys().collect()),
            ("requestBodies", components.request_bodies.keys().collect()),
            ("examples", components.examples.keys().collect()),
        ];
        let mut unused: Vec<(String, String)> = Vec::new();
        for (kind, names) in kinds {
            for name in names {
                if !used.contains(&format!("#/components/{kind}/{name}")) {
                    unused.push((kind.to_owned(), name.clone()));
                }
            }
        }
        for name in components.security_schemes.keys() {
            if !schemes_used.contains(name.as_str()) {
                unused.push(("securitySchemes".to_owned(), name.clone()));
            }
        }
        for (kind, name) in unused {
            self.report(
                "unused-component",
                &["components", kind.as_str(), name.as_str()],
                format!("components/{kind}/{name} is never used"),
            );
        }
    }
}

/// Every `$ref` in the document.
fn references(spec: &OpenAPI) -> BTreeSet<String> {
    fn walk(value: &serde_json::Value, found: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(reference)) = map.get("$ref") {
                    found.insert(reference.clone());
                }
                map.values().for_each(|v| walk(v, found));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = BTreeSet::new();
    if let Ok(value) = serde_json::to_value(spec) {
        walk(&value, &mut found);
    }
    found
}

/// 4XX and 5XX codes and ranges; `default` is treated as an error by its caller.
fn is_error(status: &StatusCode) -> bool {
    match status {
        StatusCode::Code(code) => *code >= 400,
        StatusCode::Range(range) => *range >= 4,
    }
}

/// A free-form object (no declared properties) has no shape for an example to document.
fn is_free_form(spec: &OpenAPI, schema: &ReferenceOr<openapiv3::Schema>) -> bool {
    matches!(
        resolve_schema(spec, schema).map(|s| &s.schema_kind),
        Some(openapiv3::SchemaKind::Type(openapiv3::Type::Object(object))) if object.properties.is_empty()
    )
}

fn has_schema(response: &Response) -> bool {
    !response.content.is_empty() && response.content.values().all(|m| m.schema.is_some())
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}
