//! Unknown properties from the server are kept, not dropped.
//!
//! typify ignores properties an object schema does not declare. Giving every component object
//! schema that leaves `additionalProperties` open an explicit permissive `{}` makes typify
//! add a flattened `extra` map, which catches new properties and writes them back out.

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use crate::{LoadedSpec, SpecErrors};

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
            if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind
                && object.properties.contains_key("extra")
            {
                errors.push(loaded.error_at(
                    &["components", "schemas", name, "properties", "extra"],
                    format!(
                        "schema {name}: a property named `extra` collides with the map that \
                         keeps unknown properties"
                    ),
                ));
            }
            open(schema);
        }
    }
    SpecErrors(errors).into_result()
}

fn open(schema: &mut Schema) {
    if let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind
        && !object.properties.is_empty()
        && object.additional_properties.is_none()
    {
        object.additional_properties = Some(AdditionalProperties::Schema(Box::new(
            ReferenceOr::Item(Schema {
                schema_data: Default::default(),
                schema_kind: SchemaKind::Any(Default::default()),
            }),
        )));
    }
}
