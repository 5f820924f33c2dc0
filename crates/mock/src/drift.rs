//! Drift on demand: a chosen operation answers out of its spec in one named way, a
//! [`FindingKind`], so a conformance checker and a client's drift tracing can be tested
//! against a server that departs from its spec as the live service may. The handlers stay
//! untouched: the middleware here rewrites their success answers. While no operation drifts
//! an answer costs one atomic load, and the body of an operation that does not drift is never
//! read.

mod rewrite;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use openapiv3::{
    AdditionalProperties, MediaType, OpenAPI, Operation, ReferenceOr, SchemaKind, Type,
};
use vmware_cpn_spec::answer_check::{declared_response, is_json, media_matches};
use vmware_cpn_spec::load::{AsSchema, resolve_response, resolve_schema};
use vmware_cpn_spec::schema_check::FindingKind;

use crate::App;
use crate::call::OperationInfo;
use crate::specs::Specs;

/// The kinds of drift the mock makes: those an answer can show by itself (the others are a
/// spec's fault, or a header or body the mock would have to break rather than bend).
pub(crate) const KINDS: &[FindingKind] = &[
    FindingKind::UndeclaredProperty,
    FindingKind::UnknownEnumValue,
    FindingKind::WrongType,
    FindingKind::MissingRequired,
    FindingKind::UndeclaredStatus,
    FindingKind::UndeclaredContentType,
];

/// The media types an undeclared-content-type answer is sent as, the first the operation does
/// not declare for its status.
const UNDECLARED_MEDIA: &[&str] = &["text/plain; charset=utf-8", "application/octet-stream"];

/// Which operations drift, and how.
#[derive(Default)]
pub(crate) struct Drifts {
    /// Whether any operation drifts: read before the map, so while none does an answer costs
    /// one atomic load and no lock.
    any: AtomicBool,
    kinds: RwLock<HashMap<String, FindingKind>>,
}

impl Drifts {
    /// Makes `operation` drift in `kind` (replacing its former kind), once [`check`] allows it.
    pub(crate) fn set(
        &self,
        specs: &Specs,
        operation: &str,
        kind: FindingKind,
    ) -> Result<(), String> {
        check(specs, operation, kind)?;
        let mut kinds = self.kinds.write().unwrap_or_else(|e| e.into_inner());
        kinds.insert(operation.to_owned(), kind);
        self.any.store(true, Ordering::Release);
        Ok(())
    }

    pub(crate) fn clear(&self) {
        let mut kinds = self.kinds.write().unwrap_or_else(|e| e.into_inner());
        kinds.clear();
        self.any.store(false, Ordering::Release);
    }

    /// Every drifting operation and its kind's name.
    pub(crate) fn all(&self) -> BTreeMap<String, String> {
        let kinds = self.kinds.read().unwrap_or_else(|e| e.into_inner());
        kinds
            .iter()
            .map(|(operation, kind)| (operation.clone(), kind.as_str().to_owned()))
            .collect()
    }

    fn kind_of(&self, operation: &str) -> Option<FindingKind> {
        if !self.any.load(Ordering::Acquire) {
            return None;
        }
        let kinds = self.kinds.read().unwrap_or_else(|e| e.into_inner());
        kinds.get(operation).copied()
    }
}

/// The kind of drift named `name`: an error names the kinds the mock makes.
pub(crate) fn kind(name: &str) -> Result<FindingKind, String> {
    name.parse::<FindingKind>()
        .ok()
        .filter(|kind| KINDS.contains(kind))
        .ok_or_else(|| format!("no kind of drift {name:?}; one of {}", names()))
}

fn names() -> String {
    KINDS
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `operation` can answer with drift of `kind`: the one check behind the control
/// endpoint, [`crate::MockServer::drift`] and `--drift`, so none of them accepts a drift that
/// would silently never show.
fn check(specs: &Specs, operation: &str, kind: FindingKind) -> Result<(), String> {
    if !KINDS.contains(&kind) {
        return Err(format!(
            "the mock makes no drift of kind {kind}; it makes {}",
            names()
        ));
    }
    let Some((spec, declared)) = specs
        .iter()
        .find_map(|(_, spec)| Some((&spec.spec, spec.operation(operation)?.operation)))
    else {
        return Err(format!("no spec has an operation {operation}"));
    };
    let answers = json_successes(spec, declared);
    if answers.is_empty() {
        return Err(format!(
            "{operation} declares no JSON success answer to drift"
        ));
    }
    let (possible, lacking) = match kind {
        FindingKind::UndeclaredStatus => (
            undeclared_status(spec, declared).is_some(),
            "it declares every status from 200 to 299 that can carry its body",
        ),
        FindingKind::UndeclaredContentType => (
            answers
                .iter()
                .any(|(status, _)| undeclared_media(spec, declared, *status).is_some()),
            "it declares every media type",
        ),
        _ => (
            answers.iter().any(|(_, media)| {
                media.schema.as_ref().is_some_and(|schema| {
                    Shows {
                        spec,
                        kind,
                        seen: HashSet::new(),
                    }
                    .shows(schema, false)
                })
            }),
            match kind {
                FindingKind::UnknownEnumValue => "no schema of them declares an enum",
                FindingKind::MissingRequired => "no schema of them has a required property",
                FindingKind::UndeclaredProperty => {
                    "every object of them allows additional properties"
                }
                _ => "no schema of them is a string, number, integer or boolean",
            },
        ),
    };
    if possible {
        Ok(())
    } else {
        Err(format!(
            "the success answers of {operation} cannot show {kind}: {lacking}"
        ))
    }
}

/// The JSON success answers `operation` declares: a status that stands for each (`2XX` as
/// 200) and the media type.
fn json_successes<'a>(spec: &'a OpenAPI, operation: &'a Operation) -> Vec<(u16, &'a MediaType)> {
    operation
        .responses
        .responses
        .iter()
        .filter_map(|(status, response)| {
            let status = match status {
                openapiv3::StatusCode::Code(code) if (200..300).contains(code) => *code,
                openapiv3::StatusCode::Range(2) => 200,
                _ => return None,
            };
            Some((status, resolve_response(spec, response)?))
        })
        .flat_map(|(status, response)| {
            response
                .content
                .iter()
                .filter(|(media, _)| is_json(media))
                .map(move |(_, media)| (status, media))
        })
        .collect()
}

/// The first success status that `operation` does not declare and that carries the same body
/// without saying more: 203 (Non-Authoritative Information, the answer as a transforming proxy
/// passes it on), then 206 to 299, then 200 to 202. 204 and 205 carry no body.
fn undeclared_status(spec: &OpenAPI, operation: &Operation) -> Option<StatusCode> {
    std::iter::once(203)
        .chain(206..=299)
        .chain(200..=202)
        .find(|status| declared_response(spec, operation, *status).is_none())
        .and_then(|status| StatusCode::from_u16(status).ok())
}

/// The first of [`UNDECLARED_MEDIA`] that `operation` does not declare for `status`.
fn undeclared_media(spec: &OpenAPI, operation: &Operation, status: u16) -> Option<&'static str> {
    let declared = declared_response(spec, operation, status)?;
    UNDECLARED_MEDIA.iter().copied().find(|media| {
        !declared
            .content
            .keys()
            .any(|declared| media_matches(declared, media))
    })
}

/// Whether a schema, read without a value, has a place that can show a body kind of drift.
struct Shows<'a> {
    spec: &'a OpenAPI,
    kind: FindingKind,
    /// The references followed (as a property's schema or not), so a recursive schema ends.
    seen: HashSet<(String, bool)>,
}

impl Shows<'_> {
    /// `property`: whether the schema is that of an object's property (see `rewrite`).
    fn shows(&mut self, schema: &ReferenceOr<impl AsSchema>, property: bool) -> bool {
        if let ReferenceOr::Reference { reference } = schema
            && !self.seen.insert((reference.clone(), property))
        {
            return false;
        }
        let Some(schema) = resolve_schema(self.spec, schema) else {
            return false;
        };
        let kind = self.kind;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => match kind {
                FindingKind::WrongType => property,
                FindingKind::UnknownEnumValue => {
                    string.enumeration.iter().flatten().next().is_some()
                }
                _ => false,
            },
            SchemaKind::Type(Type::Integer(_) | Type::Number(_) | Type::Boolean(_)) => {
                kind == FindingKind::WrongType && property
            }
            SchemaKind::Type(Type::Array(array)) => array
                .items
                .as_ref()
                .is_some_and(|items| self.shows(items, false)),
            SchemaKind::Type(Type::Object(object)) => {
                let here = match kind {
                    FindingKind::MissingRequired => !object.required.is_empty(),
                    FindingKind::UndeclaredProperty => closed(&object.additional_properties),
                    _ => false,
                };
                here || object.properties.values().any(|p| self.shows(p, true))
                    || matches!(
                        &object.additional_properties,
                        Some(AdditionalProperties::Schema(extra)) if self.shows(extra.as_ref(), true)
                    )
            }
            SchemaKind::AllOf { all_of: parts } => {
                parts.iter().any(|part| self.shows(part, property))
            }
            // Without a required property, a value can fit another alternative (`{}` fits
            // any form whose properties are all optional): no finding, so no drift offered.
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }
                if kind == FindingKind::MissingRequired =>
            {
                false
            }
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
                parts.iter().any(|part| self.shows(part, property))
            }
            _ => false,
        }
    }
}

/// Whether an object's schema refuses properties it does not declare, as the spec crate's
/// checker reads it.
fn closed(additional: &Option<AdditionalProperties>) -> bool {
    matches!(additional, None | Some(AdditionalProperties::Any(false)))
}

/// Middleware: rewrites the success JSON answers of a drifting operation. The body is read
/// only when the kind of drift is in it.
pub(crate) async fn apply(State(app): State<App>, request: Request, next: Next) -> Response {
    let Some(info) = request.extensions().get::<OperationInfo>() else {
        return next.run(request).await;
    };
    let Some(kind) = app.drifts.kind_of(&info.id) else {
        return next.run(request).await;
    };
    let (surface, id) = (info.surface, info.id.clone());
    let mut response = next.run(request).await;
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_json);
    if !response.status().is_success() || !json {
        return response;
    }
    let Some((spec, operation)) = app.specs.operation(surface, &id) else {
        return response;
    };
    let (spec, declared) = (&spec.spec, operation.operation);
    let status = response.status().as_u16();
    tracing::debug!(operation = %id, %kind, "answering with drift");
    match kind {
        FindingKind::UndeclaredStatus => {
            if let Some(undeclared) = undeclared_status(spec, declared) {
                *response.status_mut() = undeclared;
            }
            response
        }
        FindingKind::UndeclaredContentType => {
            if let Some(media) = undeclared_media(spec, declared, status) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
            }
            response
        }
        _ => {
            let schema = declared_response(spec, declared, status).and_then(|answer| {
                answer
                    .content
                    .iter()
                    .find(|(media, _)| is_json(media))
                    .and_then(|(_, media)| media.schema.as_ref())
            });
            match schema {
                Some(schema) => rewrite::body(response, spec, schema, kind).await,
                None => response,
            }
        }
    }
}
