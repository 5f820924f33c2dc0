//! Checks a JSON value against its OpenAPI 3.0 schema: the lint holds a spec's examples to
//! their types with it, and the mock holds requests (and its own answers) to the spec.
//! Stricter than the generated types on purpose: a property the schema does not declare is a
//! finding even though the types would keep it in `extra`.

use openapiv3::{
    AdditionalProperties, IntegerFormat, OpenAPI, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::load::{AsSchema, resolve_schema};

/// Every way `value` departs from `schema`, each starting with the JSON pointer of the place.
pub fn problems(spec: &OpenAPI, schema: &ReferenceOr<impl AsSchema>, value: &Value) -> Vec<String> {
    check(spec, schema, value, false)
}

/// Every way a request's `value` departs from `schema`, as a server checks it: the same rules,
/// but a property the schema does not declare is allowed, since JSON Schema allows it unless
/// `additionalProperties: false` says otherwise.
pub fn request_problems(
    spec: &OpenAPI,
    schema: &ReferenceOr<impl AsSchema>,
    value: &Value,
) -> Vec<String> {
    check(spec, schema, value, true)
}

fn check(
    spec: &OpenAPI,
    schema: &ReferenceOr<impl AsSchema>,
    value: &Value,
    undeclared_allowed: bool,
) -> Vec<String> {
    let mut found = Vec::new();
    Checker {
        spec,
        found: &mut found,
        undeclared_allowed,
    }
    .check(resolve_schema(spec, schema), value, "");
    found
}

struct Checker<'a, 'f> {
    spec: &'a OpenAPI,
    found: &'f mut Vec<String>,
    undeclared_allowed: bool,
}

impl Checker<'_, '_> {
    fn fail(&mut self, pointer: &str, message: String) {
        let place = if pointer.is_empty() { "/" } else { pointer };
        self.found.push(format!("{place}: {message}"));
    }

    fn check(&mut self, schema: Option<&Schema>, value: &Value, pointer: &str) {
        let Some(schema) = schema else {
            return self.fail(pointer, "its schema reference does not resolve".into());
        };
        if value.is_null() {
            if !schema.schema_data.nullable && !matches!(schema.schema_kind, SchemaKind::Any(_)) {
                self.fail(pointer, "null, but the schema is not nullable".into());
            }
            return;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => match value.as_str() {
                None => self.fail(pointer, format!("{value} is not a string")),
                Some(text) => {
                    let allowed: Vec<&str> = string
                        .enumeration
                        .iter()
                        .flatten()
                        .map(String::as_str)
                        .collect();
                    if !allowed.is_empty() && !allowed.contains(&text) {
                        self.fail(
                            pointer,
                            format!("{text:?} is not one of the enum's values {allowed:?}"),
                        );
                    }
                }
            },
            SchemaKind::Type(Type::Integer(integer)) => {
                let int32 = matches!(
                    integer.format,
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32)
                );
                let fits = if int32 {
                    value.as_i64().is_some_and(|n| i32::try_from(n).is_ok())
                } else {
                    value.as_i64().is_some() || value.as_u64().is_some()
                };
                if !fits {
                    self.fail(pointer, format!("{value} is not an integer of this format"));
                }
            }
            SchemaKind::Type(Type::Number(_)) if !value.is_number() => {
                self.fail(pointer, format!("{value} is not a number"));
            }
            SchemaKind::Type(Type::Boolean(_)) if !value.is_boolean() => {
                self.fail(pointer, format!("{value} is not a boolean"));
            }
            SchemaKind::Type(Type::Array(array)) => match value.as_array() {
                None => self.fail(pointer, format!("{} is not an array", kind(value))),
                Some(items) => {
                    for (index, item) in items.iter().enumerate() {
                        let schema = array
                            .items
                            .as_ref()
                            .and_then(|s| resolve_schema(self.spec, s));
                        if array.items.is_some() {
                            self.check(schema, item, &format!("{pointer}/{index}"));
                        }
                    }
                }
            },
            SchemaKind::Type(Type::Object(object)) => {
                let Some(map) = value.as_object() else {
                    return self.fail(pointer, format!("{} is not an object", kind(value)));
                };
                for required in &object.required {
                    if !map.contains_key(required) {
                        self.fail(
                            pointer,
                            format!("the required property {required:?} is missing"),
                        );
                    }
                }
                for (name, item) in map {
                    let place = format!("{pointer}/{name}");
                    match (object.properties.get(name), &object.additional_properties) {
                        (Some(property), _) => {
                            let schema = resolve_schema(self.spec, property);
                            self.check(schema, item, &place);
                        }
                        (None, Some(AdditionalProperties::Any(true))) => {}
                        (None, None) if self.undeclared_allowed => {}
                        (None, Some(AdditionalProperties::Schema(extra))) => {
                            let schema = resolve_schema(self.spec, extra.as_ref());
                            self.check(schema, item, &place);
                        }
                        (None, _) => {
                            self.fail(&place, "a property the schema does not declare".into())
                        }
                    }
                }
            }
            SchemaKind::AllOf { all_of } => {
                for part in all_of {
                    self.check(resolve_schema(self.spec, part), value, pointer);
                }
            }
            SchemaKind::OneOf { one_of: options } | SchemaKind::AnyOf { any_of: options } => {
                let fits = options.iter().any(|option| {
                    let mut trial = Vec::new();
                    Checker {
                        spec: self.spec,
                        found: &mut trial,
                        undeclared_allowed: self.undeclared_allowed,
                    }
                    .check(resolve_schema(self.spec, option), value, pointer);
                    trial.is_empty()
                });
                if !fits {
                    self.fail(pointer, "fits none of the schema's alternatives".into());
                }
            }
            _ => {}
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
