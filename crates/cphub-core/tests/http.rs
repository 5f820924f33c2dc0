//! The generated client against a real HTTP server on 127.0.0.1: what it sends, and what it
//! makes of success, declared errors and malformed answers. The stubs are the typed httpmock
//! helpers of the crate's `mock` feature (method, path and parameters as the spec has them),
//! with the CSP token and the spec's request example as the body.

use cphub_core::Client;
use cphub_core::mock::MockServerExt;
use cphub_core::types::{
    MemberType, OrgStatus, OrgType, Service, ServiceAccessibility, ServiceList, TenantCreate,
    TenantType,
};
use httpmock::MockServer;
use serde_json::json;
use vmware_cpn_test_support::{
    ORG, Spec, anonymous_runtime, called, csp_json, csp_runtime, csp_token, typed,
};

fn spec() -> Spec {
    Spec::load("cphub-core")
}

fn client(server: &MockServer) -> Client {
    Client::with_runtime(&server.base_url(), csp_runtime())
}

/// The path parameter percent-encoded as one segment, and the spec's version as
/// `api-version`, set on the request itself (not merged from a map of its own).
#[tokio::test]
async fn get_organization_sends_its_id_encoded_and_the_specs_api_version() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        csp_token(
            when.method(httpmock::Method::GET)
                .path("/cphub/api/core/v1/mgmt/orgs/org%201%2F%C3%A9")
                .header("api-version", spec().version())
                .header("accept", "application/json"),
        );
        then.status(200)
            .json_body(json!({ "id": "org 1/é", "orgType": "TENANT" }));
    });

    let organization = client(&server)
        .get_organization()
        .org_id("org 1/é")
        .send()
        .await
        .unwrap();
    assert_eq!(organization.id.as_deref(), Some("org 1/é"));
    mock.assert_async().await;
}

#[tokio::test]
async fn create_tenant_sends_the_documented_request_and_types_the_answer() {
    let server = MockServer::start_async().await;
    let mock = server.create_tenant(|when, then| {
        when.org_id(ORG)
            .into_inner()
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
        then.ok(&typed(json!({
            "id": "6ee16f54-ed2e-44af-b505-3c4cbc6fbc33",
            "tenantType": "DEFAULT",
            "createTimestamp": 1557857413135i64,
            "childOrgIds": []
        })));
    });

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
        .send();
    let tenant = called(&mock, tenant).await;

    assert_eq!(
        tenant.id.as_deref(),
        Some("6ee16f54-ed2e-44af-b505-3c4cbc6fbc33")
    );
    assert_eq!(tenant.tenant_type, Some(TenantType::Default));
    assert_eq!(tenant.create_timestamp, Some(1557857413135));
}

#[tokio::test]
async fn create_tenant_answered_201_created_is_the_new_tenant() {
    let (spec, server) = (spec(), MockServer::start_async().await);
    let request = spec.request_example("create_tenant");
    let mock = server.create_tenant(|when, then| {
        csp_json(when.org_id(ORG).into_inner(), &request);
        then.created(&typed(spec.response_example("create_tenant", "201")));
    });

    let body: TenantCreate = typed(request);
    let answer = called(
        &mock,
        client(&server)
            .create_tenant()
            .org_id(ORG)
            .body(body)
            .send(),
    )
    .await;

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
    let array = spec().response_example("list_org_services", "200");
    let service = array[0].clone();
    let forms = [
        ("array", array),
        ("envelope", json!({"Service": service.clone()})),
        ("bare object", service.clone()),
    ];
    for (form, answer) in forms {
        let server = MockServer::start_async().await;
        let mock = server.list_org_services(|when, then| {
            let when = when.org_id(ORG).can_be_enabled(true);
            csp_token(
                when.commit_contract_signed(false)
                    .refresh(true)
                    .into_inner(),
            );
            then.ok(&typed(answer));
        });

        let list = called(
            &mock,
            client(&server)
                .list_org_services()
                .org_id(ORG)
                .can_be_enabled(true)
                .commit_contract_signed(false)
                .refresh(true)
                .send(),
        )
        .await
        .into_inner();

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
    let (spec, server) = (spec(), MockServer::start_async().await);
    let request = spec.request_example("enable_service");
    let mock = server.enable_service(|when, then| {
        csp_json(
            when.org_id(ORG).service_definition_id("svc-1").into_inner(),
            &request,
        );
        then.no_content();
    });

    let answer = called(
        &mock,
        client(&server)
            .enable_service()
            .org_id(ORG)
            .service_definition_id("svc-1")
            .body(typed::<Service>(request))
            .send(),
    )
    .await;

    assert_eq!(answer.status().as_u16(), 204);
}

#[tokio::test]
async fn list_tenants_types_every_tenant() {
    let (spec, server) = (spec(), MockServer::start_async().await);
    let mock = server.list_tenants(|when, then| {
        csp_token(when.org_id(ORG).into_inner());
        then.ok(&typed(spec.response_example("list_tenants", "200")));
    });

    let tenants = called(&mock, client(&server).list_tenants().org_id(ORG).send()).await;

    assert_eq!(tenants.len(), 1);
    assert_eq!(tenants[0].status, Some(OrgStatus::Active));
    assert_eq!(tenants[0].org_type, Some(OrgType::Tenant));
    assert_eq!(tenants[0].parent_org_id.as_deref(), Some(ORG));
    assert_eq!(tenants[0].update_timestamp, Some(1557304298402));
    assert_eq!(tenants[0].is_federated, Some(true));
}

#[tokio::test]
async fn get_organization_types_the_organization() {
    let (spec, server) = (spec(), MockServer::start_async().await);
    let mock = server.get_organization(|when, then| {
        csp_token(when.org_id(ORG).into_inner());
        then.ok(&typed(spec.response_example("get_organization", "200")));
    });

    let organization = called(&mock, client(&server).get_organization().org_id(ORG).send()).await;

    assert_eq!(
        organization.id.as_deref(),
        Some("9fb942e0-3e93-49ce-8617-0eed023d9d25")
    );
    // Whitespace in the guide's sample is data, kept as sent.
    assert_eq!(organization.tag.as_deref(), Some(" hightouchVMC "));
}

#[tokio::test]
async fn update_tenant_sends_put_with_the_documented_body() {
    let (spec, server) = (spec(), MockServer::start_async().await);
    let request = spec.request_example("update_tenant");
    let mock = server.update_tenant(|when, then| {
        csp_json(when.org_id(ORG).into_inner(), &request);
        then.ok(&typed(spec.response_example("update_tenant", "200")));
    });

    let body: TenantCreate = typed(request);
    let updated = called(
        &mock,
        client(&server)
            .update_tenant()
            .org_id(ORG)
            .body(body)
            .send(),
    )
    .await;

    assert_eq!(
        updated.id.as_deref(),
        Some("534039c2-c11d-4725-b14c-bf7476fda4a8")
    );
    assert_eq!(updated.create_timestamp, Some(1565303037087));
}

#[tokio::test]
async fn declared_error_keeps_status_and_typed_body() {
    let server = MockServer::start_async().await;
    server.get_organization(|when, then| {
        when.org_id(ORG);
        then.client_error(
            404,
            &typed(json!({
                "statusCode": 404,
                "message": "Organization not found",
                "requestId": "r-1"
            })),
        );
    });

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
    server.list_tenants(|when, then| {
        when.org_id(ORG);
        then.into_inner()
            .status(200)
            .body("<html>gateway page</html>");
    });

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
