//! How spec names become Rust type names, in one place, so the API surface, the example
//! tests and the open enums name a schema the way the generated code does.

use heck::ToUpperCamelCase;
use openapiv3::Schema;

/// The Rust type name of a component schema (`tenant-type` → `TenantType`).
pub fn type_name_of(schema_name: &str) -> String {
    schema_name.to_upper_camel_case()
}

/// The Rust type name a `$ref` (`#/components/schemas/X`) points to.
pub fn ref_type_name(reference: &str) -> String {
    type_name_of(reference.rsplit('/').next().unwrap_or(reference))
}

/// Lets one function take both `ReferenceOr<Schema>` and the `ReferenceOr<Box<Schema>>` of
/// array items and maps.
pub trait AsSchema {
    /// The schema itself.
    fn as_schema(&self) -> &Schema;
}

impl AsSchema for Schema {
    fn as_schema(&self) -> &Schema {
        self
    }
}

impl AsSchema for Box<Schema> {
    fn as_schema(&self) -> &Schema {
        self
    }
}
