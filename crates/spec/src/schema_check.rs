//! Checks a JSON value against its OpenAPI 3.0 schema: the lint holds a spec's examples to
//! their types with it, and the mock holds requests (and its own answers) to the spec.
//! Stricter than the generated types on purpose: a property the schema does not declare is a
//! finding even though the types would keep it in `extra`.
//!
//! Each departure is a [`Finding`]: where, of what kind, and the expected and seen *shapes*
//! (JSON types, property names, enum values), never the values themselves, so a finding can
//! be logged or sent in a report. [`problems`] adds the values, for the lint's messages about
//! the spec's own examples.

use openapiv3::{
    AdditionalProperties, IntegerFormat, OpenAPI, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use std::fmt;

use serde_json::Value;

use crate::load::{AsSchema, resolve_schema};

/// Every way `value` departs from `schema`, each starting with the JSON pointer of the place,
/// with the values that depart: for the spec's own examples.
pub fn problems(spec: &OpenAPI, schema: &ReferenceOr<impl AsSchema>, value: &Value) -> Vec<String> {
    check(spec, schema, value, false)
        .iter()
        .map(Finding::with_value)
        .collect()
}

/// Every way `value` departs from `schema`, as findings that hold no value of the answer.
pub fn findings(
    spec: &OpenAPI,
    schema: &ReferenceOr<impl AsSchema>,
    value: &Value,
) -> Vec<Finding> {
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
        .iter()
        .map(Finding::with_value)
        .collect()
}

/// How an answer departs from its spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// A property the schema does not declare.
    UndeclaredProperty,
    /// A string outside the schema's `enum`.
    UnknownEnumValue,
    /// A value of another JSON type (or integer format) than the schema's.
    WrongType,
    /// A required property is absent.
    MissingRequired,
    /// `null` where the schema is not nullable.
    UnexpectedNull,
    /// A `$ref` of the spec that does not resolve: the spec's fault, not the answer's.
    UnresolvedReference,
    /// An answer status the operation does not declare.
    UndeclaredStatus,
    /// An answer media type the operation does not declare for its status.
    UndeclaredContentType,
    /// A header the spec declares as required is absent.
    MissingHeader,
    /// A body declared as JSON that does not parse as JSON.
    NotJson,
}

impl FindingKind {
    /// Every kind, in a fixed order.
    pub const ALL: &[FindingKind] = &[
        FindingKind::UndeclaredProperty,
        FindingKind::UnknownEnumValue,
        FindingKind::WrongType,
        FindingKind::MissingRequired,
        FindingKind::UnexpectedNull,
        FindingKind::UnresolvedReference,
        FindingKind::UndeclaredStatus,
        FindingKind::UndeclaredContentType,
        FindingKind::MissingHeader,
        FindingKind::NotJson,
    ];

    /// The kind's name in reports, flags and events: `undeclared-property`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::UndeclaredProperty => "undeclared-property",
            FindingKind::UnknownEnumValue => "unknown-enum-value",
            FindingKind::WrongType => "wrong-type",
            FindingKind::MissingRequired => "missing-required",
            FindingKind::UnexpectedNull => "unexpected-null",
            FindingKind::UnresolvedReference => "unresolved-reference",
            FindingKind::UndeclaredStatus => "undeclared-status",
            FindingKind::UndeclaredContentType => "undeclared-content-type",
            FindingKind::MissingHeader => "missing-header",
            FindingKind::NotJson => "not-json",
        }
    }

    /// Whether the generated types keep such data without a word (in `extra`, as `Unknown`):
    /// the drift a client reports as it works.
    pub fn is_kept_silently(self) -> bool {
        matches!(
            self,
            FindingKind::UndeclaredProperty | FindingKind::UnknownEnumValue
        )
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for FindingKind {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        FindingKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = FindingKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("no finding kind {name:?}; one of {}", names.join(", "))
            })
    }
}

/// One departure from the spec. Its `Debug` shows the shapes only, like its public fields.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Finding {
    /// Where, as a JSON pointer into the body with every array index and every key of a map
    /// (`additionalProperties`) written `*`: the place in the schema, never a value.
    pub path: String,
    /// What kind.
    pub kind: FindingKind,
    /// The shape the spec declares: a JSON type, a property name, the enum's values, a status.
    pub expected: String,
    /// The shape seen: a JSON type, a property name, an enum value, a status.
    pub seen: String,
    /// The pointer with real indices and keys, and the value that departs: for [`problems`].
    pointer: String,
    value: Option<String>,
}

impl fmt::Debug for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finding")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("expected", &self.expected)
            .field("seen", &self.seen)
            .finish_non_exhaustive()
    }
}

impl Finding {
    /// A finding about the answer as a whole (its status, media type or headers).
    pub fn of_answer(kind: FindingKind, expected: String, seen: String) -> Finding {
        Finding {
            path: String::new(),
            kind,
            expected,
            seen,
            pointer: String::new(),
            value: None,
        }
    }

    /// The finding as the lint words it: the real pointer and the value.
    fn with_value(&self) -> String {
        let place = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        let message = match (self.kind, &self.value) {
            (FindingKind::UnknownEnumValue, Some(value)) => {
                format!("{value} is not one of the enum's values {}", self.expected)
            }
            (FindingKind::WrongType, Some(value)) => {
                format!("{value} is not {}", self.expected)
            }
            (FindingKind::UnexpectedNull, _) => "null, but the schema is not nullable".to_owned(),
            (FindingKind::MissingRequired, _) => {
                format!("the required property {:?} is missing", self.expected)
            }
            (FindingKind::UndeclaredProperty, _) => {
                "a property the schema does not declare".to_owned()
            }
            (FindingKind::UnresolvedReference, _) => {
                "its schema reference does not resolve".to_owned()
            }
            _ => format!("expected {}, seen {}", self.expected, self.seen),
        };
        format!("{place}: {message}")
    }
}

/// An enum value as a finding may show it: the spelling of a new value is a fact about the
/// service's shape, but a string that does not look like an enum's word could be data.
fn enum_word(text: &str) -> String {
    let word = !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | ' '));
    if word {
        format!("{text:?}")
    } else {
        format!("a string of {} characters", text.chars().count())
    }
}

fn check(
    spec: &OpenAPI,
    schema: &ReferenceOr<impl AsSchema>,
    value: &Value,
    undeclared_allowed: bool,
) -> Vec<Finding> {
    let mut found = Vec::new();
    Checker {
        spec,
        found: &mut found,
        undeclared_allowed,
    }
    .check(resolve_schema(spec, schema), value, &mut Place::default());
    found
}

/// Where the checker is: the real pointer and the shape path.
#[derive(Default, Clone)]
struct Place {
    pointer: String,
    path: String,
}

impl Place {
    fn child(&self, real: &str, shape: &str) -> Place {
        Place {
            pointer: format!("{}/{}", self.pointer, escape(real)),
            path: format!("{}/{}", self.path, escape(shape)),
        }
    }
}

/// A JSON pointer's escaping of one key (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

struct Checker<'a, 'f> {
    spec: &'a OpenAPI,
    found: &'f mut Vec<Finding>,
    undeclared_allowed: bool,
}

impl Checker<'_, '_> {
    fn fail(
        &mut self,
        place: &Place,
        kind: FindingKind,
        expected: String,
        seen: String,
        value: Option<String>,
    ) {
        self.found.push(Finding {
            path: place.path.clone(),
            kind,
            expected,
            seen,
            pointer: place.pointer.clone(),
            value,
        });
    }

    fn wrong_type(&mut self, place: &Place, expected: &str, value: &Value) {
        self.fail(
            place,
            FindingKind::WrongType,
            expected.to_owned(),
            kind(value).to_owned(),
            Some(value.to_string()),
        );
    }

    fn check(&mut self, schema: Option<&Schema>, value: &Value, place: &mut Place) {
        let Some(schema) = schema else {
            return self.fail(
                place,
                FindingKind::UnresolvedReference,
                "a schema".into(),
                "a reference that does not resolve".into(),
                None,
            );
        };
        if value.is_null() {
            if !schema.schema_data.nullable && !matches!(schema.schema_kind, SchemaKind::Any(_)) {
                self.fail(
                    place,
                    FindingKind::UnexpectedNull,
                    "a value".into(),
                    "null".into(),
                    None,
                );
            }
            return;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => match value.as_str() {
                None => self.wrong_type(place, "a string", value),
                Some(text) => {
                    let allowed: Vec<&str> = string
                        .enumeration
                        .iter()
                        .flatten()
                        .map(String::as_str)
                        .collect();
                    if !allowed.is_empty() && !allowed.contains(&text) {
                        self.fail(
                            place,
                            FindingKind::UnknownEnumValue,
                            format!("{allowed:?}"),
                            enum_word(text),
                            Some(format!("{text:?}")),
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
                    let expected = if int32 {
                        "an integer (int32)"
                    } else {
                        "an integer"
                    };
                    self.wrong_type(place, expected, value);
                }
            }
            SchemaKind::Type(Type::Number(_)) if !value.is_number() => {
                self.wrong_type(place, "a number", value);
            }
            SchemaKind::Type(Type::Boolean(_)) if !value.is_boolean() => {
                self.wrong_type(place, "a boolean", value);
            }
            SchemaKind::Type(Type::Array(array)) => match value.as_array() {
                None => self.wrong_type(place, "an array", value),
                Some(items) => {
                    if let Some(item_schema) = &array.items {
                        let schema = resolve_schema(self.spec, item_schema);
                        for (index, item) in items.iter().enumerate() {
                            self.check(schema, item, &mut place.child(&index.to_string(), "*"));
                        }
                    }
                }
            },
            SchemaKind::Type(Type::Object(object)) => {
                let Some(map) = value.as_object() else {
                    return self.wrong_type(place, "an object", value);
                };
                for required in &object.required {
                    if !map.contains_key(required) {
                        self.fail(
                            place,
                            FindingKind::MissingRequired,
                            required.clone(),
                            "absent".into(),
                            None,
                        );
                    }
                }
                for (name, item) in map {
                    match (object.properties.get(name), &object.additional_properties) {
                        (Some(property), _) => {
                            let schema = resolve_schema(self.spec, property);
                            self.check(schema, item, &mut place.child(name, name));
                        }
                        (None, Some(AdditionalProperties::Any(true))) => {}
                        (None, None) if self.undeclared_allowed => {}
                        (None, Some(AdditionalProperties::Schema(extra))) => {
                            // A map: its keys are data, so the path says `*`.
                            let schema = resolve_schema(self.spec, extra.as_ref());
                            self.check(schema, item, &mut place.child(name, "*"));
                        }
                        (None, _) => self.fail(
                            &place.child(name, name),
                            FindingKind::UndeclaredProperty,
                            "no such property".into(),
                            kind(item).into(),
                            None,
                        ),
                    }
                }
            }
            SchemaKind::AllOf { all_of } => {
                for part in all_of {
                    self.check(resolve_schema(self.spec, part), value, place);
                }
            }
            SchemaKind::OneOf { one_of: options } | SchemaKind::AnyOf { any_of: options } => {
                // When no alternative fits, the one that comes closest tells what changed:
                // an answer in a known form with one new property is that one finding, not
                // "fits nothing".
                let mut closest: Option<Vec<Finding>> = None;
                for option in options {
                    let mut trial = Vec::new();
                    Checker {
                        spec: self.spec,
                        found: &mut trial,
                        undeclared_allowed: self.undeclared_allowed,
                    }
                    .check(resolve_schema(self.spec, option), value, place);
                    if trial.is_empty() {
                        return;
                    }
                    if closest.as_ref().is_none_or(|best| trial.len() < best.len()) {
                        closest = Some(trial);
                    }
                }
                self.found.extend(closest.into_iter().flatten());
            }
            _ => {}
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
