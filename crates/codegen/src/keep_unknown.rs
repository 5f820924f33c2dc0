//! Unknown properties from the server are kept, not dropped.
//!
//! typify ignores properties an object schema does not declare. Giving every object schema
//! that leaves `additionalProperties` open an explicit permissive `{}` makes typify add a
//! flattened `extra` map, which catches new properties and writes them back out. Inline
//! object schemas nested in a component (a property's object, an array's items) are opened
//! too, since typify makes a type of each.

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use vmware_cpn_spec::{LoadedSpec, SpecErrors};

/// Opens every named object schema with declared properties to unknown properties. A
/// declared property named `extra` would collide with the map, and is an error.
pub(crate) fn keep_unknown_properties(
    loaded: &LoadedSpec,
    spec: &mut OpenAPI,
) -> Result<(), SpecErrors> {
    let Some(components) = spec.components.as_mut() else {
        return Ok(());
    };
    let mut errors = Vec::new();
    for (name, schema) in components.schemas.iter_mut() {
        if let ReferenceOr::Item(schema) = schema {
            let mut keys = vec!["components".to_owned(), "schemas".to_owned(), name.clone()];
            open(loaded, schema, &mut keys, &mut errors);
        }
    }
    SpecErrors(errors).into_result()
}

/// Opens `schema` and the inline object schemas inside it; `keys` is its place in the file.
fn open(
    loaded: &LoadedSpec,
    schema: &mut Schema,
    keys: &mut Vec<String>,
    errors: &mut Vec<vmware_cpn_spec::SpecError>,
) {
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            if object.properties.contains_key("extra") {
                keys.extend(["properties".to_owned(), "extra".to_owned()]);
                let place: Vec<&str> = keys.iter().map(String::as_str).collect();
                errors.push(loaded.error_at(
                    &place,
                    format!(
                        "schema {}: a property named `extra` collides with the map that keeps \
                         unknown properties",
                        keys[2..keys.len() - 2].join(".")
                    ),
                ));
                keys.truncate(keys.len() - 2);
            }
            for (property, inner) in object.properties.iter_mut() {
                if let ReferenceOr::Item(inner) = inner {
                    keys.extend(["properties".to_owned(), property.clone()]);
                    open(loaded, inner, keys, errors);
                    keys.truncate(keys.len() - 2);
                }
            }
            if !object.properties.is_empty() && object.additional_properties.is_none() {
                object.additional_properties = Some(AdditionalProperties::Schema(Box::new(
                    ReferenceOr::Item(Schema {
                        schema_data: Default::default(),
                        schema_kind: SchemaKind::Any(Default::default()),
                    }),
                )));
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(ReferenceOr::Item(items)) = &mut array.items {
                keys.push("items".to_owned());
                open(loaded, items, keys, errors);
                keys.pop();
            }
        }
        _ => {}
    }
}
