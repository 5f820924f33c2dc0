//! Checks a spec before progenitor sees it, so every shape progenitor would reject or panic
//! on becomes an error naming the file, the line, the path and the method.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::load::{OperationRef, is_success, operations, resolve_body, resolve_response};
use crate::{LoadedSpec, SpecError, SpecErrors};

/// Request media types progenitor 0.15 can generate a body for.
const GENERATED_REQUEST_TYPES: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
];

/// Runs every check and reports all problems together.
pub fn validate(loaded: &LoadedSpec) -> Result<(), SpecErrors> {
    let mut errors = Vec::new();
    let spec = &loaded.spec;
    if !spec.openapi.starts_with("3.0.") {
        errors.push(loaded.error_at(
            &["openapi"],
            format!(
                "OpenAPI {} is not supported: write 3.0.x (progenitor rejects 3.1)",
                spec.openapi
            ),
        ));
    }
    for (path, item) in &spec.paths.paths {
        if let ReferenceOr::Reference { reference } = item {
            errors.push(loaded.error_at(
                &["paths", path],
                format!("path {path} is a $ref ({reference}); write the path item inline"),
            ));
        }
    }
    errors.extend(operation_id_problems(loaded));
    errors.extend(
        crate::extensions::problems(loaded)
            .into_iter()
            .map(|(_, error)| error),
    );
    for op in operations(spec) {
        if op.hand_written().is_none() {
            errors.extend(check_generatable(loaded, &op));
        }
    }
    SpecErrors(errors).into_result()
}

/// The one operationId rule, for the generator and the lint alike: every operation has one,
/// snake_case (the Rust method's name) and used once in the spec.
pub fn operation_id_problems(loaded: &LoadedSpec) -> Vec<SpecError> {
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for op in operations(&loaded.spec) {
        let at = op_keys(&op);
        let Some(id) = op.operation.operation_id.as_deref() else {
            errors.push(loaded.error_at(&at, format!("{}: operationId is missing", op.label())));
            continue;
        };
        let at = [at[0], at[1], at[2], "operationId"];
        if !is_snake_case(id) {
            errors.push(loaded.error_at(
                &at,
                format!("{}: operationId `{id}` is not snake_case", op.label()),
            ));
        }
        if !seen.insert(id) {
            errors.push(loaded.error_at(
                &at,
                format!("{}: operationId `{id}` is used twice", op.label()),
            ));
        }
    }
    errors
}

fn op_keys<'a>(op: &OperationRef<'a>) -> [&'a str; 3] {
    ["paths", op.path, op.method]
}

/// Whether an operation id is snake_case (`list_tenants`): lower-case ASCII letters, digits
/// and single underscores, starting with a letter.
pub fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The shapes progenitor 0.15 rejects or panics on (see DESIGN.md), checked per operation.
fn check_generatable(loaded: &LoadedSpec, op: &OperationRef<'_>) -> Vec<SpecError> {
    let mut errors = Vec::new();
    let keys = op_keys(op);
    let hint = "serve it by hand: mark it `x-hand-written: <why>` in the spec and implement it \
                in the crate";
    if let Some(body) = &op.operation.request_body {
        match resolve_body(&loaded.spec, body) {
            Some(body) if body.content.len() > 1 => errors.push(loaded.error_at(
                &[keys[0], keys[1], keys[2], "requestBody"],
                format!(
                    "{}: request body in {} media types ({}); progenitor generates one; {hint}",
                    op.label(),
                    body.content.len(),
                    body.content.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )),
            Some(body) => {
                for (media_type, content) in &body.content {
                    if !GENERATED_REQUEST_TYPES.contains(&media_type.as_str()) {
                        errors.push(loaded.error_at(
                            &[keys[0], keys[1], keys[2], "requestBody"],
                            format!(
                                "{}: request media type {media_type} cannot be generated; {hint}",
                                op.label()
                            ),
                        ));
                    } else if content.schema.is_none() {
                        errors.push(loaded.error_at(
                            &[keys[0], keys[1], keys[2], "requestBody"],
                            format!("{}: request body {media_type} has no schema", op.label()),
                        ));
                    }
                }
            }
            None => errors.push(loaded.error_at(
                &[keys[0], keys[1], keys[2], "requestBody"],
                format!("{}: request body $ref does not resolve", op.label()),
            )),
        }
    }

    let responses = &op.operation.responses;
    let mut success = BTreeSet::new();
    let mut failure = BTreeSet::new();
    let has_success = responses.responses.keys().any(is_success);
    if responses.default.is_some() && has_success {
        errors.push(loaded.error_at(
            &[keys[0], keys[1], keys[2], "responses", "default"],
            format!(
                "{}: a `default` response beside success codes; declare error codes \
                 (400, 4XX, 5XX) instead",
                op.label()
            ),
        ));
    }
    for (status, response) in &responses.responses {
        let status_key = status.to_string();
        let Some(kind) = response_kind(&loaded.spec, response) else {
            errors.push(loaded.error_at(
                &[keys[0], keys[1], keys[2], "responses", &status_key],
                format!(
                    "{}: response {status_key} is a JSON body without a schema, or a $ref that \
                     does not resolve",
                    op.label()
                ),
            ));
            continue;
        };
        if is_success(status) {
            success.insert(kind);
        } else {
            failure.insert(kind);
        }
    }
    if success.len() > 1 {
        errors.push(loaded.error_at(
            &[keys[0], keys[1], keys[2], "responses"],
            format!(
                "{}: success responses have different bodies ({}); progenitor needs one type \
                 for every success code",
                op.label(),
                success.into_iter().collect::<Vec<_>>().join(" vs ")
            ),
        ));
    }
    if failure.len() > 1 {
        errors.push(loaded.error_at(
            &[keys[0], keys[1], keys[2], "responses"],
            format!(
                "{}: error responses have different bodies ({}); progenitor needs one type for \
                 every error code",
                op.label(),
                failure.into_iter().collect::<Vec<_>>().join(" vs ")
            ),
        ));
    }
    errors
}

/// What progenitor would make of a response body: `none`, `raw`, or the JSON schema's text.
/// `None` marks a JSON body without a schema, which panics progenitor.
fn response_kind(spec: &OpenAPI, response: &ReferenceOr<openapiv3::Response>) -> Option<String> {
    let response = resolve_response(spec, response)?;
    if let Some((_, json)) = response.content.iter().find(|(media, _)| {
        media.as_str() == "application/json" || media.starts_with("application/json;")
    }) {
        let schema = json.schema.as_ref()?;
        return Some(serde_json::to_string(schema).unwrap_or_default());
    }
    Some(
        if response.content.is_empty() {
            "no body"
        } else {
            "raw bytes"
        }
        .to_owned(),
    )
}
