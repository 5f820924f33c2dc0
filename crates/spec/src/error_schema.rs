//! One error body for every Navigator API: the CSP gateway answers for all of them, so each
//! Navigator spec declares the same `ErrorResponse` schema, and every client crate decodes
//! the same bodies into its `types::ErrorResponse`.
//!
//! A rule across specs, so not part of [`crate::lint::lint`] (which reads one spec at a time):
//! `cargo xtask lint` and `check` run it beside that. The VCPP gateway has its own error
//! shape, so `specs/vcpp.yaml` is not compared.

use std::path::Path;

use serde_json::Value;

use crate::lint::Finding;
use crate::{LoadedSpec, SpecError, SpecErrors};

/// The rule's name, as findings print it.
pub const RULE: &str = "error-schema-shared";

/// What the rule asks, worded like the entries of [`crate::lint::RULES`].
pub const RULE_DOC: &str =
    "every Navigator spec declares the same `ErrorResponse` schema as specs/cphub-core.yaml";

/// The Navigator specs, the reference first: the others are compared with it.
pub const NAVIGATOR_SPECS: [&str; 5] = [
    "cphub-core",
    "cphub-auth",
    "cphub-billing",
    "cphub-support",
    "navigator-msp",
];

/// Where the schema is declared in each spec.
const KEYS: [&str; 3] = ["components", "schemas", "ErrorResponse"];

/// How many differing places one finding names before it stops.
const MAX_NAMED: usize = 6;

/// The spec's `components/schemas/ErrorResponse` as JSON (a `$ref` stays a `$ref`), or
/// `None` when it declares none.
pub fn error_schema(loaded: &LoadedSpec) -> Option<Value> {
    let schema = loaded
        .spec
        .components
        .as_ref()?
        .schemas
        .get("ErrorResponse")?;
    serde_json::to_value(schema).ok()
}

/// Every spec of `specs` whose `ErrorResponse` differs from the first one's (the reference),
/// at the line of its `ErrorResponse`, naming the places that differ; a spec that declares no
/// `ErrorResponse` is a finding too (the reference included).
pub fn lint(specs: &[LoadedSpec]) -> Vec<Finding> {
    let Some((reference, others)) = specs.split_first() else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let Some(wanted) = error_schema(reference) else {
        findings.push(finding(reference, missing(reference)));
        return findings;
    };
    for spec in others {
        let message = match error_schema(spec) {
            None => missing(spec),
            Some(got) if got == wanted => continue,
            Some(got) => {
                let mut places = Vec::new();
                differences(&wanted, &got, String::new(), &mut places);
                let named = places.len().min(MAX_NAMED);
                let more = match places.len() - named {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                };
                format!(
                    "ErrorResponse differs from the one in {} (at {}{more}); every Navigator \
                     spec declares the same error body",
                    reference.file,
                    places[..named].join(", ")
                )
            }
        };
        findings.push(finding(spec, message));
    }
    findings
}

/// Loads the Navigator specs under `root` ([`NAVIGATOR_SPECS`]) and runs [`lint`] on them;
/// a spec that does not load is an error instead.
pub fn lint_in(root: &Path) -> Result<Vec<Finding>, SpecErrors> {
    let mut specs = Vec::new();
    let mut errors = Vec::new();
    for name in NAVIGATOR_SPECS {
        match crate::load_in(root, name) {
            Ok(spec) => specs.push(spec),
            Err(e) => errors.extend(e.0),
        }
    }
    if errors.is_empty() {
        Ok(lint(&specs))
    } else {
        Err(SpecErrors(errors))
    }
}

fn missing(spec: &LoadedSpec) -> String {
    format!(
        "{} declares no components/schemas/ErrorResponse; every Navigator spec declares the \
         same error body",
        spec.file
    )
}

/// A finding at the spec's `ErrorResponse`, or at the nearest enclosing key there is.
fn finding(spec: &LoadedSpec, message: String) -> Finding {
    let error = match (1..=KEYS.len()).rev().find_map(|n| spec.locate(&KEYS[..n])) {
        Some(location) => SpecError::at(spec.file.clone(), location, message),
        None => SpecError::without_location(spec.file.clone(), message),
    };
    Finding { rule: RULE, error }
}

/// The JSON pointers (below the schema) where `got` departs from `wanted`: objects key by
/// key, anything else whole.
fn differences(wanted: &Value, got: &Value, pointer: String, places: &mut Vec<String>) {
    match (wanted, got) {
        (Value::Object(wanted), Value::Object(got)) => {
            for key in wanted
                .keys()
                .chain(got.keys().filter(|k| !wanted.contains_key(*k)))
            {
                let place = format!("{pointer}/{key}");
                match (wanted.get(key), got.get(key)) {
                    (Some(w), Some(g)) => differences(w, g, place, places),
                    (Some(_), None) => places.push(format!("{place} (missing here)")),
                    (None, _) => places.push(format!("{place} (only here)")),
                }
            }
        }
        _ if wanted == got => {}
        _ => places.push(if pointer.is_empty() {
            "/".to_owned()
        } else {
            pointer
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "openapi: 3.0.3
info:
  title: t
  version: '1'
paths: {}
components:
  schemas:
    Other:
      type: string
    ErrorResponse:
      type: object
      description: The error body.
      properties:
        message:
          type: string
        moduleCode:
          oneOf:
            - type: integer
              format: int32
            - type: string
";

    /// The same spec with an example holding a `components:` property before the document's
    /// own `components:`, as navigator-msp.yaml has.
    fn with_nested_components(text: &str) -> String {
        text.replace(
            "paths: {}\n",
            "paths:\n  /x:\n    get:\n      responses:\n        \"200\":\n          description: ok\n          \
             content:\n            application/json:\n              example:\n                \
             components:\n                  - schemas: 1\n",
        )
    }

    fn spec(file: &str, text: &str) -> LoadedSpec {
        LoadedSpec::parse(file, text).unwrap()
    }

    #[test]
    fn specs_that_agree_have_no_finding() {
        // Formatting and comments may differ; the schema may not.
        let reformatted = SPEC.replace(
            "        message:\n          type: string\n",
            "        # why\n        message: {type: string}\n",
        );
        let specs = [
            spec("specs/a.yaml", SPEC),
            spec("specs/b.yaml", &reformatted),
        ];
        assert_eq!(lint(&specs), []);
    }

    #[test]
    fn a_spec_that_differs_is_named_at_its_error_response() {
        let changed = SPEC.replace(
            "            - type: integer\n              format: int32\n            - type: string\n",
            "            - type: string\n",
        );
        let changed = changed.replace("The error body.", "Another error body.");
        let specs = [spec("specs/a.yaml", SPEC), spec("specs/b.yaml", &changed)];
        let findings = lint(&specs);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let finding = &findings[0];
        assert_eq!(finding.rule, RULE);
        assert_eq!(finding.error.file, "specs/b.yaml");
        assert_eq!(finding.error.location, Some((10, 5)));
        let message = &finding.error.message;
        assert!(message.contains("specs/a.yaml"), "{message}");
        assert!(message.contains("/description"), "{message}");
        assert!(
            message.contains("/properties/moduleCode/oneOf"),
            "{message}"
        );
        assert!(
            finding
                .to_string()
                .starts_with("specs/b.yaml:10:5: error-schema-shared: "),
            "{finding}"
        );
    }

    #[test]
    fn the_place_is_the_documents_own_error_response() {
        let changed = with_nested_components(&SPEC.replace("The error body.", "Another."));
        let specs = [spec("specs/a.yaml", SPEC), spec("specs/b.yaml", &changed)];
        let findings = lint(&specs);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(changed.lines().nth(19), Some("    ErrorResponse:"));
        assert_eq!(findings[0].error.location, Some((20, 5)));
    }

    #[test]
    fn a_property_only_one_side_has_is_named_with_its_side() {
        let more = SPEC.replace(
            "        message:\n",
            "        errorCode:\n          type: string\n        message:\n",
        );
        let specs = [spec("specs/a.yaml", &more), spec("specs/b.yaml", SPEC)];
        let message = &lint(&specs)[0].error.message;
        assert!(
            message.contains("/properties/errorCode (missing here)"),
            "{message}"
        );
        let specs = [spec("specs/a.yaml", SPEC), spec("specs/b.yaml", &more)];
        let message = &lint(&specs)[0].error.message;
        assert!(
            message.contains("/properties/errorCode (only here)"),
            "{message}"
        );
    }

    #[test]
    fn a_spec_without_the_schema_is_a_finding() {
        let without = SPEC.split("    ErrorResponse:").next().unwrap().to_owned();
        let specs = [
            spec("specs/a.yaml", SPEC),
            spec("specs/b.yaml", SPEC),
            spec("specs/c.yaml", &without),
        ];
        let findings = lint(&specs);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].error.file, "specs/c.yaml");
        assert_eq!(
            findings[0].error.location,
            Some((7, 3)),
            "nearest key found"
        );
    }

    #[test]
    fn the_workspace_specs_share_one_error_schema() {
        let findings = lint_in(&crate::workspace_root()).unwrap();
        let printed: Vec<String> = findings.iter().map(ToString::to_string).collect();
        assert!(printed.is_empty(), "{printed:#?}");
    }
}
