//! The generated client against a real HTTP server on 127.0.0.1: what it sends, and what it
//! makes of success, declared errors and malformed answers.

use cphub_core::Client;
use cphub_core::types::{TenantCreate, TenantType};
use httpmock::prelude::*;
use serde_json::json;

const ORG: &str = "9d9648a7-115a-4a06-a613-a0c4077469f7";

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

    let client = Client::new(&server.base_url());
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

    let client = Client::new(&server.base_url());
    let error = client
        .get_organization()
        .org_id(ORG)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    match error {
        cphub_core::Error::ErrorResponse(body) => {
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

    let client = Client::new(&server.base_url());
    let error = client.list_tenants().org_id(ORG).send().await.unwrap_err();
    match error {
        cphub_core::Error::InvalidResponsePayload(bytes, _) => {
            assert_eq!(&bytes[..], b"<html>gateway page</html>");
        }
        other => panic!("expected InvalidResponsePayload, got {other:?}"),
    }
}
