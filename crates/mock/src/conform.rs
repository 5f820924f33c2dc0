//! Middleware: a request is held to its operation's spec before any handler sees it. A value
//! outside a declared enum, of the wrong type, or a missing required field or parameter gets
//! the spec's `400`, so the mock never stores a value it would later serve back against its
//! own spec.

use axum::extract::{FromRequestParts, Query, RawPathParams, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use openapiv3::{ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;
use vmware_cpn_spec::LoadedSpec;
use vmware_cpn_spec::load::{OperationRef, resolve_body, resolve_parameter};
use vmware_cpn_spec::schema_check::request_problems;

use crate::App;
use crate::call::{ErrorBody, OperationInfo};

/// The largest body read here; the handlers' own limit answers anything larger.
const MAX_BODY: usize = 64 << 20;

pub(crate) async fn check(State(app): State<App>, request: Request, next: Next) -> Response {
    let Some(info) = request.extensions().get::<OperationInfo>().cloned() else {
        return next.run(request).await;
    };
    let Some((spec, operation)) = app.specs.operation(info.surface, &info.id) else {
        return next.run(request).await;
    };
    let error_body = ErrorBody::of(info.surface);
    let (mut parts, body) = request.into_parts();
    let path: Vec<(String, String)> = RawPathParams::from_request_parts(&mut parts, &())
        .await
        .map(|params| {
            params
                .iter()
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    // A query that does not decode is the handlers' to refuse, as they always have.
    let query = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
        .map(|q| q.0)
        .unwrap_or_default();
    if let Err(problem) = parameters(spec, &operation, &path, &query) {
        return error_body.error(StatusCode::BAD_REQUEST, problem);
    }
    let json_body = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|media| media.starts_with("application/json"));
    if !json_body {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return error_body.error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is over {} MiB, or was cut off", MAX_BODY >> 20),
        );
    };
    if !bytes.is_empty()
        && let Err(problem) = body_problems(spec, &operation, &bytes)
    {
        return error_body.error(StatusCode::BAD_REQUEST, problem);
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// Path and query parameters against their schemas; a required one must be there.
fn parameters(
    spec: &LoadedSpec,
    operation: &OperationRef<'_>,
    path: &[(String, String)],
    query: &[(String, String)],
) -> Result<(), String> {
    for parameter in operation.parameters() {
        let Some(parameter) = resolve_parameter(&spec.spec, parameter) else {
            continue;
        };
        let (data, sent): (_, Vec<&str>) = match parameter {
            openapiv3::Parameter::Path { parameter_data, .. } => (
                parameter_data,
                path.iter()
                    .filter(|(name, _)| *name == parameter_data.name)
                    .map(|(_, value)| value.as_str())
                    .collect(),
            ),
            openapiv3::Parameter::Query { parameter_data, .. } => (
                parameter_data,
                query
                    .iter()
                    .filter(|(name, _)| *name == parameter_data.name)
                    .map(|(_, value)| value.as_str())
                    .collect(),
            ),
            // Headers and cookies are the handlers' to read.
            _ => continue,
        };
        if sent.is_empty() {
            if data.required {
                return Err(format!("the parameter {} is required", data.name));
            }
            continue;
        }
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            continue;
        };
        let value = typed(&spec.spec, schema, &sent);
        if let Some(problem) = request_problems(&spec.spec, schema, &value).first() {
            return Err(format!(
                "the parameter {} is not valid: {problem}",
                data.name
            ));
        }
    }
    Ok(())
}

/// A parameter's text as the JSON value its schema describes, so one checker serves
/// parameters and bodies alike; text that does not parse stays a string and fails the check.
fn typed(spec: &openapiv3::OpenAPI, schema: &ReferenceOr<Schema>, sent: &[&str]) -> Value {
    let resolved = vmware_cpn_spec::load::resolve_schema(spec, schema);
    match resolved.map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::Array(array))) => Value::Array(
            sent.iter()
                .flat_map(|value| value.split(','))
                .map(|item| match array.items.as_ref() {
                    Some(items) => {
                        let items = items.clone().unbox();
                        scalar(spec, &items, item)
                    }
                    None => Value::String(item.to_owned()),
                })
                .collect(),
        ),
        _ => scalar(spec, schema, sent[0]),
    }
}

fn scalar(spec: &openapiv3::OpenAPI, schema: &ReferenceOr<Schema>, text: &str) -> Value {
    let parsed = match vmware_cpn_spec::load::resolve_schema(spec, schema).map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::Integer(_))) => text
            .parse::<i64>()
            .ok()
            .map(Value::from)
            .or_else(|| text.parse::<u64>().ok().map(Value::from)),
        Some(SchemaKind::Type(Type::Number(_))) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        Some(SchemaKind::Type(Type::Boolean(_))) => text.parse::<bool>().ok().map(Value::Bool),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(text.to_owned()))
}

/// A JSON body against the operation's request schema.
fn body_problems(
    spec: &LoadedSpec,
    operation: &OperationRef<'_>,
    bytes: &[u8],
) -> Result<(), String> {
    let Some(body) = operation
        .operation
        .request_body
        .as_ref()
        .and_then(|body| resolve_body(&spec.spec, body))
    else {
        return Ok(());
    };
    let Some(schema) = body
        .content
        .iter()
        .find(|(media, _)| media.starts_with("application/json"))
        .and_then(|(_, media)| media.schema.as_ref())
    else {
        return Ok(());
    };
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("the request body is not valid JSON: {e}"))?;
    match request_problems(&spec.spec, schema, &value).first() {
        None => Ok(()),
        Some(problem) => Err(format!("the request body is not valid: {problem}")),
    }
}
