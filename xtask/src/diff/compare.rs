//! Compares two versions of one spec, operation by operation.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, Operation, Parameter, ParameterSchemaOrContent};

use vmware_cpn_spec::load::{
    OperationRef, is_success, operations, resolve_body, resolve_parameter, resolve_response,
};

use super::model::{Change, Direction};
use super::schema::{SchemaDiff, Sides};

/// `list_tenants (GET /path)`: how the report names an operation.
fn label(op: &OperationRef<'_>) -> String {
    format!("{} ({} {})", op.id(), op.method.to_uppercase(), op.path)
}

/// Every change from `before` to `after`.
pub fn compare(before: &OpenAPI, after: &OpenAPI) -> Vec<Change> {
    let mut changes = Vec::new();
    servers(before, after, &mut changes);

    let old_ops = operations(before);
    let new_ops = operations(after);
    let mut matched_new = BTreeSet::new();
    for old in &old_ops {
        // The same operationId first; else the same method and path under a new id.
        let by_id = new_ops.iter().position(|new| {
            old.operation.operation_id.is_some()
                && new.operation.operation_id == old.operation.operation_id
        });
        let by_place = || {
            new_ops
                .iter()
                .position(|new| new.path == old.path && new.method == old.method)
        };
        let Some(index) = by_id.or_else(by_place).filter(|i| !matched_new.contains(i)) else {
            changes.push(
                Change::new("operation-removed", true, format!("{} removed", label(old)))
                    .because("its method disappears from the client")
                    .with_operation(label(old)),
            );
            continue;
        };
        matched_new.insert(index);
        let new = &new_ops[index];
        let mut op_changes = Vec::new();
        compare_operation(Sides { before, after }, old, new, &mut op_changes);
        changes.extend(op_changes.into_iter().map(|c| c.with_operation(label(new))));
    }
    for (index, new) in new_ops.iter().enumerate() {
        if !matched_new.contains(&index) {
            changes.push(
                Change::new("operation-added", false, format!("{} added", label(new)))
                    .with_operation(label(new)),
            );
        }
    }
    changes
}

impl Change {
    fn with_operation(mut self, label: String) -> Change {
        self.operation = Some(label);
        self
    }
}

fn compare_operation(
    sides: Sides<'_>,
    old: &OperationRef<'_>,
    new: &OperationRef<'_>,
    changes: &mut Vec<Change>,
) {
    if old.operation.operation_id != new.operation.operation_id {
        changes.push(
            Change::new(
                "operation-id-changed",
                true,
                format!("operationId {} → {}", old.id(), new.id()),
            )
            .because("the client method is renamed"),
        );
    }
    if old.path != new.path {
        changes.push(
            Change::new(
                "path-changed",
                true,
                format!("path {} → {}", old.path, new.path),
            )
            .because("requests go to another endpoint; older servers do not serve it"),
        );
    }
    if old.method != new.method {
        changes.push(
            Change::new(
                "method-changed",
                true,
                format!(
                    "method {} → {}",
                    old.method.to_uppercase(),
                    new.method.to_uppercase()
                ),
            )
            .because("requests use another method; older servers do not serve it"),
        );
    }
    security(
        old.operation
            .security
            .as_ref()
            .or(sides.before.security.as_ref()),
        new.operation
            .security
            .as_ref()
            .or(sides.after.security.as_ref()),
        changes,
    );
    parameters(&sides, old, new, changes);
    request_body(&sides, old, new, changes);
    responses(&sides, old.operation, new.operation, changes);
}

/// The parameters of an operation by name, with where they go (`query`, `header`, …).
fn parameter_map<'a>(
    spec: &'a OpenAPI,
    op: &OperationRef<'a>,
) -> BTreeMap<String, (&'static str, &'a Parameter)> {
    // The fields, not `parameters()`: their borrows outlive `op`.
    op.path_parameters
        .iter()
        .chain(&op.operation.parameters)
        .filter_map(|p| resolve_parameter(spec, p))
        .map(|p| {
            let location = match p {
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Path { .. } => "path",
                Parameter::Cookie { .. } => "cookie",
            };
            (p.parameter_data_ref().name.clone(), (location, p))
        })
        .collect()
}

fn parameters(
    sides: &Sides<'_>,
    old: &OperationRef<'_>,
    new: &OperationRef<'_>,
    changes: &mut Vec<Change>,
) {
    let before = parameter_map(sides.before, old);
    let after = parameter_map(sides.after, new);
    for (name, (location, parameter)) in &after {
        let data = parameter.parameter_data_ref();
        let place = format!("{location} {name}");
        match before.get(name) {
            None if data.required => changes.push(
                Change::new("parameter-added", true, format!("required {place} added"))
                    .at(place)
                    .because("every call must now set it")
                    .on_the_wire(),
            ),
            None => changes.push(
                Change::new("parameter-added", false, format!("optional {place} added")).at(place),
            ),
            Some((old_location, old)) => {
                let old_data = old.parameter_data_ref();
                if old_location != location {
                    changes.push(
                        Change::new(
                            "parameter-moved",
                            true,
                            format!("{name} moved from {old_location} to {location}"),
                        )
                        .at(place.clone())
                        .because("the value is sent elsewhere; older servers do not read it there")
                        .on_the_wire(),
                    );
                }
                match (old_data.required, data.required) {
                    (false, true) => changes.push(
                        Change::new("parameter-required", true, format!("{name} made required"))
                            .at(place.clone())
                            .because("every call must now set it")
                            .on_the_wire(),
                    ),
                    (true, false) => changes.push(
                        Change::new("parameter-optional", false, format!("{name} made optional"))
                            .at(place.clone()),
                    ),
                    _ => {}
                }
                if let (ParameterSchemaOrContent::Schema(b), ParameterSchemaOrContent::Schema(a)) =
                    (&old_data.format, &data.format)
                {
                    SchemaDiff::new(
                        Sides {
                            before: sides.before,
                            after: sides.after,
                        },
                        Direction::Request,
                        changes,
                    )
                    .compare(b, a, &place);
                }
            }
        }
    }
    for (name, (location, _)) in &before {
        if !after.contains_key(name) {
            changes.push(
                Change::new(
                    "parameter-removed",
                    true,
                    format!("{location} {name} removed"),
                )
                .at(format!("{location} {name}"))
                .because("its builder method disappears"),
            );
        }
    }
}

fn request_body(
    sides: &Sides<'_>,
    old: &OperationRef<'_>,
    new: &OperationRef<'_>,
    changes: &mut Vec<Change>,
) {
    let before = old
        .operation
        .request_body
        .as_ref()
        .and_then(|b| resolve_body(sides.before, b));
    let after = new
        .operation
        .request_body
        .as_ref()
        .and_then(|b| resolve_body(sides.after, b));
    match (before, after) {
        (None, None) => {}
        (None, Some(body)) => {
            let change = Change::new("request-body-added", body.required, "request body added")
                .at("request body");
            changes.push(if body.required {
                change.because("every call must now send one").on_the_wire()
            } else {
                change.because("optional")
            })
        }
        (Some(_), None) => changes.push(
            Change::new("request-body-removed", true, "request body removed")
                .at("request body")
                .because("the body builder method disappears"),
        ),
        (Some(b), Some(a)) => {
            content(
                sides,
                &b.content,
                &a.content,
                Direction::Request,
                "request body",
                changes,
            );
        }
    }
}

fn content(
    sides: &Sides<'_>,
    before: &openapiv3::Content,
    after: &openapiv3::Content,
    direction: Direction,
    place: &str,
    changes: &mut Vec<Change>,
) {
    let request = direction == Direction::Request;
    for media_type in after.keys().filter(|m| !before.contains_key(*m)) {
        let kind = if request {
            "request-content-type-added"
        } else {
            "response-content-type-added"
        };
        changes.push(
            Change::new(kind, false, format!("{media_type} added"))
                .at(place)
                .because("another form is accepted; the existing ones still work"),
        );
    }
    for media_type in before.keys().filter(|m| !after.contains_key(*m)) {
        let kind = if request {
            "request-content-type-removed"
        } else {
            "response-content-type-removed"
        };
        changes.push(
            Change::new(kind, true, format!("{media_type} removed"))
                .at(place)
                .because("a form clients use is no longer served"),
        );
    }
    for (media_type, old) in before {
        let Some(new) = after.get(media_type) else {
            continue;
        };
        if let (Some(b), Some(a)) = (&old.schema, &new.schema) {
            SchemaDiff::new(
                Sides {
                    before: sides.before,
                    after: sides.after,
                },
                direction,
                changes,
            )
            .compare(b, a, place);
        }
    }
}

/// A response's schema per media type, as comparable JSON (examples and descriptions left
/// out: they do not change the Rust type).
fn answer_schemas(
    spec: &OpenAPI,
    response: Option<&openapiv3::ReferenceOr<openapiv3::Response>>,
) -> Option<serde_json::Value> {
    let response = resolve_response(spec, response?)?;
    let schemas: BTreeMap<&String, _> = response
        .content
        .iter()
        .map(|(media, m)| (media, &m.schema))
        .collect();
    Some(serde_json::to_value(schemas).unwrap_or_default())
}

fn responses(sides: &Sides<'_>, old: &Operation, new: &Operation, changes: &mut Vec<Change>) {
    let before = &old.responses.responses;
    let after = &new.responses.responses;
    // The answer schemas of the success statuses kept, to tell whether an added or removed
    // success status keeps the method's answer type.
    let success_content =
        |status: &openapiv3::StatusCode| answer_schemas(sides.after, after.get(status));
    let kept: Vec<_> = before
        .keys()
        .filter(|s| is_success(s) && after.contains_key(*s))
        .filter_map(success_content)
        .collect();
    for status in after.keys().filter(|s| !before.contains_key(*s)) {
        changes.push(if is_success(status) {
            let same_answer = !kept.is_empty()
                && kept
                    .iter()
                    .all(|c| Some(c) == success_content(status).as_ref());
            let change = Change::new(
                "success-status-added",
                !same_answer,
                format!("success status {status} added"),
            )
            .at(format!("{status} response"));
            if same_answer {
                change.because("the answer's type is the one the other success statuses have")
            } else {
                change.because("the generated method's answer type changes")
            }
        } else {
            Change::new(
                "error-status-added",
                false,
                format!("error status {status} added"),
            )
            .at(format!("{status} response"))
            .because("errors arrive as the typed error either way")
        });
    }
    let before_content =
        |status: &openapiv3::StatusCode| answer_schemas(sides.before, before.get(status));
    for status in before.keys().filter(|s| !after.contains_key(*s)) {
        changes.push(if is_success(status) {
            let change = Change::new(
                "success-status-removed",
                true,
                format!("success status {status} removed"),
            )
            .at(format!("{status} response"));
            let same_answer = !kept.is_empty() && kept.iter().all(|c| Some(c) == before_content(status).as_ref());
            if same_answer {
                change
                    .because("the answer's type stays, but a server still answering this status is now an error")
                    .on_the_wire()
            } else {
                change.because("the generated method's answer type changes")
            }
        } else {
            Change::new(
                "error-status-removed",
                false,
                format!("error status {status} removed"),
            )
            .at(format!("{status} response"))
            .because("an unlisted error still arrives as an error")
        });
    }
    for (status, old) in before {
        let (Some(old), Some(new)) = (
            resolve_response(sides.before, old),
            after
                .get(status)
                .and_then(|r| resolve_response(sides.after, r)),
        ) else {
            continue;
        };
        let place = format!("{status} response");
        content(
            sides,
            &old.content,
            &new.content,
            Direction::Response,
            &place,
            changes,
        );
    }
}

fn servers(before: &OpenAPI, after: &OpenAPI, changes: &mut Vec<Change>) {
    let old: BTreeSet<&str> = before.servers.iter().map(|s| s.url.as_str()).collect();
    let new: BTreeSet<&str> = after.servers.iter().map(|s| s.url.as_str()).collect();
    for url in new.difference(&old) {
        changes
            .push(Change::new("server-added", false, format!("server {url} added")).at("servers"));
    }
    for url in old.difference(&new) {
        changes.push(
            Change::new("server-removed", true, format!("server {url} removed"))
                .at("servers")
                .because("a documented base URL users may have configured is gone"),
        );
    }
}

/// The effective security of an operation: its own, else the spec's.
fn security(
    before: Option<&Vec<openapiv3::SecurityRequirement>>,
    after: Option<&Vec<openapiv3::SecurityRequirement>>,
    changes: &mut Vec<Change>,
) {
    let names = |reqs: Option<&Vec<openapiv3::SecurityRequirement>>| -> BTreeSet<String> {
        reqs.into_iter()
            .flatten()
            .flat_map(|r| r.keys().cloned())
            .collect()
    };
    let (old, new) = (names(before), names(after));
    if old != new {
        changes.push(
            Change::new(
                "security-changed",
                true,
                format!("security {old:?} → {new:?}"),
            )
            .at("security")
            .because("requests need other credentials"),
        );
    }
}
