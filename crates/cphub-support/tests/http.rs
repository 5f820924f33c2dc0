//! Every generated cphub-support operation, called once against a loopback server: the request
//! the client sends (method, path and query by the typed httpmock helpers of the crate's
//! `mock` feature, headers, body) is asserted, and the spec's example answer comes back typed.
//! The upload and the paging stream have tests of their own.

use cphub_support::Client;
use cphub_support::mock::MockServerExt;
use cphub_support::types::{
    FileAction, SupportRequest, SupportRequestCreate, SupportRequestUpdate,
};
use httpmock::MockServer;
use serde_json::json;
use vmware_cpn_test_support::{ORG, Spec, called, csp_json, csp_runtime, csp_token, typed};

const TICKET: &str = "18625917011";

fn spec() -> Spec {
    Spec::load("cphub-support")
}

/// A fresh server and a client of it that sends the CSP token.
async fn served() -> (MockServer, Client) {
    let server = MockServer::start_async().await;
    let client = Client::with_runtime(&server.base_url(), csp_runtime());
    (server, client)
}

#[tokio::test]
async fn create_support_request_sends_the_ticket_and_accepts_201() {
    let ((server, client), spec) = (served().await, spec());
    let request = spec.request_example("create_support_request");
    let mock = server.create_support_request(|when, then| {
        csp_json(when.org_id(ORG).into_inner(), &request);
        then.created();
    });

    let body: SupportRequestCreate = typed(request);
    assert_eq!(body.file_references[0].action, Some(FileAction::Add));
    let call = client.create_support_request().org_id(ORG).body(body);
    let response = called(&mock, call.send()).await;

    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn list_support_requests_sends_every_filter() {
    let ((server, client), spec) = (served().await, spec());
    let mock = server.list_support_requests(|when, then| {
        let when = when.org_id(ORG).org_name("Coke").category("nonTechnical");
        let when = when
            .severity("3 - Medium")
            .status("Open")
            .subject("API Support");
        let when = when.include_tenant_orgs(true).internal_ticket_id("INT-7");
        let when = when.page_start(1).page_limit(10).user_tickets_only(false);
        csp_token(when.into_inner());
        then.ok(&typed(
            spec.response_example("list_support_requests", "200"),
        ));
    });

    let call = client.list_support_requests().org_id(ORG).org_name("Coke");
    let call = call
        .category("nonTechnical")
        .severity("3 - Medium")
        .status("Open");
    let call = call.subject("API Support").include_tenant_orgs(true);
    let call = call
        .internal_ticket_id("INT-7")
        .page_start(1)
        .page_limit(10);
    let tickets = called(&mock, call.user_tickets_only(false).send()).await;
    let tickets = tickets.into_inner().into_tickets();

    assert_eq!(tickets[0].id.as_deref(), Some(TICKET));
    assert_eq!(tickets[0].case_id.as_deref(), Some("1264530092"));
}

/// VMware's PowerCLI module reads the list from `.supportTickets` (the live form); the 2019
/// guide implies a bare array. Both decode to the same tickets.
#[tokio::test]
async fn the_list_decodes_wrapped_as_the_live_service_sends_it_and_bare() {
    let wrapped = spec().response_example("list_support_requests", "200");
    let bare = wrapped["supportTickets"].clone();
    assert!(bare.is_array() && !bare.as_array().unwrap().is_empty());
    let mut decoded = Vec::new();
    for answer in [wrapped, bare] {
        let (server, client) = served().await;
        server.list_support_requests(|when, then| {
            when.org_id(ORG);
            then.ok(&typed(answer));
        });
        let tickets = client.list_support_requests().org_id(ORG).send().await;
        let tickets = tickets.unwrap().into_inner();
        decoded.push(serde_json::to_value(tickets.tickets()).unwrap());
    }
    assert_eq!(decoded[0], decoded[1]);
    assert!(!decoded[0].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn get_support_metadata_sends_the_tenant_and_keeps_the_categories() {
    let (server, client) = served().await;
    let categories = json!({"categories": [{"id": "nonTechnical", "issues": ["User Management"]}]});
    let mock = server.get_support_metadata(|when, then| {
        csp_token(when.org_id(ORG).tenant_id("t-1").into_inner());
        then.ok(&typed(categories.clone()));
    });

    let call = client.get_support_metadata().org_id(ORG).tenant_id("t-1");
    let metadata = called(&mock, call.send()).await.into_inner();

    assert_eq!(serde_json::to_value(&metadata).unwrap(), categories);
}

#[tokio::test]
async fn get_support_request_types_the_ticket() {
    let ((server, client), spec) = (served().await, spec());
    let mock = server.get_support_request(|when, then| {
        csp_token(when.org_id(ORG).support_request_id(TICKET).into_inner());
        then.ok(&typed(spec.response_example("get_support_request", "200")));
    });

    let call = client.get_support_request().org_id(ORG);
    let ticket = called(&mock, call.support_request_id(TICKET).send()).await;

    assert_eq!(ticket.status.as_deref(), Some("Open"));
    assert_eq!(
        ticket.sub_status.as_deref(),
        Some("Inbound message received")
    );
    assert_eq!(ticket.severity.as_deref(), Some("3 - Medium"));
}

#[tokio::test]
async fn update_support_request_sends_patch_with_the_changes() {
    let ((server, client), spec) = (served().await, spec());
    let request = spec.request_example("update_support_request");
    let mock = server.update_support_request(|when, then| {
        csp_json(
            when.org_id(ORG).support_request_id(TICKET).into_inner(),
            &request,
        );
        then.ok(&typed(
            spec.response_example("update_support_request", "200"),
        ));
    });

    let body: SupportRequestUpdate = typed(request);
    assert_eq!(body.file_references[0].action, Some(FileAction::Remove));
    let call = client.update_support_request().org_id(ORG);
    let call = call.support_request_id(TICKET).body(body);
    let ticket = called(&mock, call.send()).await;

    assert_eq!(ticket.case_id.as_deref(), Some("1264530092"));
}

#[tokio::test]
async fn list_close_reasons_types_the_reasons() {
    let ((server, client), spec) = (served().await, spec());
    let mock = server.list_close_reasons(|when, then| {
        csp_token(when.org_id(ORG).into_inner());
        then.ok(&typed(spec.response_example("list_close_reasons", "200")));
    });

    let reasons = called(&mock, client.list_close_reasons().org_id(ORG).send()).await;

    assert_eq!(reasons.close_sr_reasons.len(), 5);
    assert_eq!(reasons.close_sr_reasons[1], "Solution Provided");
}

#[test]
fn a_file_action_and_a_ticket_property_added_later_survive() {
    let body = json!({
        "id": "1",
        "fileReferences": [{"fileName": "a.png", "action": "REPLACE"}],
        "assignedEngineer": {"name": "Ada"}
    });
    let ticket: SupportRequest = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        ticket.file_references[0].action,
        Some(FileAction::Unknown("REPLACE".to_owned()))
    );
    assert_eq!(ticket.extra["assignedEngineer"]["name"], "Ada");
    assert_eq!(serde_json::to_value(&ticket).unwrap(), body);
}
