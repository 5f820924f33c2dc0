//! The SDK's own operation extensions, read in one place so codegen, the CLI model, the mock
//! and the lint agree on them:
//!
//! - `x-paging`: how a list operation pages ([`Paging`]). Codegen gives the operation's
//!   builder `stream()` and `stream_in_pages_of(n)`, the CLI its `--all`, the mock its paging.
//! - `x-hand-written`: why the generated client cannot serve an operation (a multipart upload,
//!   a body in two media types, …). Codegen leaves it out of the client, the API surface marks
//!   it, and the crate serves it in a module of its own.
//! - `x-read-only`: why an operation whose method could write (a `POST` search) only reads.
//!   `cpn conformance` calls GETs and these, never anything else.
//!
//! A malformed extension is an error naming the file and line, never a silent default.

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};
use serde::Deserialize;

use crate::load::{OperationRef, is_success, operations, resolve_response, resolve_schema};
use crate::{LoadedSpec, SpecError};

/// The extension that declares an operation's paging.
pub const PAGING: &str = "x-paging";
/// The extension that declares an operation served by hand, with the reason.
pub const HAND_WRITTEN: &str = "x-hand-written";

/// The extension that declares an operation that only reads, though its method could write.
pub const READ_ONLY: &str = "x-read-only";

/// How an operation's answers are paged, as its `x-paging` declares:
///
/// ```yaml
/// x-paging:
///   style: offset          # `start` is the 1-based index of a page's first item
///   start: pageStart       # the query parameter of a page's start
///   limit: pageLimit       # the query parameter of a page's size
///   items: supportTickets  # the success answer's property holding the page's items
///   default-limit: 100     # the page size the service uses when none is asked for
/// ```
///
/// Paging stops after a page shorter than its limit. Where the answer is a `oneOf` of forms,
/// `items` names the property in its object forms, and a bare array form is the items itself.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Paging {
    /// The paging style; `offset` is the only one the services use.
    pub style: PagingStyle,
    /// The query parameter holding a page's start.
    pub start: String,
    /// The query parameter holding a page's size.
    pub limit: String,
    /// The success answer's property holding the items.
    pub items: String,
    /// The page size the service uses when none is asked for.
    pub default_limit: i32,
}

/// The paging styles `x-paging` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PagingStyle {
    /// `start` is the 1-based index of a page's first item; the next page starts after the
    /// items received.
    Offset,
}

impl OperationRef<'_> {
    /// The operation's `x-paging`, checked against its parameters and answer; `None` when it
    /// pages not.
    pub fn paging(&self, loaded: &LoadedSpec) -> Result<Option<Paging>, SpecError> {
        let Some(value) = self.operation.extensions.get(PAGING) else {
            return Ok(None);
        };
        let keys = ["paths", self.path, self.method, PAGING];
        let at = |message: String| loaded.error_at(&keys, format!("{}: {message}", self.label()));
        let paging: Paging = serde_json::from_value(value.clone()).map_err(|e| {
            at(format!(
                "`{PAGING}` is malformed ({e}); it takes style (offset), start, limit, items \
                 and default-limit"
            ))
        })?;
        for name in [&paging.start, &paging.limit] {
            if !self.has_integer_query(&loaded.spec, name) {
                return Err(at(format!(
                    "`{PAGING}` names `{name}`, which is not an integer query parameter of the \
                     operation"
                )));
            }
        }
        if paging.default_limit < 1 {
            return Err(at(format!(
                "`{PAGING}` default-limit is {}; a page holds at least 1 item",
                paging.default_limit
            )));
        }
        if !self.answer_holds_items(&loaded.spec, &paging.items) {
            return Err(at(format!(
                "`{PAGING}` items `{}` is not an array property of the success answer (nor of \
                 each of its object forms)",
                paging.items
            )));
        }
        Ok(Some(paging))
    }

    /// Why the operation is served by hand (its `x-hand-written`), or `None`.
    pub fn hand_written(&self) -> Option<&str> {
        self.operation
            .extensions
            .get(HAND_WRITTEN)
            .map(|value| value.as_str().unwrap_or_default())
    }

    /// The problem with a present `x-hand-written`: it must be a non-empty reason.
    pub fn hand_written_problem(&self, loaded: &LoadedSpec) -> Option<SpecError> {
        let value = self.operation.extensions.get(HAND_WRITTEN)?;
        let blank = value.as_str().is_none_or(|reason| reason.trim().is_empty());
        blank.then(|| {
            loaded.error_at(
                &["paths", self.path, self.method, HAND_WRITTEN],
                format!(
                    "{}: `{HAND_WRITTEN}` must say, as a non-empty string, why the generated \
                     client cannot serve the operation",
                    self.label()
                ),
            )
        })
    }

    /// Whether calling the operation changes nothing: a `GET` or `HEAD`, or one whose spec
    /// says, with `x-read-only`, that it only reads. What `cpn conformance` may call.
    pub fn only_reads(&self) -> bool {
        matches!(self.method, "get" | "head")
            || self
                .operation
                .extensions
                .get(READ_ONLY)
                .and_then(|value| value.as_str())
                .is_some_and(|reason| !reason.trim().is_empty())
    }

    /// The problem with a present `x-read-only`: a non-empty reason, on a method that could
    /// write.
    pub fn read_only_problem(&self, loaded: &LoadedSpec) -> Option<SpecError> {
        let value = self.operation.extensions.get(READ_ONLY)?;
        let blank = value.as_str().is_none_or(|reason| reason.trim().is_empty());
        let message = if blank {
            format!(
                "{}: `{READ_ONLY}` must say, as a non-empty string, why the operation only reads",
                self.label()
            )
        } else if matches!(self.method, "get" | "head") {
            format!(
                "{}: `{READ_ONLY}` on a {} says what its method already says",
                self.label(),
                self.method.to_uppercase()
            )
        } else {
            return None;
        };
        Some(loaded.error_at(&["paths", self.path, self.method, READ_ONLY], message))
    }

    fn has_integer_query(&self, spec: &OpenAPI, name: &str) -> bool {
        self.parameters()
            .filter_map(|p| crate::load::resolve_parameter(spec, p))
            .any(|p| {
                matches!(p, openapiv3::Parameter::Query { parameter_data, .. }
                    if parameter_data.name == name
                        && matches!(&parameter_data.format,
                            openapiv3::ParameterSchemaOrContent::Schema(schema)
                                if resolve_schema(spec, schema).is_some_and(|s|
                                    matches!(s.schema_kind, SchemaKind::Type(Type::Integer(_))))))
            })
    }

    /// Whether every form of the JSON success answer holds the items: an object with an array
    /// property `items`, or a bare array.
    fn answer_holds_items(&self, spec: &OpenAPI, items: &str) -> bool {
        let answer = self
            .operation
            .responses
            .responses
            .iter()
            .filter(|(status, _)| is_success(status))
            .filter_map(|(_, response)| resolve_response(spec, response))
            .find_map(|response| {
                response
                    .content
                    .iter()
                    .find(|(media, _)| crate::answer_check::is_json(media))
                    .and_then(|(_, media)| media.schema.as_ref())
            });
        answer.is_some_and(|schema| holds_items(spec, schema, items, true))
    }
}

fn holds_items(
    spec: &OpenAPI,
    schema: &ReferenceOr<openapiv3::Schema>,
    items: &str,
    top: bool,
) -> bool {
    let Some(schema) = resolve_schema(spec, schema) else {
        return false;
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => object
            .properties
            .get(items)
            .and_then(|property| resolve_schema(spec, property))
            .is_some_and(|p| matches!(p.schema_kind, SchemaKind::Type(Type::Array(_)))),
        // A bare array form is the items themselves, beside an object form.
        SchemaKind::Type(Type::Array(_)) => !top,
        SchemaKind::OneOf { one_of: forms } | SchemaKind::AnyOf { any_of: forms } if top => {
            let object_forms = forms.iter().filter(|form| {
                resolve_schema(spec, form)
                    .is_some_and(|s| !matches!(s.schema_kind, SchemaKind::Type(Type::Array(_))))
            });
            object_forms.count() > 0 && forms.iter().all(|f| holds_items(spec, f, items, false))
        }
        _ => false,
    }
}

/// The spec progenitor sees: the document without its `x-hand-written` operations.
pub fn without_hand_written(spec: &OpenAPI) -> OpenAPI {
    let mut spec = spec.clone();
    crate::load::retain_operations(&mut spec, |_, _, op| {
        !op.extensions.contains_key(HAND_WRITTEN)
    });
    spec
}

/// Every problem with the SDK's extensions in a spec, in document order, each with the name
/// of its lint rule (`hand-written`, `paging`, `read-only`, `links`).
pub fn problems(loaded: &LoadedSpec) -> Vec<(&'static str, SpecError)> {
    operations(&loaded.spec)
        .iter()
        .flat_map(|op| {
            let hand_written = op.hand_written_problem(loaded).map(|e| ("hand-written", e));
            let paging = op.paging(loaded).err().map(|e| ("paging", e));
            let read_only = op.read_only_problem(loaded).map(|e| ("read-only", e));
            hand_written.into_iter().chain(paging).chain(read_only)
        })
        .chain(
            crate::links::problems(loaded)
                .into_iter()
                .map(|e| ("links", e)),
        )
        .collect()
}
