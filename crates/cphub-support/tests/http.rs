//! Every generated cphub-support operation, called once against a loopback server: the request
//! the client sends (method, path, query, headers, body) is asserted, and the spec's example
//! answer comes back typed. The upload and the paging stream have tests of their own.

use cphub_support::Client;
use cphub_support::types::{
    FileAction, SupportRequest, SupportRequestCreate, SupportRequestUpdate,
};
use httpmock::prelude::*;
use serde_json::json;
use vmware_cpn_test_support::{ORG, Spec, TOKEN, csp_runtime};

const TICKET: &str = "18625917011";

fn spec() -> Spec {
    Spec::load("cphub-support")
}

fn client(server: &MockServer) -> Client {
    Client::with_runtime(&server.base_url(), csp_runtime())
}

#[tokio::test]
async fn create_support_request_sends_the_ticket_and_accepts_201() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let request = spec.request_example("create_support_request");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/cphub/api/support/v1/orgs/{ORG}/support-requests"))
                .header("csp-auth-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(request.clone());
            then.status(201);
        })
        .await;

    let body: SupportRequestCreate = serde_json::from_value(request).unwrap();
    assert_eq!(body.file_references[0].action, Some(FileAction::Add));
    let response = client(&server)
        .create_support_request()
        .org_id(ORG)
        .body(body)
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn list_support_requests_sends_every_filter() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/cphub/api/support/v1/orgs/{ORG}/support-requests"))
                .header("csp-auth-token", TOKEN)
                .query_param("orgName", "Coke")
                .query_param("category", "nonTechnical")
                .query_param("severity", "3 - Medium")
                .query_param("status", "Open")
                .query_param("subject", "API Support")
                .query_param("includeTenantOrgs", "true")
                .query_param("internalTicketId", "INT-7")
                .query_param("pageStart", "1")
                .query_param("pageLimit", "10")
                .query_param("userTicketsOnly", "false");
            then.status(200)
                .json_body(spec.response_example("list_support_requests", "200"));
        })
        .await;

    let tickets = client(&server)
        .list_support_requests()
        .org_id(ORG)
        .org_name("Coke")
        .category("nonTechnical")
        .severity("3 - Medium")
        .status("Open")
        .subject("API Support")
        .include_tenant_orgs(true)
        .internal_ticket_id("INT-7")
        .page_start(1)
        .page_limit(10)
        .user_tickets_only(false)
        .send()
        .await
        .unwrap()
        .into_inner()
        .into_tickets();

    mock.assert_async().await;
    assert_eq!(tickets[0].id.as_deref(), Some(TICKET));
    assert_eq!(tickets[0].case_id.as_deref(), Some("1264530092"));
}

/// VMware's PowerCLI module reads the list from `.supportTickets` (the live form); the 2019
/// guide implies a bare array. Both decode to the same tickets.
#[tokio::test]
async fn the_list_decodes_wrapped_as_the_live_service_sends_it_and_bare() {
    let spec = spec();
    let wrapped = spec.response_example("list_support_requests", "200");
    let bare = wrapped["supportTickets"].clone();
    assert!(bare.is_array() && !bare.as_array().unwrap().is_empty());
    let mut decoded = Vec::new();
    for answer in [wrapped, bare] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(format!("/cphub/api/support/v1/orgs/{ORG}/support-requests"));
                then.status(200).json_body(answer);
            })
            .await;
        let tickets = client(&server)
            .list_support_requests()
            .org_id(ORG)
            .send()
            .await
            .unwrap()
            .into_inner();
        decoded.push(serde_json::to_value(tickets.tickets()).unwrap());
    }
    assert_eq!(decoded[0], decoded[1]);
    assert!(!decoded[0].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn get_support_metadata_sends_the_tenant_and_keeps_the_categories() {
    let server = MockServer::start_async().await;
    let categories = json!({"categories": [{"id": "nonTechnical", "issues": ["User Management"]}]});
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!(
                    "/cphub/api/support/v1/orgs/{ORG}/support-requests/metadata"
                ))
                .header("csp-auth-token", TOKEN)
                .query_param("tenantId", "t-1");
            then.status(200).json_body(categories.clone());
        })
        .await;

    let metadata = client(&server)
        .get_support_metadata()
        .org_id(ORG)
        .tenant_id("t-1")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(serde_json::to_value(&metadata).unwrap(), categories);
}

#[tokio::test]
async fn get_support_request_types_the_ticket() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!(
                    "/cphub/api/support/v1/orgs/{ORG}/support-requests/{TICKET}"
                ))
                .header("csp-auth-token", TOKEN);
            then.status(200)
                .json_body(spec.response_example("get_support_request", "200"));
        })
        .await;

    let ticket = client(&server)
        .get_support_request()
        .org_id(ORG)
        .support_request_id(TICKET)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(ticket.status.as_deref(), Some("Open"));
    assert_eq!(
        ticket.sub_status.as_deref(),
        Some("Inbound message received")
    );
    assert_eq!(ticket.severity.as_deref(), Some("3 - Medium"));
}

#[tokio::test]
async fn update_support_request_sends_patch_with_the_changes() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let request = spec.request_example("update_support_request");
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!(
                    "/cphub/api/support/v1/orgs/{ORG}/support-requests/{TICKET}"
                ))
                .header("csp-auth-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(request.clone());
            then.status(200)
                .json_body(spec.response_example("update_support_request", "200"));
        })
        .await;

    let body: SupportRequestUpdate = serde_json::from_value(request).unwrap();
    assert_eq!(body.file_references[0].action, Some(FileAction::Remove));
    let ticket = client(&server)
        .update_support_request()
        .org_id(ORG)
        .support_request_id(TICKET)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(ticket.case_id.as_deref(), Some("1264530092"));
}

#[tokio::test]
async fn list_close_reasons_types_the_reasons() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!(
                    "/cphub/api/support/v1/orgs/{ORG}/support-requests/close-reasons"
                ))
                .header("csp-auth-token", TOKEN);
            then.status(200)
                .json_body(spec.response_example("list_close_reasons", "200"));
        })
        .await;

    let reasons = client(&server)
        .list_close_reasons()
        .org_id(ORG)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
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
