//! The mock and the clients checked against the specs, from the mock's journal: which
//! operations were served, and whether every JSON body sent either way matches the schema
//! its spec declares, by the spec crate's own validator (stricter than the generated types: a
//! property the schema does not declare is a finding).

use std::collections::{BTreeSet, HashMap};

use vmware_cpn_mock::JournalEntry;
use vmware_cpn_spec::LoadedSpec;
use vmware_cpn_spec::load::{self, BodyOf};

fn specs() -> HashMap<&'static str, LoadedSpec> {
    vmware_cpn_spec::SURFACES
        .iter()
        .map(|s| {
            (
                s.name,
                vmware_cpn_spec::load_in(&vmware_cpn_spec::workspace_root(), s.name).unwrap(),
            )
        })
        .collect()
}

/// The operations of the six specs that no exchange answered with a success.
pub fn operations_never_served(exchanges: &[JournalEntry]) -> Vec<String> {
    let served: BTreeSet<(&str, &str)> = exchanges
        .iter()
        .filter(|e| (200..300).contains(&e.status))
        .map(|e| (e.surface.as_str(), e.operation_id.as_str()))
        .collect();
    let mut missing = Vec::new();
    for (surface, spec) in specs() {
        for operation in load::operations(&spec.spec) {
            if !served.contains(&(surface, operation.id())) {
                missing.push(format!("{surface}: {}", operation.label()));
            }
        }
    }
    missing.sort();
    missing
}

/// How the JSON requests and answers of `exchanges` depart from their specs.
pub fn departures_from_the_specs(exchanges: &[JournalEntry]) -> Vec<String> {
    departures(exchanges, true)
}

/// How the JSON answers of `exchanges` depart from their specs, for requests that were bad
/// on purpose.
pub fn answers_departing_from_the_specs(exchanges: &[JournalEntry]) -> Vec<String> {
    departures(exchanges, false)
}

fn departures(exchanges: &[JournalEntry], check_requests: bool) -> Vec<String> {
    let specs = specs();
    let mut problems = Vec::new();
    for exchange in exchanges {
        let Some(spec) = specs.get(exchange.surface.as_str()) else {
            problems.push(format!("{}: no such spec", exchange.surface));
            continue;
        };
        let operation = exchange.operation_id.as_str();
        let label = format!("{} {}", exchange.method, exchange.uri);
        if check_requests
            && let Some(media_type) = json_media_type(exchange.request_content_type.as_deref())
            && !exchange.request_body.is_empty()
        {
            let body = BodyOf::Request {
                media_type: &media_type,
            };
            let label = format!("{label} (request)");
            problems.extend(check(spec, operation, body, &exchange.request_body, &label));
        }
        if let Some(media_type) = json_media_type(exchange.content_type.as_deref()) {
            let status = exchange.status.to_string();
            let range = format!("{}XX", &status[..1]);
            let declared = |status| BodyOf::Response {
                status,
                media_type: &media_type,
            };
            let body = if spec.media(operation, declared(&status)).is_some() {
                declared(&status)
            } else {
                declared(&range)
            };
            let label = format!("{label} (answer {status})");
            problems.extend(check(spec, operation, body, &exchange.body, &label));
        }
    }
    problems
}

fn json_media_type(content_type: Option<&str>) -> Option<String> {
    let media_type = content_type?.split(';').next()?.trim();
    (media_type == "application/json").then(|| media_type.to_owned())
}

fn check(
    spec: &LoadedSpec,
    operation: &str,
    body: BodyOf<'_>,
    bytes: &[u8],
    label: &str,
) -> Vec<String> {
    let Some(schema) = spec.media(operation, body).and_then(|m| m.schema.as_ref()) else {
        return vec![format!(
            "{label}: the spec declares no such body ({body:?})"
        )];
    };
    match serde_json::from_slice(bytes) {
        Ok(value) => vmware_cpn_spec::schema_check::problems(&spec.spec, schema, &value)
            .into_iter()
            .map(|problem| format!("{label}: {problem}"))
            .collect(),
        Err(e) => vec![format!("{label}: not JSON: {e}")],
    }
}
