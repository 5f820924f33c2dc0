//! What the mock answers to bad requests: the status and error body the spec declares,
//! never a panic.

mod common;

use common::Sdk;
use reqwest::StatusCode;
use serde_json::{Value, json};
use vmware_cpn_mock::MockServer;
use vmware_cpn_spec::load;

fn tenants_url(mock: &MockServer) -> String {
    format!(
        "{}/cphub/api/core/v1/mgmt/orgs/{}/tenants",
        mock.base_url(),
        mock.provider_org()
    )
}

/// Sends `request` and returns the status and the CPHub `ErrorResponse` it carries.
async fn cphub_error(
    request: reqwest::RequestBuilder,
) -> (StatusCode, cphub_core::types::ErrorResponse) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body = response.bytes().await.unwrap();
    let error = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{status}: not an ErrorResponse ({e}): {body:?}"));
    (status, error)
}

#[tokio::test]
async fn a_missing_required_field_is_a_400_error_response_naming_it() {
    let mock = MockServer::start().await.unwrap();
    let http = vmware_cpn_runtime::http_client_builder().build().unwrap();
    let token = mock.issue_access_token();
    let mut tenant = json!({
        "tenantType": "DEFAULT", "country": "US", "displayName": "Lorem", "companyName": "Lorem",
        "city": "Atlanta", "state": "GA", "zip": "30313", "domain": "lorem.com",
        "addressLine1": "Rosebery Avenue 13",
    });
    tenant.as_object_mut().unwrap().remove("domain");

    let (status, error) = cphub_error(
        http.post(tenants_url(&mock))
            .header("csp-auth-token", &token)
            .json(&tenant),
    )
    .await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error.status_code, Some(400));
    assert!(
        error.message.as_deref().unwrap().contains("domain"),
        "{error:?}"
    );
}

#[tokio::test]
async fn malformed_json_and_other_media_types_are_refused() {
    let mock = MockServer::start().await.unwrap();
    let http = vmware_cpn_runtime::http_client_builder().build().unwrap();
    let token = mock.issue_access_token();
    let post = || {
        http.post(tenants_url(&mock))
            .header("csp-auth-token", &token)
    };

    let (status, _) = cphub_error(
        post()
            .header("content-type", "application/json")
            .body("{\"tenantType\":"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = cphub_error(post().header("content-type", "text/plain").body("hello")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, error) = cphub_error(post()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error.message.unwrap().contains("required"));
}

#[tokio::test]
async fn tokens_are_required_and_checked() {
    let mock = MockServer::start().await.unwrap();
    let http = vmware_cpn_runtime::http_client_builder().build().unwrap();
    let list = || http.get(tenants_url(&mock));

    let (status, error) = cphub_error(list()).await;
    assert_eq!(
        (status, error.status_code),
        (StatusCode::UNAUTHORIZED, Some(401))
    );
    let (status, _) = cphub_error(list().header("csp-auth-token", "made-up")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A VCPP bearer token is no CSP token, and the other way round.
    let sdk = Sdk::new(&mock);
    let vcpp_token = sdk
        .vcpp
        .get_token(mock.vcpp_client_id(), mock.vcpp_client_secret())
        .await
        .unwrap()
        .into_inner()
        .access_token;
    let (status, _) = cphub_error(list().header("csp-auth-token", vcpp_token.expose())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let contracts = format!("{}/commit-contracts", mock.vcpp_base_url());
    let csp = mock.issue_access_token();
    let refused = http.get(&contracts).bearer_auth(&csp).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let error: vcpp::types::ErrorResponse = refused.json().await.unwrap();
    assert_eq!(error.status.as_deref(), Some("401"));
    let accepted = http
        .get(&contracts)
        .bearer_auth(vcpp_token.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_credentials_are_refused_without_echoing_them() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::new(&mock);
    let error = sdk
        .vcpp
        .get_token(mock.vcpp_client_id(), "wrong-secret")
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));

    let runtime = vmware_cpn_runtime::Runtime::builder()
        .auth(vmware_cpn_runtime::Auth::csp_refresh_token(
            mock.base_url(),
            "not-the-refresh-token",
        ))
        .build()
        .unwrap();
    let core = cphub_core::Client::with_runtime(mock.base_url(), runtime);
    let error = core
        .list_tenants()
        .org_id(mock.provider_org())
        .send()
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("refused (HTTP 400"), "{message}");
    assert!(!message.contains("not-the-refresh-token"), "{message}");
}

#[tokio::test]
async fn unknown_things_are_404s_in_the_surface_error_shape() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::new(&mock);

    let error = sdk
        .core
        .list_tenants()
        .org_id("no-such-org")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    let Some(body) = error.typed() else {
        panic!("expected a typed ErrorResponse, got {error:?}");
    };
    assert!(body.message.as_deref().unwrap().contains("no-such-org"));

    let error = sdk
        .support
        .get_support_request()
        .org_id(mock.provider_org())
        .support_request_id("404404")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));

    let error = sdk
        .vcpp
        .get_commit_contract()
        .contract_number("0")
        .send()
        .await
        .unwrap_err();
    let Some(body) = error.typed() else {
        panic!("expected the VCPP error body, got {error:?}");
    };
    assert_eq!(body.status.as_deref(), Some("404"));

    let http = vmware_cpn_runtime::http_client_builder().build().unwrap();
    let (status, _) = cphub_error(http.get(format!("{}/cphub/api/nothing", mock.base_url()))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = cphub_error(http.delete(tenants_url(&mock))).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn bad_parameters_and_orders_are_400s() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::new(&mock);
    let http = vmware_cpn_runtime::http_client_builder().build().unwrap();
    let token = mock.issue_access_token();

    let report = format!(
        "{}/cphub/api/billing/v1/orgs/{}/usage-report?startTime=yesterday",
        mock.base_url(),
        mock.provider_org()
    );
    let (status, error) = cphub_error(http.get(report).header("csp-auth-token", &token)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error.message.unwrap().contains("startTime"));

    let error = sdk
        .vcpp
        .list_addon_products()
        .service_instance_id("")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));

    let order = |po_type: &str| -> vcpp::types::OrderRequestEnvelope {
        let mut order = vmware_cpn_test_support::Spec::load("vcpp").request_example("place_order");
        order["OrderRequest"]["orders"]["order"]["poType"] = json!(po_type);
        vmware_cpn_test_support::typed(order)
    };
    let error = sdk
        .vcpp
        .place_order(&order("BARTER_REQUEST"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    assert_eq!(mock.calls("place_order"), 1);

    let vcpp_token = sdk
        .vcpp
        .get_token(mock.vcpp_client_id(), mock.vcpp_client_secret())
        .await
        .unwrap()
        .into_inner()
        .access_token;
    let answer = http
        .post(format!("{}/order", mock.vcpp_base_url()))
        .bearer_auth(vcpp_token.expose())
        .header("content-type", "application/xml")
        .body("<OrderRequest><orders><order>")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let error: vcpp::types::ErrorResponse = answer.json().await.unwrap();
    assert!(error.message.unwrap().contains("XML"));
}

#[tokio::test]
async fn an_upload_without_its_file_part_is_a_400() {
    let mock = MockServer::start().await.unwrap();
    let url = format!(
        "{}/cphub/api/support/v1/orgs/{}/support-requests/18625917011/upload",
        mock.base_url(),
        mock.provider_org()
    );
    let form = reqwest::multipart::Form::new().text("fileDetail", "notes.txt");
    let (status, error) = cphub_error(
        vmware_cpn_runtime::http_client_builder()
            .build()
            .unwrap()
            .post(url)
            .header("csp-auth-token", mock.issue_access_token())
            .multipart(form),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error.message.unwrap().contains("uploadedInputStream"));
}

/// Garbage at every operation of every spec: each answer is a JSON error below 500, or a
/// success, and the mock keeps serving.
#[tokio::test]
async fn garbage_at_every_operation_never_breaks_the_mock() {
    let mock = MockServer::start_with(vmware_cpn_mock::Config::default().record_journal(true))
        .await
        .unwrap();
    let http = vmware_cpn_runtime::http_client_builder().build().unwrap();
    let token = mock.issue_access_token();
    for surface in vmware_cpn_spec::SURFACES {
        let spec =
            vmware_cpn_spec::load_in(&vmware_cpn_spec::workspace_root(), surface.name).unwrap();
        let root = if surface.name == "vcpp" {
            mock.vcpp_base_url()
        } else {
            mock.base_url().to_owned()
        };
        for operation in load::operations(&spec.spec) {
            let path = operation.path.replace('{', "").replace('}', "%7B%25");
            let url = format!("{root}{path}?pageStart=-1&startTime=x&consolidate_offers=maybe");
            let method =
                reqwest::Method::from_bytes(operation.method.to_uppercase().as_bytes()).unwrap();
            for body in ["", "{not json", "[]", "{\"OrderRequest\": 5}"] {
                let answer = http
                    .request(method.clone(), &url)
                    .header("csp-auth-token", &token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{}: the mock broke: {e}", operation.label()));
                let status = answer.status();
                let bytes = answer.bytes().await.unwrap();
                assert!(
                    status.as_u16() < 500,
                    "{}: {status} {bytes:?}",
                    operation.label()
                );
                if !status.is_success() {
                    serde_json::from_slice::<Value>(&bytes).unwrap_or_else(|_| {
                        panic!("{}: {status} without a JSON body", operation.label())
                    });
                }
            }
        }
    }
    let sdk = Sdk::new(&mock);
    sdk.list_tenants().await.unwrap();
    // Every error answer has the shape its spec declares for its status.
    let problems = common::conformance::answers_departing_from_the_specs(&mock.journal());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn attachments_up_to_64_mib_are_taken_and_larger_ones_are_a_413() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::new(&mock);
    let org = mock.provider_org();
    let attach =
        |size: usize| cphub_support::Attachment::from_bytes("capture.pcap", vec![7u8; size]);

    sdk.support
        .upload_attachment(org, "18625917011", attach(3 << 20))
        .await
        .unwrap();
    let error = sdk
        .support
        .upload_attachment(org, "18625917011", attach(65 << 20))
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(StatusCode::PAYLOAD_TOO_LARGE));
    let ticket = sdk
        .support
        .get_support_request()
        .org_id(org)
        .support_request_id("18625917011")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ticket.file_references.len(),
        1,
        "only the first was attached"
    );
}

/// The spec's example tenant with one field changed, sent raw so the mock sees what a
/// careless client would send.
async fn create_tenant_with(mock: &MockServer, field: &str, value: Value) -> StatusCode {
    let mut tenant =
        vmware_cpn_test_support::Spec::load("cphub-core").request_example("create_tenant");
    tenant["displayName"] = json!("Never stored");
    tenant[field] = value;
    let (status, _) = cphub_error(
        vmware_cpn_runtime::http_client_builder()
            .build()
            .unwrap()
            .post(tenants_url(mock))
            .header("csp-auth-token", mock.issue_access_token())
            .json(&tenant),
    )
    .await;
    status
}

#[tokio::test]
async fn a_value_outside_the_spec_is_a_400_and_never_stored() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::new(&mock);

    assert_eq!(
        create_tenant_with(&mock, "tenantType", json!("NOT_A_TENANT_TYPE")).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        create_tenant_with(&mock, "zip", json!(30313)).await,
        StatusCode::BAD_REQUEST
    );

    let tenants = sdk.list_tenants().await.unwrap().into_inner();
    let listed = serde_json::to_value(&tenants).unwrap().to_string();
    assert!(!listed.contains("Never stored"), "{listed}");
}

#[tokio::test]
async fn a_query_parameter_outside_its_enum_is_a_400_naming_it() {
    let mock = MockServer::start().await.unwrap();
    // No handler reads `context`: only the check against the spec can refuse it.
    let url = format!(
        "{}/cphub/api/auth/v1/orgs/{}/users?context=NOT_A_CONTEXT",
        mock.base_url(),
        mock.provider_org()
    );
    let (status, error) = cphub_error(
        vmware_cpn_runtime::http_client_builder()
            .build()
            .unwrap()
            .get(url)
            .header("csp-auth-token", mock.issue_access_token()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error.message.as_deref().unwrap().contains("context"),
        "{error:?}"
    );
}
