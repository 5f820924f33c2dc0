//! The error answers, in the shape each surface's spec declares: the schema of its operations'
//! error responses (the CSP gateway's `ErrorResponse` for Navigator, the VCPP gateway's for
//! VCPP), filled field by field, so no surface is singled out by name or path.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use openapiv3::{OpenAPI, Schema, SchemaKind, Type};
use serde_json::{Map, Value, json};
use vmware_cpn_spec::load::{is_success, operations, resolve_response, resolve_schema};

use crate::specs::Specs;

/// The error body of one surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    surface: &'static str,
}

impl ErrorBody {
    /// The error body of `surface`'s spec.
    pub(crate) fn of(surface: &'static str) -> ErrorBody {
        ErrorBody { surface }
    }

    /// The error body for a request no operation serves: that of the surface whose API root
    /// holds `path` (the longest one), else of the first surface.
    pub(crate) fn at_path(path: &str) -> ErrorBody {
        let surface = Specs::embedded()
            .ok()
            .and_then(|specs| specs.surface_at(path))
            .unwrap_or(vmware_cpn_spec::SURFACES[0].name);
        ErrorBody { surface }
    }

    /// The error answer: the status and an error body of this surface's shape.
    pub(crate) fn error(self, status: StatusCode, message: impl Into<String>) -> Response {
        let message = message.into();
        let body = Specs::embedded()
            .ok()
            .and_then(|specs| specs.get(self.surface).ok())
            .and_then(|spec| error_schema(&spec.spec).map(|schema| (spec, schema)))
            .map(|(spec, schema)| fill(&spec.spec, schema, status, &message))
            .unwrap_or_else(|| json!({ "message": message }));
        (status, axum::Json(body)).into_response()
    }
}

/// The JSON schema of the first error answer of the spec's operations: every operation of a
/// spec answers errors in one shape (progenitor needs one error type per operation, and the
/// lint holds the Navigator specs to one schema).
fn error_schema(spec: &OpenAPI) -> Option<&Schema> {
    operations(spec).into_iter().find_map(|op| {
        op.operation
            .responses
            .responses
            .iter()
            .filter(|(status, _)| !is_success(status))
            .filter_map(|(_, response)| resolve_response(spec, response))
            .find_map(|response| {
                let media = response
                    .content
                    .iter()
                    .find(|(media, _)| vmware_cpn_spec::answer_check::is_json(media))?;
                resolve_schema(spec, media.1.schema.as_ref()?)
            })
    })
}

/// The schema's properties that carry what an error says, each in the type the schema gives
/// it: the status (`statusCode` in CSP's shape, `status` in the VCPP gateway's), the message,
/// the status's reason (`error`) and a request id. The other properties are optional and the
/// mock has nothing true to put in them.
fn fill(spec: &OpenAPI, schema: &Schema, status: StatusCode, message: &str) -> Value {
    let mut body = Map::new();
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return json!({ "message": message });
    };
    for (name, property) in &object.properties {
        let is_string = resolve_schema(spec, property)
            .is_none_or(|p| matches!(p.schema_kind, SchemaKind::Type(Type::String(_))));
        let value = match name.as_str() {
            "statusCode" | "status" if is_string => json!(status.as_u16().to_string()),
            "statusCode" | "status" => json!(status.as_u16()),
            "message" => json!(message),
            "error" => json!(status.canonical_reason().unwrap_or("Error")),
            "requestId" => json!(uuid::Uuid::new_v4().to_string()),
            _ => continue,
        };
        body.insert(name.clone(), value);
    }
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openapiv3::ReferenceOr;

    #[test]
    fn every_surface_answers_errors_its_spec_accepts() {
        let specs = Specs::embedded().unwrap();
        for surface in vmware_cpn_spec::SURFACES {
            let spec = &specs.get(surface.name).unwrap().spec;
            let schema = error_schema(spec).unwrap();
            let body = fill(spec, schema, StatusCode::NOT_FOUND, "gone");
            let problems = vmware_cpn_spec::schema_check::problems(
                spec,
                &ReferenceOr::Item(schema.clone()),
                &body,
            );
            assert!(problems.is_empty(), "{}: {problems:?}", surface.name);
            assert_eq!(body["message"], "gone", "{}", surface.name);
        }
    }

    #[test]
    fn the_status_takes_the_type_its_schema_gives_it() {
        let specs = Specs::embedded().unwrap();
        let body_of = |surface: &str| {
            let spec = &specs.get(surface).unwrap().spec;
            fill(
                spec,
                error_schema(spec).unwrap(),
                StatusCode::NOT_FOUND,
                "gone",
            )
        };
        assert_eq!(body_of("cphub-core")["statusCode"], 404);
        assert_eq!(body_of("vcpp")["status"], "404");
        assert_eq!(body_of("vcpp")["error"], "Not Found");
    }

    #[test]
    fn a_path_no_operation_serves_gets_the_error_body_of_its_api_root() {
        let vcpp_root = Specs::embedded().unwrap().root_path("vcpp").unwrap();
        assert_eq!(
            ErrorBody::at_path(&format!("{vcpp_root}/nothing")),
            ErrorBody::of("vcpp")
        );
        assert_eq!(
            ErrorBody::at_path("/cphub/api/nothing"),
            ErrorBody::of(vmware_cpn_spec::SURFACES[0].name)
        );
    }
}
