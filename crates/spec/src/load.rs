//! Reading a spec: YAML and OpenAPI structure errors become `file:line:column` errors, and
//! later stages can find where in the file an operation or schema is written.

use openapiv3::OpenAPI;

pub use crate::naming::AsSchema;
use crate::{SpecError, SpecErrors};

/// A parsed spec together with its text, so errors can point into the file.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// `specs/<name>.yaml`, as errors print it.
    pub file: String,
    /// The YAML as written.
    pub text: String,
    /// The parsed document.
    pub spec: OpenAPI,
}

impl LoadedSpec {
    /// Parses YAML text into an OpenAPI document; syntax and structure errors carry the line
    /// and column that serde reports.
    pub fn parse(file: impl Into<String>, text: &str) -> Result<Self, SpecErrors> {
        let file = file.into();
        let spec: OpenAPI = serde_norway::from_str(text).map_err(|e| {
            let message = strip_location_suffix(&e.to_string());
            SpecErrors::single(match e.location() {
                Some(l) => SpecError::at(file.clone(), (l.line(), l.column()), message),
                None => SpecError::without_location(file.clone(), message),
            })
        })?;
        Ok(Self {
            file,
            text: text.to_owned(),
            spec,
        })
    }

    /// An error at the place `keys` leads to (`["paths", "/x", "get"]`), or at the deepest
    /// key found on the way.
    pub fn error_at(&self, keys: &[&str], message: impl Into<String>) -> SpecError {
        match self.locate(keys) {
            Some(location) => SpecError::at(self.file.clone(), location, message),
            None => SpecError::without_location(self.file.clone(), message),
        }
    }

    /// Finds the one-based line and column of a nested mapping key, following block-style
    /// YAML indentation, which is how every spec here is written. A key counts only at its
    /// parent's child indentation (the top level for the first), so a property of the same
    /// name deeper inside (`components:` in an example) is not taken for it.
    pub fn locate(&self, keys: &[&str]) -> Option<(usize, usize)> {
        let lines: Vec<&str> = self.text.lines().collect();
        let mut found: Option<(usize, usize)> = None;
        let mut start = 0;
        let mut parent_indent: Option<usize> = None;
        for key in keys {
            let mut hit = None;
            let mut child_indent = parent_indent.is_none().then_some(0);
            for (index, line) in lines.iter().enumerate().skip(start) {
                let trimmed = line.trim_start();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                let indent = line.len() - trimmed.len();
                if parent_indent.is_some_and(|p| indent <= p) {
                    break;
                }
                if *child_indent.get_or_insert(indent) != indent {
                    continue;
                }
                if is_key(trimmed, key) {
                    hit = Some((index, indent));
                    break;
                }
            }
            let (index, indent) = hit?;
            found = Some((index + 1, indent + 1));
            start = index + 1;
            parent_indent = Some(indent);
        }
        found
    }
}

fn is_key(trimmed: &str, key: &str) -> bool {
    [
        format!("{key}:"),
        format!("\"{key}\":"),
        format!("'{key}':"),
        format!("- {key}:"),
    ]
    .iter()
    .any(|k| trimmed == k || trimmed.starts_with(&format!("{k} ")))
}

/// serde_norway writes " at line L column C" into its messages; the location is printed in
/// front instead.
fn strip_location_suffix(message: &str) -> String {
    let Some(start) = message.find(" at line ") else {
        return message.to_owned();
    };
    let rest = &message[start + " at line ".len()..];
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let Some(rest) = rest.strip_prefix(" column ") else {
        return message.to_owned();
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    format!("{}{rest}", &message[..start])
}

/// One operation of a spec with the path and method it is served at.
pub struct OperationRef<'a> {
    /// The path template.
    pub path: &'a str,
    /// The method, lower case as the spec writes it.
    pub method: &'a str,
    /// The operation.
    pub operation: &'a openapiv3::Operation,
    /// Parameters declared on the path item, shared by its operations.
    pub path_parameters: &'a [openapiv3::ReferenceOr<openapiv3::Parameter>],
}

impl<'a> OperationRef<'a> {
    /// The operationId, or a placeholder when it is missing (validation reports that).
    pub fn id(&self) -> &str {
        self.operation
            .operation_id
            .as_deref()
            .unwrap_or("<no operationId>")
    }

    /// Path-item parameters, then the operation's own.
    pub fn parameters(
        &self,
    ) -> impl Iterator<Item = &openapiv3::ReferenceOr<openapiv3::Parameter>> {
        self.path_parameters
            .iter()
            .chain(&self.operation.parameters)
    }

    /// The security schemes the operation's requirement names (its own `security`, else the
    /// spec's), each with its declaration when the spec has one. Empty for `security: []`.
    pub fn security_schemes(
        &self,
        spec: &'a OpenAPI,
    ) -> Vec<(&'a str, Option<&'a openapiv3::SecurityScheme>)> {
        let declared = spec.components.as_ref().map(|c| &c.security_schemes);
        self.operation
            .security
            .as_ref()
            .or(spec.security.as_ref())
            .into_iter()
            .flatten()
            .flat_map(|requirement| requirement.keys())
            .map(|name| {
                let scheme = declared
                    .and_then(|schemes| schemes.get(name))
                    .and_then(|scheme| scheme.as_item());
                (name.as_str(), scheme)
            })
            .collect()
    }

    /// Whether the operation asks for the provider's token: any scheme but HTTP Basic (the
    /// VCPP token exchange's client credentials). An empty requirement (`security: []`, the CSP
    /// token exchange) asks for none.
    pub fn takes_token(&self, spec: &'a OpenAPI) -> bool {
        self.security_schemes(spec).iter().any(|(_, scheme)| {
            !matches!(scheme, Some(openapiv3::SecurityScheme::HTTP { scheme, .. }) if scheme.eq_ignore_ascii_case("basic"))
        })
    }

    /// The `x-sources` strings: where each fact of the operation comes from.
    pub fn sources(&self) -> Vec<&'a str> {
        self.operation
            .extensions
            .get("x-sources")
            .and_then(|value| value.as_array())
            .into_iter()
            .flatten()
            .filter_map(|source| source.as_str())
            .collect()
    }

    /// The servers the operation names for itself: its own `servers`, else its path item's;
    /// empty when it is served from the spec's.
    pub fn own_servers(&self, spec: &'a OpenAPI) -> &'a [openapiv3::Server] {
        if !self.operation.servers.is_empty() {
            return &self.operation.servers;
        }
        spec.paths
            .paths
            .get(self.path)
            .and_then(|item| item.as_item())
            .map(|item| item.servers.as_slice())
            .unwrap_or_default()
    }

    /// The URL of the server the operation is served from: the first of its own servers
    /// ([`own_servers`](Self::own_servers)), else of the spec's.
    pub fn server_url(&self, spec: &'a OpenAPI) -> Option<&'a str> {
        [self.own_servers(spec), spec.servers.as_slice()]
            .into_iter()
            .find_map(|servers| servers.first())
            .map(|server| server.url.as_str())
    }

    /// `GET /path (operation_id)`, the way every message names an operation.
    pub fn label(&self) -> String {
        format!(
            "{} {} ({})",
            self.method.to_uppercase(),
            self.path,
            self.id()
        )
    }
}

/// Every operation in document order; `$ref`'d path items are skipped (validation rejects them).
pub fn operations(spec: &OpenAPI) -> Vec<OperationRef<'_>> {
    spec.paths
        .paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| {
            item.iter().map(move |(method, operation)| OperationRef {
                path,
                method,
                operation,
                path_parameters: &item.parameters,
            })
        })
        .collect()
}

/// Removes every operation for which `keep(path, method, operation)` is false, then every
/// path left empty. Components stay whole.
pub fn retain_operations(
    spec: &mut OpenAPI,
    keep: impl Fn(&str, &str, &openapiv3::Operation) -> bool,
) {
    for (path, item) in spec.paths.paths.iter_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, slot) in [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ] {
            if slot.as_ref().is_some_and(|op| !keep(path, method, op)) {
                *slot = None;
            }
        }
    }
    spec.paths.paths.retain(|_, item| {
        item.as_item()
            .is_none_or(|item| item.iter().next().is_some())
    });
}

/// Resolves a response, following a `#/components/responses/…` reference.
pub fn resolve_response<'a>(
    spec: &'a OpenAPI,
    response: &'a openapiv3::ReferenceOr<openapiv3::Response>,
) -> Option<&'a openapiv3::Response> {
    match response {
        openapiv3::ReferenceOr::Item(r) => Some(r),
        openapiv3::ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/")?;
            spec.components.as_ref()?.responses.get(name)?.as_item()
        }
    }
}

/// Resolves a request body, following a `#/components/requestBodies/…` reference.
pub fn resolve_body<'a>(
    spec: &'a OpenAPI,
    body: &'a openapiv3::ReferenceOr<openapiv3::RequestBody>,
) -> Option<&'a openapiv3::RequestBody> {
    match body {
        openapiv3::ReferenceOr::Item(b) => Some(b),
        openapiv3::ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/requestBodies/")?;
            spec.components
                .as_ref()?
                .request_bodies
                .get(name)?
                .as_item()
        }
    }
}

/// Resolves a parameter, following a `#/components/parameters/…` reference.
pub fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    parameter: &'a openapiv3::ReferenceOr<openapiv3::Parameter>,
) -> Option<&'a openapiv3::Parameter> {
    match parameter {
        openapiv3::ReferenceOr::Item(p) => Some(p),
        openapiv3::ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            spec.components.as_ref()?.parameters.get(name)?.as_item()
        }
    }
}

/// Whether a status code or range is a success, as progenitor sorts them.
pub fn is_success(status: &openapiv3::StatusCode) -> bool {
    match status {
        openapiv3::StatusCode::Code(code) => (200..300).contains(code) || *code == 101,
        openapiv3::StatusCode::Range(range) => *range == 2,
    }
}

/// Resolves a schema, following a `#/components/schemas/…` reference; takes the
/// `ReferenceOr<Box<Schema>>` of properties and items too.
pub fn resolve_schema<'a>(
    spec: &'a OpenAPI,
    schema: &'a openapiv3::ReferenceOr<impl AsSchema>,
) -> Option<&'a openapiv3::Schema> {
    match schema {
        openapiv3::ReferenceOr::Item(schema) => Some(schema.as_schema()),
        openapiv3::ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            spec.components.as_ref()?.schemas.get(name)?.as_item()
        }
    }
}

/// Which body of an operation an example is read from.
#[derive(Debug, Clone, Copy)]
pub enum BodyOf<'a> {
    /// The request body in this media type.
    Request {
        /// For example `application/json`.
        media_type: &'a str,
    },
    /// The answer with this status (as the spec writes it: `"200"`) in this media type.
    Response {
        /// For example `"200"`.
        status: &'a str,
        /// For example `application/json`.
        media_type: &'a str,
    },
}

impl LoadedSpec {
    /// The operation with this `operationId`.
    pub fn operation(&self, operation_id: &str) -> Option<OperationRef<'_>> {
        operations(&self.spec)
            .into_iter()
            .find(|op| op.operation.operation_id.as_deref() == Some(operation_id))
    }

    /// The media type `body` of `operation_id` names, with its schema and examples.
    pub fn media(&self, operation_id: &str, body: BodyOf<'_>) -> Option<&openapiv3::MediaType> {
        let operation = self.operation(operation_id)?.operation;
        match body {
            BodyOf::Request { media_type } => {
                resolve_body(&self.spec, operation.request_body.as_ref()?)?
                    .content
                    .get(media_type)
            }
            BodyOf::Response { status, media_type } => operation
                .responses
                .responses
                .iter()
                .find(|(code, _)| code.to_string() == status)
                .and_then(|(_, response)| resolve_response(&self.spec, response))?
                .content
                .get(media_type),
        }
    }

    /// The example of `body`: its `example`, else the first of its named `examples` in file
    /// order, which stands for all of them.
    pub fn example(&self, operation_id: &str, body: BodyOf<'_>) -> Option<serde_json::Value> {
        let media = self.media(operation_id, body)?;
        media.example.clone().or_else(|| {
            let first = media.examples.values().next()?;
            self.resolve_example(first)
        })
    }

    /// The named example `name` of `body`.
    pub fn named_example(
        &self,
        operation_id: &str,
        body: BodyOf<'_>,
        name: &str,
    ) -> Option<serde_json::Value> {
        let example = self.media(operation_id, body)?.examples.get(name)?;
        self.resolve_example(example)
    }

    fn resolve_example(
        &self,
        example: &openapiv3::ReferenceOr<openapiv3::Example>,
    ) -> Option<serde_json::Value> {
        match example {
            openapiv3::ReferenceOr::Item(example) => example.value.clone(),
            openapiv3::ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/examples/")?;
                let components = self.spec.components.as_ref()?;
                components.examples.get(name)?.as_item()?.value.clone()
            }
        }
    }
}
