//! The generated client against a real HTTP server on 127.0.0.1: what it sends, and what it
//! makes of success, declared errors and malformed answers.

use cphub_core::Client;
use cphub_core::types::{OrgStatus, OrgType, TenantCreate, TenantType};
use httpmock::prelude::*;
use serde_json::json;
use test_support::{ORG, Spec, TOKEN, anonymous_runtime, csp_runtime};

fn client(server: &MockServer) -> Client {
    Client::with_runtime(&server.base_url(), csp_runtime())
}

#[tokio::test]
async fn create_tenant_sends_the_documented_request_and_types_the_answer() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/cphub/api/core/v1/mgmt/orgs/{ORG}/tenants"))
                .header("content-type", "application/json")
                .json_body(json!({
                    "tenantType": "DEFAULT",
                    "country": "US",
                    "displayName": "Lorem",
                    "companyName": "Lorem Ipsum",
                    "city": "Atlanta",
                    "state": "Georgia",
                    "zip": "30313",
                    "domain": "lorem.com"
                }));
            then.status(200).json_body(json!({
                "id": "6ee16f54-ed2e-44af-b505-3c4cbc6fbc33",
                "tenantType": "DEFAULT",
                "createTimestamp": 1557857413135i64,
                "childOrgIds": []
            }));
        })
        .await;

    let client = Client::with_runtime(&server.base_url(), anonymous_runtime());
    let tenant = client
        .create_tenant()
        .org_id(ORG)
        .body(
            TenantCreate::builder()
                .tenant_type(TenantType::Default)
                .country("US")
                .display_name("Lorem")
                .company_name("Lorem Ipsum")
                .city("Atlanta")
                .state("Georgia")
                .zip("30313")
                .domain("lorem.com"),
        )
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(
        tenant.id.as_deref(),
        Some("6ee16f54-ed2e-44af-b505-3c4cbc6fbc33")
    );
    assert_eq!(tenant.tenant_type, Some(TenantType::Default));
    assert_eq!(tenant.create_timestamp, Some(1557857413135));
}

#[tokio::test]
async fn list_tenants_types_every_tenant() {
    let spec = Spec::load("cphub-core");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/cphub/api/core/v1/mgmt/orgs/{ORG}/tenants"))
                .header("csp-auth-token", TOKEN);
            then.status(200)
                .json_body(spec.response_example("list_tenants", "200"));
        })
        .await;

    let tenants = client(&server)
        .list_tenants()
        .org_id(ORG)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(tenants.len(), 1);
    assert_eq!(tenants[0].status, Some(OrgStatus::Active));
    assert_eq!(tenants[0].org_type, Some(OrgType::Tenant));
    assert_eq!(tenants[0].parent_org_id.as_deref(), Some(ORG));
    assert_eq!(tenants[0].update_timestamp, Some(1557304298402));
    assert_eq!(tenants[0].is_federated, Some(true));
}

#[tokio::test]
async fn get_organization_types_the_organization() {
    let spec = Spec::load("cphub-core");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/cphub/api/core/v1/mgmt/orgs/{ORG}"))
                .header("csp-auth-token", TOKEN);
            then.status(200)
                .json_body(spec.response_example("get_organization", "200"));
        })
        .await;

    let organization = client(&server)
        .get_organization()
        .org_id(ORG)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        organization.id.as_deref(),
        Some("9fb942e0-3e93-49ce-8617-0eed023d9d25")
    );
    // Whitespace in the guide's sample is data, kept as sent.
    assert_eq!(organization.tag.as_deref(), Some(" hightouchVMC "));
}

#[tokio::test]
async fn update_tenant_sends_put_with_the_documented_body() {
    let spec = Spec::load("cphub-core");
    let server = MockServer::start_async().await;
    let request = spec.request_example("update_tenant");
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(format!("/cphub/api/core/v1/mgmt/orgs/{ORG}"))
                .header("csp-auth-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(request.clone());
            then.status(200)
                .json_body(spec.response_example("update_tenant", "200"));
        })
        .await;

    let body: TenantCreate = serde_json::from_value(request).unwrap();
    let updated = client(&server)
        .update_tenant()
        .org_id(ORG)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        updated.id.as_deref(),
        Some("534039c2-c11d-4725-b14c-bf7476fda4a8")
    );
    assert_eq!(updated.create_timestamp, Some(1565303037087));
}

#[tokio::test]
async fn declared_error_keeps_status_and_typed_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/cphub/api/core/v1/mgmt/orgs/{ORG}"));
            then.status(404).json_body(json!({
                "statusCode": 404,
                "message": "Organization not found",
                "requestId": "r-1"
            }));
        })
        .await;

    let client = Client::with_runtime(&server.base_url(), anonymous_runtime());
    let error = client
        .get_organization()
        .org_id(ORG)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    match error {
        cphub_core::Error::Api(error) => {
            let body = error.typed().expect("the typed error body");
            assert_eq!(body.message.as_deref(), Some("Organization not found"));
            assert_eq!(body.request_id.as_deref(), Some("r-1"));
        }
        other => panic!("expected the typed error body, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_answer_is_an_error_that_keeps_the_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/cphub/api/core/v1/mgmt/orgs/{ORG}/tenants"));
            then.status(200).body("<html>gateway page</html>");
        })
        .await;

    let client = Client::with_runtime(&server.base_url(), anonymous_runtime());
    let error = client.list_tenants().org_id(ORG).send().await.unwrap_err();
    match error {
        cphub_core::Error::InvalidAnswer(answer) => {
            assert_eq!(answer.status(), 200);
            assert_eq!(&answer.body()[..], b"<html>gateway page</html>");
        }
        other => panic!("expected InvalidAnswer, got {other:?}"),
    }
}
