//! The generated client against a real HTTP server on 127.0.0.1: what it sends, and what it
//! makes of success, declared errors and malformed answers.

use cphub_core::Client;
use cphub_core::types::{
    MemberType, OrgStatus, OrgType, Service, ServiceAccessibility, ServiceList, TenantCreate,
    TenantType,
};
use httpmock::prelude::*;
use serde_json::json;
use vmware_cpn_test_support::{ORG, Spec, TOKEN, anonymous_runtime, csp_runtime};

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
                    "domain": "lorem.com",
                    "addressLine1": "Rosebery Avenue 13"
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
                .domain("lorem.com")
                .address_line1("Rosebery Avenue 13"),
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
async fn create_tenant_answered_201_created_is_the_new_tenant() {
    let spec = Spec::load("cphub-core");
    let request = spec.request_example("create_tenant");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/cphub/api/core/v1/mgmt/orgs/{ORG}/tenants"))
                .header("csp-auth-token", TOKEN)
                .json_body(request.clone());
            then.status(201)
                .json_body(spec.response_example("create_tenant", "201"));
        })
        .await;

    let body: TenantCreate = serde_json::from_value(request).unwrap();
    let answer = client(&server)
        .create_tenant()
        .org_id(ORG)
        .body(body)
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(answer.status().as_u16(), 201);
    let tenant = answer.into_inner();
    assert_eq!(
        tenant.id.as_deref(),
        Some("6ee16f54-ed2e-44af-b505-3c4cbc6fbc33")
    );
    assert_eq!(tenant.org_type, Some(OrgType::Tenant));
    assert_eq!(tenant.parent_org_id.as_deref(), Some(ORG));
}

#[tokio::test]
async fn list_org_services_sends_its_flags_and_reads_every_form_of_the_answer() {
    let spec = Spec::load("cphub-core");
    let array = spec.response_example("list_org_services", "200");
    let service = array[0].clone();
    let forms = [
        ("array", array),
        ("envelope", json!({"Service": service.clone()})),
        ("bare object", service.clone()),
    ];
    for (form, answer) in forms {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(format!("/cphub/api/core/v1/mgmt/orgs/{ORG}/services"))
                    .header("csp-auth-token", TOKEN)
                    .query_param("can_be_enabled", "true")
                    .query_param("commit_contract_signed", "false")
                    .query_param("refresh", "true");
                then.status(200).json_body(answer);
            })
            .await;

        let list = client(&server)
            .list_org_services()
            .org_id(ORG)
            .can_be_enabled(true)
            .commit_contract_signed(false)
            .refresh(true)
            .send()
            .await
            .unwrap()
            .into_inner();

        mock.assert_async().await;
        let variant_matches = matches!(
            (form, &list),
            ("array", ServiceList::Services(_))
                | ("envelope", ServiceList::ServiceEnvelope(_))
                | ("bare object", ServiceList::Service(_))
        );
        assert!(variant_matches, "{form}: decoded as {list:?}");
        let services = list.services();
        assert_eq!(services.len(), 1, "{form}");
        assert_eq!(
            services[0].accessibility,
            Some(ServiceAccessibility::Paid),
            "{form}"
        );
        assert_eq!(services[0].enabled, Some(true), "{form}");
        assert_eq!(
            services[0].service_roles[0].member_type,
            Some(MemberType::Direct),
            "{form}"
        );
        assert_eq!(serde_json::to_value(&services[0]).unwrap(), service);
        assert_eq!(list.into_services().len(), 1, "{form}");
    }
}

#[tokio::test]
async fn enable_service_patches_the_service_and_takes_204() {
    let spec = Spec::load("cphub-core");
    let request = spec.request_example("enable_service");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(httpmock::Method::PATCH)
                .path(format!("/cphub/api/core/v1/mgmt/orgs/{ORG}/services/svc-1"))
                .header("csp-auth-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(request.clone());
            then.status(204);
        })
        .await;

    let body: Service = serde_json::from_value(request).unwrap();
    let answer = client(&server)
        .enable_service()
        .org_id(ORG)
        .service_definition_id("svc-1")
        .body(body)
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(answer.status().as_u16(), 204);
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
