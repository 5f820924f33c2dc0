//! Checks a whole answer (status, media type, headers and body) against its operation's spec:
//! what `cpn conformance` holds the live service to, and what a client checks its answers
//! against when drift is traced. Findings hold shapes, never values (see [`Finding`]).

use openapiv3::{OpenAPI, Operation, ReferenceOr, Response, StatusCode};
use serde_json::Value;

use crate::load::resolve_response;
use crate::schema_check::{Finding, FindingKind, findings};

/// An answer as received.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The names of the headers it carries (any case).
    pub header_names: &'a [&'a str],
    /// The body.
    pub body: &'a [u8],
}

/// Every way `answer` departs from what `operation` declares for it.
pub fn answer_findings(spec: &OpenAPI, operation: &Operation, answer: &Answer<'_>) -> Vec<Finding> {
    let Some(response) = declared_response(spec, operation, answer.status) else {
        return vec![Finding::of_answer(
            FindingKind::UndeclaredStatus,
            declared_statuses(operation),
            answer.status.to_string(),
        )];
    };
    let mut found = Vec::new();
    for (name, header) in &response.headers {
        let required = match header {
            ReferenceOr::Item(header) => header.required,
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/headers/")
                .and_then(|name| spec.components.as_ref()?.headers.get(name))
                .and_then(|header| header.as_item())
                .is_some_and(|header| header.required),
        };
        let present = answer
            .header_names
            .iter()
            .any(|seen| seen.eq_ignore_ascii_case(name));
        if required && !present {
            found.push(Finding::of_answer(
                FindingKind::MissingHeader,
                name.clone(),
                "absent".into(),
            ));
        }
    }
    if response.content.is_empty() {
        if !answer.body.is_empty() {
            found.push(Finding::of_answer(
                FindingKind::UndeclaredContentType,
                "no body".into(),
                media_seen(answer.content_type),
            ));
        }
        return found;
    }
    if answer.body.is_empty() && answer.content_type.is_none() {
        // No body at all: nothing to hold to a media type.
        return found;
    }
    let seen = essence(answer.content_type.unwrap_or_default());
    let Some(media) = response
        .content
        .iter()
        .find(|(declared, _)| media_matches(declared, &seen))
        .map(|(_, media)| media)
    else {
        let declared: Vec<&str> = response.content.keys().map(String::as_str).collect();
        found.push(Finding::of_answer(
            FindingKind::UndeclaredContentType,
            declared.join(", "),
            media_seen(answer.content_type),
        ));
        return found;
    };
    if !is_json(&seen) {
        return found;
    }
    let value: Value = match serde_json::from_slice(answer.body) {
        Ok(value) => value,
        Err(_) => {
            found.push(Finding::of_answer(
                FindingKind::NotJson,
                "a JSON body".into(),
                "a body that does not parse as JSON".into(),
            ));
            return found;
        }
    };
    if let Some(schema) = &media.schema {
        found.extend(findings(spec, schema, &value));
    }
    found
}

/// The response `operation` declares for `status`: the status itself, its range (`2XX`), or
/// `default`.
pub fn declared_response<'a>(
    spec: &'a OpenAPI,
    operation: &'a Operation,
    status: u16,
) -> Option<&'a Response> {
    let responses = &operation.responses;
    let exact = responses.responses.get(&StatusCode::Code(status));
    let range = || responses.responses.get(&StatusCode::Range(status / 100));
    let response = exact.or_else(range).or(responses.default.as_ref())?;
    resolve_response(spec, response)
}

fn declared_statuses(operation: &Operation) -> String {
    let mut statuses: Vec<String> = operation
        .responses
        .responses
        .keys()
        .map(ToString::to_string)
        .collect();
    if operation.responses.default.is_some() {
        statuses.push("default".into());
    }
    statuses.join(", ")
}

/// A media type without its parameters, lower case: `application/json; charset=utf-8` →
/// `application/json`.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn media_seen(content_type: Option<&str>) -> String {
    match content_type {
        Some(media) => essence(media),
        None => "no Content-Type".into(),
    }
}

/// Whether the declared media type (`text/*` and `*/*` included) takes `seen`, parameters
/// (`; charset=…`) aside.
pub fn media_matches(declared: &str, seen: &str) -> bool {
    let declared = essence(declared);
    let seen = essence(seen);
    match declared.split_once('/') {
        Some(("*", "*")) => true,
        Some((kind, "*")) => seen.split_once('/').is_some_and(|(k, _)| k == kind),
        _ => declared == seen,
    }
}

/// Whether a media type is JSON: `application/json` or a `+json` type.
pub fn is_json(media: &str) -> bool {
    let media = essence(media);
    media == "application/json" || media.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get:
      operationId: list_things
      responses:
        "200":
          description: ok
          headers:
            X-Total: {required: true, schema: {type: integer}}
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Thing"}
        "204": {description: none}
        "4XX":
          description: error
          content:
            application/json:
              schema: {type: object, properties: {message: {type: string}}}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
        state: {type: string, enum: [ON, OFF]}
        tags: {type: object, additionalProperties: {type: integer}}
"##;

    fn check(status: u16, media: Option<&str>, headers: &[&str], body: &str) -> Vec<Finding> {
        let spec: OpenAPI = serde_norway::from_str(SPEC).unwrap();
        let operation = crate::load::operations(&spec)[0].operation.clone();
        answer_findings(
            &spec,
            &operation,
            &Answer {
                status,
                content_type: media,
                header_names: headers,
                body: body.as_bytes(),
            },
        )
    }

    fn kinds(found: &[Finding]) -> Vec<(String, FindingKind)> {
        found.iter().map(|f| (f.path.clone(), f.kind)).collect()
    }

    #[test]
    fn a_clean_answer_has_no_findings() {
        let body = r#"[{"id": "secret-id-1", "state": "ON", "tags": {"tenant-77": 3}}]"#;
        let found = check(
            200,
            Some("application/json; charset=utf-8"),
            &["x-total"],
            body,
        );
        assert!(found.is_empty(), "{found:?}");
        assert!(check(204, None, &[], "").is_empty());
        assert!(check(404, Some("application/json"), &[], r#"{"message": "no"}"#).is_empty());
    }

    #[test]
    fn each_kind_is_found_at_its_path_with_no_value() {
        let body =
            r#"[{"id": 7, "state": "DIMMED", "color": "crimson", "tags": {"tenant-77": "x"}}, {}]"#;
        let mut found = check(200, Some("application/json"), &[], body);
        found.sort_by(|a, b| (&a.path, a.kind).cmp(&(&b.path, b.kind)));
        assert_eq!(
            kinds(&found),
            vec![
                (String::new(), FindingKind::MissingHeader),
                ("/*".into(), FindingKind::MissingRequired),
                ("/*/color".into(), FindingKind::UndeclaredProperty),
                ("/*/id".into(), FindingKind::WrongType),
                ("/*/state".into(), FindingKind::UnknownEnumValue),
                ("/*/tags/*".into(), FindingKind::WrongType),
            ]
        );
        let report = format!("{found:?}");
        for value in ["crimson", "tenant-77", "\"x\""] {
            assert!(!report.contains(value), "{value} in {report}");
        }
        // An enum value is a fact about the shape, shown; the id's type, not the id.
        assert_eq!(found[4].seen, "\"DIMMED\"");
        assert_eq!(
            (found[3].expected.as_str(), found[3].seen.as_str()),
            ("a string", "an integer")
        );
    }

    #[test]
    fn status_media_type_and_json_are_checked() {
        assert_eq!(
            kinds(&check(201, Some("application/json"), &[], "{}")),
            vec![(String::new(), FindingKind::UndeclaredStatus)]
        );
        let found = check(200, Some("text/html"), &["x-total"], "<p>");
        assert_eq!(found[0].kind, FindingKind::UndeclaredContentType);
        assert_eq!(
            (found[0].expected.as_str(), found[0].seen.as_str()),
            ("application/json", "text/html")
        );
        assert_eq!(
            kinds(&check(200, Some("application/json"), &["x-total"], "{oops")),
            vec![(String::new(), FindingKind::NotJson)]
        );
        assert_eq!(
            kinds(&check(204, Some("text/plain"), &[], "body")),
            vec![(String::new(), FindingKind::UndeclaredContentType)]
        );
    }

    #[test]
    fn a_string_that_is_not_an_enum_word_is_not_shown() {
        let body = r#"[{"id": "a", "state": "my password is hunter2!"}]"#;
        let found = check(200, Some("application/json"), &["x-total"], body);
        assert_eq!(found[0].seen, "a string of 23 characters");
    }
}
