//! The conformance check that `e2e.rs` runs on the mock's journal finds what departs from
//! the specs, in either direction.

mod common;

use common::conformance::{departures_from_the_specs, operations_never_served};
use vmware_cpn_mock::JournalEntry;

fn exchange(operation_id: &str, status: u16, request: &str, answer: &str) -> JournalEntry {
    // Non-exhaustive: made as a caller would, from the default and its public fields.
    let mut exchange = JournalEntry::default();
    exchange.surface = "cphub-core".to_owned();
    exchange.operation_id = operation_id.to_owned();
    exchange.method = "POST".to_owned();
    exchange.uri = "/x".to_owned();
    exchange.request_content_type = (!request.is_empty()).then(|| "application/json".to_owned());
    exchange.request_body = request.to_owned().into();
    exchange.status = status;
    exchange.content_type = Some("application/json; charset=utf-8".to_owned());
    exchange.body = answer.to_owned().into();
    exchange
}

#[test]
fn answers_that_depart_from_the_spec_are_found() {
    let problems = departures_from_the_specs(&[
        exchange("list_tenants", 200, "", r#"[{"id": 5}]"#),
        exchange("get_organization", 200, "", r#"{"status": "PAUSED"}"#),
        exchange("get_organization", 404, "", r#"{"statusCode": "404"}"#),
        exchange("get_organization", 201, "", "{}"),
        exchange("list_tenants", 200, "", "[{\"id\": \"fine\"}"),
        exchange("list_tenants", 200, "", r#"[{"id": "fine"}]"#),
    ]);
    assert_eq!(problems.len(), 5, "{problems:#?}");
    assert!(problems[0].contains("/0/id"), "{}", problems[0]);
    assert!(problems[1].contains("PAUSED"), "{}", problems[1]);
    assert!(problems[2].contains("statusCode"), "{}", problems[2]);
    assert!(
        problems[3].contains("declares no such body"),
        "{}",
        problems[3]
    );
    assert!(problems[4].contains("not JSON"), "{}", problems[4]);
}

#[test]
fn requests_that_depart_from_the_spec_are_found() {
    let tenant = r#"{"tenantType": "DEFAULT", "country": "US", "displayName": "A", "companyName": "A",
        "city": "A", "state": "A", "zip": "1", "domain": "a.example"}"#;
    let problems = departures_from_the_specs(&[
        exchange("create_tenant", 200, tenant, "{}"),
        exchange("create_tenant", 200, r#"{"tenantType": "DEFAULT"}"#, "{}"),
        exchange("create_tenant", 200, &tenant.replace("\"A\"", "7"), "{}"),
    ]);
    assert!(
        problems.iter().all(|p| p.contains("(request)")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("domain")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("/displayName")),
        "{problems:#?}"
    );
}

#[test]
fn operations_never_answered_with_a_success_are_listed() {
    let missing = operations_never_served(&[
        exchange("list_tenants", 200, "", "[]"),
        exchange("create_tenant", 400, "", "{}"),
    ]);
    assert!(
        missing.iter().any(|m| m.contains("create_tenant")),
        "{missing:#?}"
    );
    assert!(
        !missing.iter().any(|m| m.contains("list_tenants")),
        "{missing:#?}"
    );
    assert!(
        missing.iter().any(|m| m.starts_with("vcpp: POST /order")),
        "{missing:#?}"
    );
}
