//! Compares two versions of a schema, following `$ref`s on each side, so a change inside a
//! shared schema shows up at every operation that uses it.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};

use vmware_cpn_spec::load::resolve_schema;

use super::model::{Change, Direction};

/// Both documents, for resolving references.
pub struct Sides<'a> {
    pub before: &'a OpenAPI,
    pub after: &'a OpenAPI,
}

/// The shape of a schema in one word, with its format: `string`, `integer(int64)`, ….
pub fn signature(schema: &Schema) -> String {
    let (kind, format) = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => ("string", format_of(&s.format)),
        SchemaKind::Type(Type::Integer(i)) => ("integer", format_of(&i.format)),
        SchemaKind::Type(Type::Number(n)) => ("number", format_of(&n.format)),
        SchemaKind::Type(Type::Boolean(_)) => ("boolean", None),
        SchemaKind::Type(Type::Object(_)) => ("object", None),
        SchemaKind::Type(Type::Array(_)) => ("array", None),
        SchemaKind::OneOf { .. } => ("oneOf", None),
        SchemaKind::AllOf { .. } => ("allOf", None),
        SchemaKind::AnyOf { .. } => ("anyOf", None),
        SchemaKind::Not { .. } => ("not", None),
        SchemaKind::Any(_) => ("any", None),
    };
    match format {
        Some(format) => format!("{kind}({format})"),
        None => kind.to_owned(),
    }
}

fn format_of<T: std::fmt::Debug>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(known) => Some(format!("{known:?}").to_lowercase()),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

pub struct SchemaDiff<'a, 'c> {
    pub sides: Sides<'a>,
    pub direction: Direction,
    pub changes: &'c mut Vec<Change>,
    /// Pairs of schemas already compared on this walk, so recursive schemas end.
    seen: BTreeSet<(usize, usize)>,
}

impl<'a, 'c> SchemaDiff<'a, 'c> {
    pub fn new(sides: Sides<'a>, direction: Direction, changes: &'c mut Vec<Change>) -> Self {
        SchemaDiff {
            sides,
            direction,
            changes,
            seen: BTreeSet::new(),
        }
    }

    /// Compares two schemas found at `place` (`request body`, `query limit`, …).
    pub fn compare(
        &mut self,
        before: &'a ReferenceOr<Schema>,
        after: &'a ReferenceOr<Schema>,
        place: &str,
    ) {
        let before = resolve_schema(self.sides.before, before);
        let after = resolve_schema(self.sides.after, after);
        self.compare_resolved(before, after, place);
    }

    fn compare_resolved(
        &mut self,
        before: Option<&'a Schema>,
        after: Option<&'a Schema>,
        place: &str,
    ) {
        let (Some(before), Some(after)) = (before, after) else {
            return;
        };
        let key = (
            before as *const Schema as usize,
            after as *const Schema as usize,
        );
        if !self.seen.insert(key) {
            return;
        }
        let (was, is) = (signature(before), signature(after));
        if was != is {
            self.changes.push(
                Change::new("type-changed", true, format!("type {was} → {is}"))
                    .at(place)
                    .because("the Rust type of the value changes"),
            );
            return;
        }
        match (&before.schema_kind, &after.schema_kind) {
            (SchemaKind::Type(Type::String(b)), SchemaKind::Type(Type::String(a))) => {
                let old: BTreeSet<&String> = b.enumeration.iter().flatten().collect();
                let new: BTreeSet<&String> = a.enumeration.iter().flatten().collect();
                for value in new.difference(&old) {
                    let change = Change::new(
                        "enum-value-added",
                        false,
                        format!("enum value {value:?} added"),
                    )
                    .at(place);
                    self.changes.push(match self.direction {
                        Direction::Response => change.because(
                            "non-breaking only because the SDK's enums keep values they do not know \
                             (`Unknown(String)`) and are #[non_exhaustive], so matches already have a \
                             wildcard arm",
                        ),
                        Direction::Request => change.because("a new variant to send; existing ones still work"),
                    });
                }
                for value in old.difference(&new) {
                    self.changes.push(
                        Change::new(
                            "enum-value-removed",
                            true,
                            format!("enum value {value:?} removed"),
                        )
                        .at(place)
                        .because("the variant disappears from the Rust enum"),
                    );
                }
            }
            (SchemaKind::Type(Type::Array(b)), SchemaKind::Type(Type::Array(a))) => {
                if let (Some(b), Some(a)) = (&b.items, &a.items) {
                    let before = resolve_schema(self.sides.before, b);
                    let after = resolve_schema(self.sides.after, a);
                    self.compare_resolved(before, after, &format!("{place}[]"));
                }
            }
            (SchemaKind::Type(Type::Object(b)), SchemaKind::Type(Type::Object(a))) => {
                self.compare_objects(b, a, place);
            }
            _ => {}
        }
    }

    fn compare_objects(
        &mut self,
        before: &'a openapiv3::ObjectType,
        after: &'a openapiv3::ObjectType,
        place: &str,
    ) {
        let request = self.direction == Direction::Request;
        for (name, schema) in &after.properties {
            let at = format!("{place}.{name}");
            let required = after.required.contains(name);
            match before.properties.get(name) {
                None => self.changes.push(match (request, required) {
                    (true, true) => Change::new("request-property-added", true, format!("required property {name} added"))
                        .at(at)
                        .because("every request must now set it")
                        .on_the_wire(),
                    (true, false) => Change::new("request-property-added", false, format!("optional property {name} added")).at(at),
                    (false, _) => Change::new("response-property-added", false, format!("property {name} added"))
                        .at(at)
                        .because("a new field; build values with the generated builders, not struct literals"),
                }),
                Some(old) => {
                    let was_required = before.required.contains(name);
                    if was_required != required {
                        let kind = if request { "request-property-required" } else { "response-property-required" };
                        let (breaking, reason) = match (request, required) {
                            (true, true) => (true, "every request must now set it"),
                            (true, false) => (false, "the builder still accepts the value"),
                            (false, _) => (true, "the field's type changes between T and Option<T>"),
                        };
                        let detail = if required { format!("{name} made required") } else { format!("{name} made optional") };
                        self.changes.push(Change::new(kind, breaking, detail).at(at.clone()).because(reason));
                    }
                    let before = resolve_schema(self.sides.before, old);
                    let after = resolve_schema(self.sides.after, schema);
                    self.compare_resolved(before, after, &at);
                }
            }
        }
        for name in before.properties.keys() {
            if !after.properties.contains_key(name) {
                let kind = if request {
                    "request-property-removed"
                } else {
                    "response-property-removed"
                };
                self.changes.push(
                    Change::new(kind, true, format!("property {name} removed"))
                        .at(format!("{place}.{name}"))
                        .because("the field disappears from the Rust type"),
                );
            }
        }
    }
}
