//! The compact API surface: one line per operation, so a reviewer sees at a glance what a
//! spec change does to the Rust API.

use heck::ToSnakeCase;
use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};

use vmware_cpn_spec::Surface;
use vmware_cpn_spec::load::{is_success, operations, resolve_parameter, resolve_response};
use vmware_cpn_spec::naming::{AsSchema, ref_type_name, type_name_of};

/// `METHOD path → fn name(params) → success type / error type`, one line per operation.
pub(crate) fn describe(surface: &Surface, spec: &OpenAPI) -> String {
    let mut out = String::new();
    for op in operations(spec) {
        let id = op.id();
        let mut params: Vec<String> = op
            .parameters()
            .filter_map(|p| resolve_parameter(spec, p))
            .map(|p| {
                let data = p.parameter_data_ref();
                let ty = match &data.format {
                    ParameterSchemaOrContent::Schema(schema) => type_name(schema, id),
                    ParameterSchemaOrContent::Content(_) => "String".to_owned(),
                };
                let ty = if data.required {
                    ty
                } else {
                    format!("Option<{ty}>")
                };
                let place = match p {
                    Parameter::Query { .. } => "query ",
                    Parameter::Header { .. } => "header ",
                    Parameter::Path { .. } => "",
                    Parameter::Cookie { .. } => "cookie ",
                };
                format!("{place}{}: {ty}", data.name.to_snake_case())
            })
            .collect();
        if let Some(ReferenceOr::Item(body)) = &op.operation.request_body {
            for (media, content) in &body.content {
                let ty = content
                    .schema
                    .as_ref()
                    .map(|s| type_name(s, &format!("{id}_body")))
                    .unwrap_or_else(|| "ByteStream".to_owned());
                let ty = if body.required {
                    ty
                } else {
                    format!("Option<{ty}>")
                };
                params.push(format!("body {media}: {ty}"));
            }
        }
        let shape = match surface.hand_written(id) {
            Some(hand) => format!("hand-written ({})", hand.reason),
            None => format!(
                "{} / {}",
                response_type(spec, op.operation, id, true),
                response_type(spec, op.operation, id, false)
            ),
        };
        out.push_str(&format!(
            "{} {} → {id}({}) → {shape}\n",
            op.method.to_uppercase(),
            op.path,
            params.join(", "),
        ));
    }
    out
}

/// The success (`success = true`) or error body type, as the generated method returns it.
fn response_type(
    spec: &OpenAPI,
    operation: &openapiv3::Operation,
    id: &str,
    success: bool,
) -> String {
    let mut types: Vec<String> = Vec::new();
    for (status, response) in &operation.responses.responses {
        if is_success(status) != success {
            continue;
        }
        let Some(response) = resolve_response(spec, response) else {
            continue;
        };
        let json = response
            .content
            .iter()
            .find(|(m, _)| m.starts_with("application/json"));
        let ty = match (json, response.content.is_empty()) {
            (Some((_, media)), _) => media
                .schema
                .as_ref()
                .map(|s| type_name(s, &format!("{id}_response")))
                .unwrap_or_else(|| "?".to_owned()),
            (None, true) => "()".to_owned(),
            (None, false) => format!(
                "ByteStream [{}]",
                response
                    .content
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        if !types.contains(&ty) {
            types.push(ty);
        }
    }
    if types.is_empty() {
        "()".to_owned()
    } else {
        types.join(" | ")
    }
}

/// A Rust-like rendering of a schema's type; `inline_name` names inline objects the way
/// progenitor does.
fn type_name(schema: &ReferenceOr<impl AsSchema>, inline_name: &str) -> String {
    match schema {
        ReferenceOr::Reference { reference } => ref_type_name(reference),
        ReferenceOr::Item(schema) => inline_type_name(schema.as_schema(), inline_name),
    }
}

fn inline_type_name(schema: &Schema, inline_name: &str) -> String {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match &s.format {
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => {
                "DateTime<Utc>".to_owned()
            }
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => "NaiveDate".to_owned(),
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => "Uuid".to_owned(),
            _ => "String".to_owned(),
        },
        SchemaKind::Type(Type::Integer(i)) => match &i.format {
            VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => "i32".to_owned(),
            _ => "i64".to_owned(),
        },
        SchemaKind::Type(Type::Number(_)) => "f64".to_owned(),
        SchemaKind::Type(Type::Boolean(_)) => "bool".to_owned(),
        SchemaKind::Type(Type::Array(a)) => match &a.items {
            Some(items) => format!("Vec<{}>", type_name(items, &format!("{inline_name}_item"))),
            None => "Vec<Value>".to_owned(),
        },
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
            match &o.additional_properties {
                Some(openapiv3::AdditionalProperties::Schema(s)) => {
                    format!("Map<String, {}>", type_name(s.as_ref(), inline_name))
                }
                _ => "Map<String, Value>".to_owned(),
            }
        }
        _ => type_name_of(inline_name),
    }
}
