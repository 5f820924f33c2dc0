//! The body kinds of drift: the answer is walked with its schema, depth first in document
//! order, and the first place that can show the kind is changed, so that the answer departs
//! from its spec in exactly that one way (checked with the spec crate's own checker before
//! it is sent).

use axum::body::Body;
use axum::http::header;
use axum::response::Response;
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;
use vmware_cpn_spec::load::resolve_schema;
use vmware_cpn_spec::schema_check::{Finding, FindingKind, findings};

use super::closed;

/// The property an undeclared-property answer gains.
const DRIFTED_PROPERTY: &str = "driftedProperty";
/// The value of that property: data, which no report may show.
const DRIFTED_PROPERTY_VALUE: &str = "a value of the drifted property";
/// The value an unknown-enum-value answer shows.
const DRIFTED_VALUE: &str = "DRIFTED_VALUE";

/// How many places are tried before the answer is sent unchanged: the first one nearly always
/// shows the kind alone, and a large answer must not be checked over and over.
const MAX_TRIES: usize = 16;

/// The answer with its body drifted in `kind`; unchanged when its body is not JSON or has no
/// place to show the kind (an empty list, say).
pub(super) async fn body(
    response: Response,
    spec: &OpenAPI,
    schema: &ReferenceOr<Schema>,
    kind: FindingKind,
) -> Response {
    let (mut parts, body) = response.into_parts();
    // The mock's own answers are small and whole; a body that fails to read is sent empty,
    // as the journal records it.
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let drifted = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|value| drift(spec, schema, value, kind))
        .and_then(|value| serde_json::to_vec(&value).ok());
    match drifted {
        Some(drifted) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(drifted))
        }
        None => {
            tracing::debug!(%kind, "the answer has no place to show the drift; sent as is");
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

/// `value` changed at the first place where the change adds exactly one finding, of `kind`.
fn drift(
    spec: &OpenAPI,
    schema: &ReferenceOr<Schema>,
    value: Value,
    kind: FindingKind,
) -> Option<Value> {
    let mut walk = Walk {
        spec,
        kind,
        first: Vec::new(),
        last: Vec::new(),
    };
    walk.visit(resolve_schema(spec, schema), &value, "", false);
    let before = findings(spec, schema, &value);
    walk.first
        .into_iter()
        .chain(walk.last)
        .take(MAX_TRIES)
        .find_map(|change| {
            let mut trial = value.clone();
            let departs = change.apply(&mut trial)
                && departs_once(&before, &findings(spec, schema, &trial), kind);
            departs.then_some(trial)
        })
}

/// Whether `after` is `before` plus one finding of `kind`.
fn departs_once(before: &[Finding], after: &[Finding], kind: FindingKind) -> bool {
    let of_kind = |found: &[Finding]| found.iter().filter(|f| f.kind == kind).count();
    after.len() == before.len() + 1 && of_kind(after) == of_kind(before) + 1
}

/// One change to an answer, at a JSON pointer into it.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    /// Adds [`DRIFTED_PROPERTY`] to the object there.
    Add(String),
    /// Replaces the value there.
    Set(String, Value),
    /// Removes the property of this name from the object there.
    Remove(String, String),
}

impl Change {
    fn apply(&self, value: &mut Value) -> bool {
        match self {
            Change::Add(at) => value
                .pointer_mut(at)
                .and_then(Value::as_object_mut)
                .map(|object| {
                    object.insert(DRIFTED_PROPERTY.to_owned(), DRIFTED_PROPERTY_VALUE.into())
                })
                .is_some(),
            Change::Set(at, new) => value
                .pointer_mut(at)
                .map(|old| *old = new.clone())
                .is_some(),
            Change::Remove(at, name) => value
                .pointer_mut(at)
                .and_then(Value::as_object_mut)
                .and_then(|object| object.remove(name))
                .is_some(),
        }
    }
}

/// The places of an answer that can show `kind`, in document order.
struct Walk<'a> {
    spec: &'a OpenAPI,
    kind: FindingKind,
    first: Vec<Change>,
    /// Tried after `first`: for wrong-type, the strings of an enum, since a plain string
    /// is the plainer change.
    last: Vec<Change>,
}

impl Walk<'_> {
    fn push(&mut self, change: Change) {
        // allOf visits one value once per part.
        if !self.first.contains(&change) {
            self.first.push(change);
        }
    }

    /// Visits `value` at the pointer `at`; `property`: whether it is the value of an object's
    /// property, the only scalars wrong-type changes (an array's item is data more than shape).
    fn visit(&mut self, schema: Option<&Schema>, value: &Value, at: &str, property: bool) {
        let Some(schema) = schema else {
            return;
        };
        if self.first.len() >= MAX_TRIES || value.is_null() {
            return;
        }
        let wrong_type = self.kind == FindingKind::WrongType && property;
        match (&schema.schema_kind, value) {
            (SchemaKind::AllOf { all_of }, _) => {
                for part in all_of {
                    self.visit(resolve_schema(self.spec, part), value, at, property);
                }
            }
            (SchemaKind::OneOf { one_of: options }, _)
            | (SchemaKind::AnyOf { any_of: options }, _) => {
                let fits = options
                    .iter()
                    .find(|option| findings(self.spec, *option, value).is_empty());
                if let Some(option) = fits {
                    self.visit(resolve_schema(self.spec, option), value, at, property);
                }
            }
            (SchemaKind::Type(Type::String(string)), Value::String(_)) => {
                let is_enum = string.enumeration.iter().flatten().next().is_some();
                let integer = Change::Set(at.to_owned(), 12345.into());
                match self.kind {
                    FindingKind::UnknownEnumValue if is_enum => {
                        self.push(Change::Set(at.to_owned(), DRIFTED_VALUE.into()));
                    }
                    _ if wrong_type && !is_enum => self.push(integer),
                    _ if wrong_type && self.last.len() < MAX_TRIES => self.last.push(integer),
                    _ => {}
                }
            }
            (SchemaKind::Type(Type::Integer(_) | Type::Number(_)), Value::Number(_))
                if wrong_type =>
            {
                self.push(Change::Set(at.to_owned(), "12345".into()));
            }
            (SchemaKind::Type(Type::Boolean(_)), Value::Bool(_)) if wrong_type => {
                self.push(Change::Set(at.to_owned(), "true".into()));
            }
            (SchemaKind::Type(Type::Array(array)), Value::Array(items)) => {
                let Some(item_schema) = &array.items else {
                    return;
                };
                let item_schema = resolve_schema(self.spec, item_schema);
                for (index, item) in items.iter().enumerate() {
                    self.visit(item_schema, item, &format!("{at}/{index}"), false);
                }
            }
            (SchemaKind::Type(Type::Object(object)), Value::Object(map)) => {
                match self.kind {
                    FindingKind::UndeclaredProperty if closed(&object.additional_properties) => {
                        self.push(Change::Add(at.to_owned()));
                    }
                    FindingKind::MissingRequired => {
                        for name in map.keys().filter(|name| object.required.contains(name)) {
                            self.push(Change::Remove(at.to_owned(), name.clone()));
                        }
                    }
                    _ => {}
                }
                for (name, item) in map {
                    let schema = match (object.properties.get(name), &object.additional_properties)
                    {
                        (Some(property), _) => resolve_schema(self.spec, property),
                        (None, Some(openapiv3::AdditionalProperties::Schema(extra))) => {
                            resolve_schema(self.spec, extra.as_ref())
                        }
                        _ => continue,
                    };
                    self.visit(schema, item, &format!("{at}/{}", escape(name)), true);
                }
            }
            _ => {}
        }
    }
}

/// A JSON pointer's escaping of one key (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::Shows;
    use serde_json::json;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Node:
      type: object
      properties:
        state: {type: string, enum: [ON, OFF]}
        name: {type: string}
        tags: {type: array, items: {type: string}}
        children: {type: array, items: {$ref: "#/components/schemas/Node"}}
    Both:
      allOf:
        - {type: object, additionalProperties: true, properties: {a: {type: string}}}
        - {type: object, additionalProperties: true, required: [b], properties: {b: {type: integer}}}
    Open:
      type: object
      additionalProperties: true
      properties:
        node: {$ref: "#/components/schemas/Node"}
"##;

    fn drift_as(schema: &str, value: Value, kind: FindingKind) -> Option<Value> {
        let spec = vmware_cpn_spec::LoadedSpec::parse("t.yaml", SPEC).unwrap();
        let schema = ReferenceOr::ref_(&format!("#/components/schemas/{schema}"));
        drift(&spec.spec, &schema, value, kind)
    }

    #[test]
    fn a_recursive_schema_is_read_to_its_end() {
        let spec = vmware_cpn_spec::LoadedSpec::parse("t.yaml", SPEC).unwrap();
        let node = ReferenceOr::<Schema>::ref_("#/components/schemas/Node");
        let shows = |kind| {
            Shows {
                spec: &spec.spec,
                kind,
                seen: Default::default(),
            }
            .shows(&node, false)
        };
        assert!(!shows(FindingKind::MissingRequired));
        assert!(shows(FindingKind::UnknownEnumValue));
        assert!(shows(FindingKind::WrongType));
    }

    #[test]
    fn wrong_type_changes_a_property_a_plain_string_first_never_an_item() {
        let value = json!({"state": "ON", "tags": ["x"], "children": [{"name": "n"}]});
        let changed = drift_as("Node", value, FindingKind::WrongType).unwrap();
        assert_eq!(
            changed,
            json!({"state": "ON", "tags": ["x"], "children": [{"name": 12345}]})
        );
        let value = json!({"state": "ON", "tags": ["x"]});
        let changed = drift_as("Node", value, FindingKind::WrongType).unwrap();
        assert_eq!(changed, json!({"state": 12345, "tags": ["x"]}));
        assert_eq!(
            drift_as("Node", json!({"tags": ["x"]}), FindingKind::WrongType),
            None
        );
    }

    #[test]
    fn each_body_kind_changes_the_first_place_that_shows_it() {
        let value = json!({"children": [{"state": "OFF"}], "state": "ON"});
        let changed = drift_as("Node", value, FindingKind::UnknownEnumValue).unwrap();
        assert_eq!(changed["children"][0]["state"], DRIFTED_VALUE);
        assert_eq!(changed["state"], "ON");

        let value = json!({"a": "x", "b": 1});
        let changed = drift_as("Both", value, FindingKind::MissingRequired).unwrap();
        assert_eq!(changed, json!({"a": "x"}));

        // The top object takes any property; the first that does not is the node's.
        let value = json!({"node": {"name": "n"}});
        let changed = drift_as("Open", value, FindingKind::UndeclaredProperty).unwrap();
        assert_eq!(
            changed,
            json!({"node": {"name": "n", DRIFTED_PROPERTY: DRIFTED_PROPERTY_VALUE}})
        );
        assert_eq!(
            drift_as("Open", json!({}), FindingKind::UndeclaredProperty),
            None
        );
    }
}
