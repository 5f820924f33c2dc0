//! The servers of a spec under the constant names the spec gives them (`x-name`), so that a
//! URL lives only in its spec: codegen emits them in each client's `servers` module and the
//! runtime's build script emits its presets from them.
//!
//! A document-level server names a base URL. A server an operation or its path item names for
//! itself (VCPP's token exchange, under its own root) names that operation's URL: the server
//! and the operation's path.

use std::collections::BTreeMap;

use crate::load::operations;
use crate::{LoadedSpec, SpecError, SpecErrors};

/// One server and the constant it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedServer {
    /// The `x-name`, a SCREAMING_SNAKE_CASE constant name unique within the spec.
    pub name: String,
    /// The base URL; for an operation's own server, the operation's URL.
    pub url: String,
    /// The server's `description`.
    pub description: Option<String>,
    /// The operation whose own server it is.
    pub operation_id: Option<String>,
}

impl NamedServer {
    /// One line of documentation for its constant: `Production: the URL of `get_token`.`
    pub fn doc(&self) -> String {
        let what = self.description.as_deref().unwrap_or("A server");
        match &self.operation_id {
            Some(id) => format!("{what}: the URL of `{id}`."),
            None => format!("{what}: a base URL."),
        }
    }
}

/// Every server of the spec, the document's first, then the operations' own in path order.
/// A server without a valid `x-name`, or a name used twice, is an error at its place.
pub fn named_servers(loaded: &LoadedSpec) -> Result<Vec<NamedServer>, SpecErrors> {
    let spec = &loaded.spec;
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut first_place: BTreeMap<String, String> = BTreeMap::new();
    let mut take = |server: &openapiv3::Server,
                    keys: &[&str],
                    operation: Option<(&str, &str)>,
                    errors: &mut Vec<SpecError>| {
        let place = match operation {
            Some((id, _)) => format!("the servers of `{id}`"),
            None => "the document's servers".to_owned(),
        };
        let name = match server.extensions.get("x-name").and_then(|v| v.as_str()) {
            Some(name) if is_constant_name(name) => name.to_owned(),
            Some(name) => {
                errors.push(loaded.error_at(
                    keys,
                    format!(
                        "server {}: `x-name: {name}` is not a SCREAMING_SNAKE_CASE constant name",
                        server.url
                    ),
                ));
                return;
            }
            None => {
                errors.push(loaded.error_at(
                    keys,
                    format!(
                        "server {} in {place} has no `x-name`, the constant the SDK names it by",
                        server.url
                    ),
                ));
                return;
            }
        };
        if let Some(first) = first_place.insert(name.clone(), place.clone()) {
            errors.push(loaded.error_at(
                keys,
                format!("`x-name: {name}` is used twice: in {first} and in {place}"),
            ));
            return;
        }
        let url = match operation {
            Some((_, path)) => format!("{}{path}", server.url.trim_end_matches('/')),
            None => server.url.clone(),
        };
        found.push(NamedServer {
            name,
            url,
            description: server.description.clone(),
            operation_id: operation.map(|(id, _)| id.to_owned()),
        });
    };
    for server in &spec.servers {
        take(server, &["servers"], None, &mut errors);
    }
    for op in operations(spec) {
        for server in op.own_servers(spec) {
            take(
                server,
                &["paths", op.path, "servers"],
                Some((op.id(), op.path)),
                &mut errors,
            );
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(SpecErrors(errors))
    }
}

fn is_constant_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> LoadedSpec {
        LoadedSpec::parse("specs/test.yaml", text).expect("the test spec parses")
    }

    const SPEC: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
servers:
  - url: https://api.example.test/v1
    description: Production
    x-name: PRODUCTION
paths:
  /token:
    servers:
      - url: https://auth.example.test/root/
        x-name: PRODUCTION_TOKEN
    post:
      operationId: get_token
      responses: {'200': {description: ok}}
";

    #[test]
    fn document_servers_are_base_urls_and_operation_servers_are_operation_urls() {
        let servers = named_servers(&load(SPEC)).expect("valid names");
        let found: Vec<(&str, &str, Option<&str>)> = servers
            .iter()
            .map(|s| (s.name.as_str(), s.url.as_str(), s.operation_id.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("PRODUCTION", "https://api.example.test/v1", None),
                (
                    "PRODUCTION_TOKEN",
                    "https://auth.example.test/root/token",
                    Some("get_token")
                ),
            ]
        );
        assert_eq!(servers[0].doc(), "Production: a base URL.");
        assert_eq!(servers[1].doc(), "A server: the URL of `get_token`.");
    }

    #[test]
    fn a_missing_bad_or_repeated_name_is_an_error_at_its_place() {
        let text = SPEC
            .replace("    x-name: PRODUCTION\n", "")
            .replace("x-name: PRODUCTION_TOKEN", "x-name: token");
        let errors = named_servers(&load(&text))
            .expect_err("no name, bad name")
            .to_string();
        assert!(errors.contains("specs/test.yaml:3:"), "{errors}");
        assert!(errors.contains("has no `x-name`"), "{errors}");
        assert!(errors.contains("`x-name: token` is not"), "{errors}");
        let twice = SPEC.replace("PRODUCTION_TOKEN", "PRODUCTION");
        let errors = named_servers(&load(&twice))
            .expect_err("a name twice")
            .to_string();
        assert!(errors.contains("used twice"), "{errors}");
    }
}
