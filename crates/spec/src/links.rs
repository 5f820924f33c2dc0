//! The specs' OpenAPI `links`: where an id in one operation's answer leads (the first tenant of
//! a list to the operations that take a tenant's id). `cpn conformance` follows them; the lint
//! holds each to an operation of the spec and to that operation's parameters.
//!
//! Of the runtime expressions OpenAPI allows, the two the specs need are read:
//! `$response.body#/json/pointer` and `$request.path.name`. Any other is a lint error, never
//! a link silently not followed.

use openapiv3::{LinkOperation, OpenAPI, ReferenceOr};
use serde_json::Value;

use crate::load::{OperationRef, operations, resolve_parameter};
use crate::{LoadedSpec, SpecError};

/// One link of an answer, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link<'a> {
    /// The link's name, as the spec keys it.
    pub name: &'a str,
    /// The `operationId` it leads to.
    pub operation_id: &'a str,
    /// Each parameter of that operation the link fills, with where its value comes from.
    pub parameters: Vec<(&'a str, Source<'a>)>,
}

/// Where a link parameter's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// `$response.body#<pointer>`: a place in the answer's JSON body.
    ResponseBody(&'a str),
    /// `$request.path.<name>`: a path parameter of the request that got the answer.
    RequestPath(&'a str),
}

impl Source<'_> {
    /// The value, as text (a number as its digits), from an answer's body and the request's
    /// path parameters; `None` when the place is absent or not a string or number.
    pub fn value(
        &self,
        body: &Value,
        request_path: &dyn Fn(&str) -> Option<String>,
    ) -> Option<String> {
        match self {
            Source::ResponseBody(pointer) => match body.pointer(pointer)? {
                Value::String(text) if !text.is_empty() => Some(text.clone()),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            },
            Source::RequestPath(name) => request_path(name),
        }
    }
}

/// The links of the answer `status` (`"200"`) of `operation`; an unreadable one is left out
/// here and is the lint's to report.
pub fn links<'a>(spec: &'a OpenAPI, operation: &OperationRef<'a>, status: u16) -> Vec<Link<'a>> {
    let Some(response) = crate::answer_check::declared_response(spec, operation.operation, status)
    else {
        return Vec::new();
    };
    response
        .links
        .iter()
        .filter_map(|(name, link)| read(name, link).ok())
        .collect()
}

fn read<'a>(name: &'a str, link: &'a ReferenceOr<openapiv3::Link>) -> Result<Link<'a>, String> {
    let ReferenceOr::Item(link) = link else {
        return Err("a link by `$ref` is not read here; write it in place".into());
    };
    let LinkOperation::OperationId(operation_id) = &link.operation else {
        return Err("a link names its operation by `operationId`, not `operationRef`".into());
    };
    let parameters = link
        .parameters
        .iter()
        .map(|(parameter, expression)| {
            let name = parameter
                .strip_prefix("path.")
                .or_else(|| parameter.strip_prefix("query."))
                .unwrap_or(parameter);
            let source = expression.as_str().and_then(source).ok_or_else(|| {
                format!(
                    "parameter `{parameter}`: {expression} is not `$response.body#/pointer` \
                         nor `$request.path.name`"
                )
            })?;
            Ok((name, source))
        })
        .collect::<Result<_, String>>()?;
    Ok(Link {
        name,
        operation_id,
        parameters,
    })
}

fn source(expression: &str) -> Option<Source<'_>> {
    if let Some(pointer) = expression.strip_prefix("$response.body#") {
        return (pointer.is_empty() || pointer.starts_with('/'))
            .then_some(Source::ResponseBody(pointer));
    }
    let name = expression.strip_prefix("$request.path.")?;
    (!name.is_empty()).then_some(Source::RequestPath(name))
}

/// Every problem with the spec's links, in document order: an expression not read here, an
/// operation the spec lacks, a parameter that operation does not take, a `$request.path`
/// parameter the linking operation does not have.
pub fn problems(loaded: &LoadedSpec) -> Vec<SpecError> {
    let spec = &loaded.spec;
    let mut found = Vec::new();
    for op in operations(spec) {
        for (status, response) in &op.operation.responses.responses {
            let Some(response) = crate::load::resolve_response(spec, response) else {
                continue;
            };
            let status = status.to_string();
            for (name, link) in &response.links {
                let keys = [
                    "paths",
                    op.path,
                    op.method,
                    "responses",
                    &status,
                    "links",
                    name,
                ];
                let at = |message: String| {
                    loaded.error_at(&keys, format!("{}: link `{name}`: {message}", op.label()))
                };
                match read(name, link) {
                    Err(message) => found.push(at(message)),
                    Ok(link) => found.extend(link_problems(spec, &op, &link).into_iter().map(at)),
                }
            }
        }
    }
    found
}

fn link_problems(spec: &OpenAPI, from: &OperationRef<'_>, link: &Link<'_>) -> Vec<String> {
    let Some(target) = operations(spec)
        .into_iter()
        .find(|op| op.id() == link.operation_id)
    else {
        return vec![format!("no operation `{}` in this spec", link.operation_id)];
    };
    let mut problems = Vec::new();
    for (name, source) in &link.parameters {
        if parameter_names(spec, &target).all(|n| n != *name) {
            problems.push(format!(
                "`{}` takes no parameter `{name}`",
                link.operation_id
            ));
        }
        if let Source::RequestPath(path_name) = source
            && !from.path.contains(&format!("{{{path_name}}}"))
        {
            problems.push(format!(
                "`$request.path.{path_name}`: the path has no such parameter"
            ));
        }
    }
    problems
}

fn parameter_names<'a>(
    spec: &'a OpenAPI,
    op: &'a OperationRef<'a>,
) -> impl Iterator<Item = &'a str> {
    op.parameters()
        .filter_map(|p| resolve_parameter(spec, p))
        .map(|p| p.parameter_data_ref().name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_read_and_values_follow() {
        let body = serde_json::json!({"results": [{"id": "s-1", "n": 7}]});
        let path = |name: &str| (name == "orgId").then(|| "o-1".to_owned());
        let value = |e: &str| source(e).and_then(|s| s.value(&body, &path));
        assert_eq!(
            value("$response.body#/results/0/id").as_deref(),
            Some("s-1")
        );
        assert_eq!(value("$response.body#/results/0/n").as_deref(), Some("7"));
        assert_eq!(value("$response.body#/results/1/id"), None);
        assert_eq!(value("$request.path.orgId").as_deref(), Some("o-1"));
        assert_eq!(source("$response.header.X"), None);
        assert_eq!(source("$response.body#results"), None);
    }
}
