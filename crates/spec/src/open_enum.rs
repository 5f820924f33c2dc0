//! Forward-compatible enums: which enums of a spec become open enums (the code itself is
//! written by the generator crate).
//!
//! The one mechanism every server-sent enum goes through.
//!
//! progenitor's enums reject values they do not know, so a server that adds a status would
//! break every client. Instead, each string enum declared under `components/schemas` is
//! replaced (progenitor's `with_replacement`) by an enum generated here, with one variant per
//! documented value plus `Unknown(String)`: an unknown value deserializes into it and
//! serializes back unchanged. Inline enums are rejected with their place in the spec, because
//! they would escape this mechanism.

use heck::ToUpperCamelCase;
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use crate::{LoadedSpec, SpecError, SpecErrors};

/// A string enum of the spec and the Rust enum generated for it.
#[derive(Debug, Clone)]
pub struct OpenEnum {
    /// The key under `components/schemas`.
    pub schema_name: String,
    /// The Rust type name.
    pub type_name: String,
    /// The schema's description, for the type's docs.
    pub description: Option<String>,
    /// `(wire value, variant name)` in spec order.
    pub variants: Vec<(String, String)>,
}

/// The name the catch-all variant takes.
pub const UNKNOWN: &str = "Unknown";

/// Finds every named string enum and rejects inline ones.
pub fn collect(loaded: &LoadedSpec, spec: &OpenAPI) -> Result<Vec<OpenEnum>, SpecErrors> {
    let mut enums = Vec::new();
    let mut errors = Vec::new();
    let schemas = spec.components.iter().flat_map(|c| c.schemas.iter());
    for (name, schema) in schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let keys = vec!["components".to_owned(), "schemas".to_owned(), name.clone()];
        if let Some(values) = string_enum(schema) {
            match open_enum(name, schema, values) {
                Ok(open) => enums.push(open),
                Err(message) => errors.push(error_at(loaded, &keys, message)),
            }
        } else {
            find_inline_enums(loaded, schema, keys, &mut errors);
        }
    }
    for op in crate::load::operations(spec) {
        let base = vec!["paths".to_owned(), op.path.to_owned(), op.method.to_owned()];
        for parameter in op.parameters().filter_map(|p| p.as_item()) {
            if let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) =
                &parameter.parameter_data_ref().format
            {
                let mut keys = base.clone();
                keys.push("parameters".to_owned());
                check_inline(loaded, schema, keys, &mut errors);
            }
        }
        let bodies = op
            .operation
            .request_body
            .iter()
            .filter_map(|b| b.as_item())
            .flat_map(|b| b.content.values())
            .chain(
                op.operation
                    .responses
                    .responses
                    .values()
                    .filter_map(|r| r.as_item())
                    .flat_map(|r| r.content.values()),
            );
        for media in bodies {
            if let Some(ReferenceOr::Item(schema)) = &media.schema {
                check_inline(loaded, schema, base.clone(), &mut errors);
            }
        }
    }
    SpecErrors(errors).into_result().map(|()| enums)
}

fn error_at(loaded: &LoadedSpec, keys: &[String], message: String) -> SpecError {
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    loaded.error_at(&keys, message)
}

fn string_enum(schema: &Schema) -> Option<Vec<String>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            Some(s.enumeration.iter().flatten().cloned().collect())
        }
        _ => None,
    }
}

fn check_inline(
    loaded: &LoadedSpec,
    schema: &Schema,
    keys: Vec<String>,
    errors: &mut Vec<SpecError>,
) {
    if string_enum(schema).is_some() {
        errors.push(error_at(
            loaded,
            &keys,
            format!(
                "inline enum at {}: declare it under components/schemas so unknown values \
                 from the server are kept",
                keys.join(" > ")
            ),
        ));
    } else {
        find_inline_enums(loaded, schema, keys, errors);
    }
}

/// Walks the sub-schemas of `schema` (properties, items, compositions, maps).
fn find_inline_enums(
    loaded: &LoadedSpec,
    schema: &Schema,
    keys: Vec<String>,
    errors: &mut Vec<SpecError>,
) {
    let child = |extra: &[&str]| {
        let mut k = keys.clone();
        k.extend(extra.iter().map(|s| (*s).to_owned()));
        k
    };
    let mut visit = |sub: &ReferenceOr<Box<Schema>>, k: Vec<String>| {
        if let ReferenceOr::Item(sub) = sub {
            check_inline(loaded, sub, k, errors);
        }
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for (name, property) in &object.properties {
                visit(property, child(&["properties", name]));
            }
            if let Some(openapiv3::AdditionalProperties::Schema(extra)) =
                &object.additional_properties
                && let ReferenceOr::Item(extra) = extra.as_ref()
            {
                check_inline(loaded, extra, child(&["additionalProperties"]), errors);
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &array.items {
                visit(items, child(&["items"]));
            }
        }
        SchemaKind::OneOf { one_of: subs }
        | SchemaKind::AllOf { all_of: subs }
        | SchemaKind::AnyOf { any_of: subs } => {
            for sub in subs {
                if let ReferenceOr::Item(sub) = sub {
                    check_inline(loaded, sub, keys.clone(), errors);
                }
            }
        }
        _ => {}
    }
}

fn open_enum(name: &str, schema: &Schema, values: Vec<String>) -> Result<OpenEnum, String> {
    let mut variants: Vec<(String, String)> = Vec::new();
    for value in values {
        let mut variant = value.to_upper_camel_case();
        if !variant.starts_with(|c: char| c.is_ascii_alphabetic()) {
            variant = format!("Value{variant}");
        }
        if variant == UNKNOWN {
            return Err(format!(
                "enum {name}: value `{value}` would collide with the `{UNKNOWN}` catch-all variant"
            ));
        }
        if let Some((other, _)) = variants.iter().find(|(_, v)| *v == variant) {
            return Err(format!(
                "enum {name}: values `{other}` and `{value}` both become variant `{variant}`"
            ));
        }
        variants.push((value, variant));
    }
    Ok(OpenEnum {
        schema_name: name.to_owned(),
        type_name: crate::naming::type_name_of(name),
        description: schema.schema_data.description.clone(),
        variants,
    })
}
