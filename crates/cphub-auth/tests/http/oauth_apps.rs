//! The identity reference's OAuth-app, OAuth-client and enterprise-group operations, and the
//! two OAuth-app token exchanges, each called once against a loopback server: the request is
//! asserted (method, path, query, which credential is sent, the spec's request example as
//! body) and the spec's answer comes back typed, every documented property in a typed field.

use std::collections::HashMap;

use cphub_auth::Client;
use cphub_auth::types::{
    AccessTokenResponse, AssignGroupsToOrgAuthRequest, AssignRolesRequest, ClientCredentials,
    DeleteGroupRolesRequest, OAuthAppAuthorizeForm, OrgBindings, OrgOauthAppRequest,
    OrgOauthAppUpdateRequest, OrgRoleName, ServiceScopeType, UpdateRolesRequest,
};
use httpmock::Method;
use httpmock::prelude::*;
use serde_json::Value;
use vmware_cpn_runtime::{RetryPolicy, Runtime};
use vmware_cpn_test_support::{ORG, TOKEN, anonymous_runtime, typed};

use super::{client, spec};

/// The OAuth app of the spec's examples.
const APP: &str = "5b0c3a9e-2d4f-4e6a-8b1c-7d9e0f1a2b3c";
/// The enterprise group of the spec's examples.
const GROUP: &str = "3f2b1c9e-5d6a-4e7f-8a9b-0c1d2e3f4a5b";

/// `value` without its empty lists and maps, which the generated types leave out when they
/// serialize.
fn pruned(value: Value) -> Value {
    let is_empty = |value: &Value| match value {
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    };
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, pruned(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(pruned).collect()),
        other => other,
    }
}

/// The typed answer serializes back to the example: nothing was lost or renamed.
fn assert_same<T: serde::Serialize>(answer: &T, example: &Value) {
    let answer = serde_json::to_value(answer).unwrap();
    assert_eq!(pruned(answer), pruned(example.clone()));
}

/// Expects `method path` with the CSP token and, if given, the JSON `body`; answers `status`
/// with `answer` (no body for `None`).
async fn expect<'a>(
    server: &'a MockServer,
    method: Method,
    path: &str,
    body: Option<&Value>,
    (status, answer): (u16, Option<&Value>),
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            let when = when
                .method(method)
                .path(path)
                .header("csp-auth-token", TOKEN);
            if let Some(body) = body {
                when.header("content-type", "application/json")
                    .json_body(pruned(body.clone()));
            }
            let then = then.status(status);
            if let Some(answer) = answer {
                then.json_body(answer.clone());
            }
        })
        .await
}

fn apps_path(tail: &str) -> String {
    format!("/cphub/api/auth/v2/orgs/{ORG}/oauth-apps{tail}")
}

#[tokio::test]
async fn get_oauth_app_access_token_sends_the_credentials_as_json_without_a_token() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let request = spec.request_example("get_oauth_app_access_token");
    let answer = spec.response_example("get_oauth_app_access_token", "201");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!(
                    "/cphub/api/auth/v1/authn/accounts/{ORG}/accesstoken"
                ))
                .header("content-type", "application/json")
                .header_missing("csp-auth-token")
                .json_body(request.clone());
            then.status(201).json_body(answer.clone());
        })
        .await;

    let client = Client::with_runtime(&server.base_url(), anonymous_runtime());
    let body: ClientCredentials = typed(request);
    // The secret is a secret from the start: it never shows in Debug output.
    assert!(!format!("{body:?}").contains("Exampl3"), "{body:?}");
    let tokens = client
        .get_oauth_app_access_token()
        .org_id(ORG)
        .body(body)
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(tokens.status().as_u16(), 201);
    assert_eq!(
        tokens.access_token.expose(),
        "eyJhbGciOiJSUzI1NiJ9.example.signature"
    );
    assert!(tokens.extra.is_empty(), "{:?}", tokens.extra.keys());
}

/// HTTP Basic is the caller's (here the HTTP client's default header); the body is a form and
/// `orgId` a query parameter.
#[tokio::test]
async fn authorize_oauth_app_sends_a_form_with_the_org_in_the_query() {
    let spec = spec();
    let server = MockServer::start_async().await;
    // `billing-exporter:Exampl3-Secret!` in Base64.
    let basic = "Basic YmlsbGluZy1leHBvcnRlcjpFeGFtcGwzLVNlY3JldCE=";
    let answer = spec.response_example("authorize_oauth_app", "200");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/cphub/api/auth/v2/authn/authorize")
                .query_param("orgId", ORG)
                .query_param("accessTokenValiditySeconds", "600")
                .header("authorization", basic)
                .header("content-type", "application/x-www-form-urlencoded")
                .header_missing("csp-auth-token")
                .body("grant_type=client_credentials");
            then.status(200).json_body(answer.clone());
        })
        .await;

    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        reqwest::header::HeaderValue::from_static(basic),
    );
    let http = vmware_cpn_runtime::http_client_builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let runtime = Runtime::builder()
        .http_client(http)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let client = Client::with_runtime(&server.base_url(), runtime);
    // The form's fields are not published; any may be sent.
    let form = OAuthAppAuthorizeForm(HashMap::from([(
        "grant_type".to_owned(),
        "client_credentials".to_owned(),
    )]));
    let tokens = client
        .authorize_oauth_app()
        .org_id(ORG)
        .access_token_validity_seconds(600)
        .body(form)
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(tokens.status().as_u16(), 200);
    let tokens: AccessTokenResponse = tokens.into_inner();
    assert_eq!(
        tokens.access_token.expose(),
        "eyJhbGciOiJSUzI1NiJ9.example.signature"
    );
}

/// The answer carries the client secret, a secret in the typed value.
#[tokio::test]
async fn create_oauth_app_answers_the_client_id_and_secret() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let request = spec.request_example("create_oauth_app");
    let answer = spec.response_example("create_oauth_app", "200");
    let path = apps_path("");
    let mock = expect(&server, POST, &path, Some(&request), (200, Some(&answer))).await;

    let body: OrgOauthAppRequest = typed(request.clone());
    let created = client(&server)
        .create_oauth_app()
        .org_id(ORG)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.client_id.as_deref(), Some(APP));
    let secret = created.client_secret.as_ref().unwrap();
    assert_eq!(secret.expose(), "Gen3rated-Secret-7f2a!");
    assert!(!format!("{created:?}").contains("Gen3rated"), "{created:?}");
    assert!(created.extra.is_empty(), "{:?}", created.extra.keys());
}

#[tokio::test]
async fn list_allowed_oauth_scopes_types_the_descriptors() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let answer = spec.response_example("list_allowed_oauth_scopes", "200");
    let path = apps_path("/scopes");
    let mock = expect(&server, GET, &path, None, (200, Some(&answer))).await;

    let scopes = client(&server)
        .list_allowed_oauth_scopes()
        .org_id(ORG)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(scopes[1].name.as_deref(), Some("msp:provider_billing_user"));
    assert_eq!(scopes[1].enabled, Some(true));
    assert_same(&scopes, &answer);
    // A scope type the reference does not list is kept.
    let later: cphub_auth::types::AllowedScopeDescriptor =
        typed(serde_json::json!({ "name": "x", "serviceScopeType": "SOME_SERVICES" }));
    assert_eq!(
        later.service_scope_type,
        Some(ServiceScopeType::Unknown("SOME_SERVICES".to_owned()))
    );
}

/// Read and update answer the same typed app, which has no secret property.
#[tokio::test]
async fn get_and_update_oauth_app_answer_the_app() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let answer = spec.response_example("get_oauth_app", "200");
    let update = spec.request_example("update_oauth_app");
    let path = apps_path(&format!("/{APP}"));
    let get = expect(&server, GET, &path, None, (200, Some(&answer))).await;
    let patch = expect(&server, PATCH, &path, Some(&update), (200, Some(&answer))).await;

    let client = client(&server);
    let read = client
        .get_oauth_app()
        .org_id(ORG)
        .oauth_app_id(APP)
        .send()
        .await
        .unwrap()
        .into_inner();
    let body: OrgOauthAppUpdateRequest = typed(update);
    let updated = client
        .update_oauth_app()
        .org_id(ORG)
        .oauth_app_id(APP)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    get.assert_async().await;
    patch.assert_async().await;
    assert_eq!(read.id.as_deref(), Some(APP));
    assert_eq!(read.access_token_ttl, Some(1800));
    assert_eq!(read.created_at, Some(1700000000000));
    assert_eq!(read.grant_types, ["client_credentials"]);
    assert!(read.extra.is_empty(), "{:?}", read.extra.keys());
    assert_same(&read, &answer);
    assert_same(&updated, &answer);
}

#[tokio::test]
async fn assign_client_roles_answers_the_failures() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let request = spec.request_example("assign_client_roles");
    let failed = spec.named_response_example("assign_client_roles", "200", "failed");
    let path = format!("/cphub/api/auth/v2/orgs/{ORG}/clients");
    let mock = expect(&server, POST, &path, Some(&request), (200, Some(&failed))).await;

    let body: AssignRolesRequest = typed(request);
    assert_eq!(body.ids, [APP]);
    assert_eq!(
        body.organization_roles[0].name.as_deref(),
        Some("msp:provider_billing_user")
    );
    let outcome = client(&server)
        .assign_client_roles()
        .org_id(ORG)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let failure = &outcome.failures[0];
    assert_eq!(
        failure.id.as_deref(),
        Some("9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a")
    );
    assert!(failure.message.is_some());
    assert_same(&outcome, &failed);
}

#[tokio::test]
async fn get_oauth_client_types_roles_and_source_org() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let answer = spec.response_example("get_oauth_client", "200");
    let path = format!("/cphub/api/auth/v2/orgs/{ORG}/clients/{APP}");
    let mock = expect(&server, GET, &path, None, (200, Some(&answer))).await;

    let found = client(&server)
        .get_oauth_client()
        .org_id(ORG)
        .client_id(APP)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        found.organization_roles[0].name.as_deref(),
        Some("msp:provider_billing_user")
    );
    let source = found.source_org.as_ref().unwrap();
    assert_eq!(source.short_id.as_deref(), Some("acme"));
    assert!(found.extra.is_empty(), "{:?}", found.extra.keys());
    assert_same(&found, &answer);
}

/// `200` with no body, as published.
#[tokio::test]
async fn update_client_roles_sends_patch_and_reads_no_body() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let request = spec.request_example("update_client_roles");
    let path = format!("/cphub/api/auth/v2/clients/{APP}/orgs/{ORG}/roles");
    let mock = expect(&server, PATCH, &path, Some(&request), (200, None)).await;

    let body: UpdateRolesRequest = typed(request);
    let answer = client(&server)
        .update_client_roles()
        .client_id(APP)
        .org_id(ORG)
        .body(body)
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(answer.status().as_u16(), 200);
}

#[tokio::test]
async fn get_client_org_bindings_for_role_takes_the_array_form() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let array = spec.named_response_example("get_client_org_bindings_for_role", "200", "array");
    let role = "msp:provider_account_admin";
    let path = format!("/cphub/api/auth/v2/clients/{APP}/orgs/{ORG}/org-roles/{role}/org-bindings");
    let mock = expect(&server, GET, &path, None, (200, Some(&array))).await;

    let bindings = client(&server)
        .get_client_org_bindings_for_role()
        .client_id(APP)
        .org_id(ORG)
        .role_id(role)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let OrgBindings::Array(orgs) = bindings else {
        panic!("the array form: {bindings:?}");
    };
    assert_eq!(
        orgs[0].org_id.as_deref(),
        Some("46d88eea-0634-11ea-93c9-0a97bec7ba64")
    );
}

/// Assign (`200`, no body), read the roles back, delete (`204`): the group operations.
#[tokio::test]
async fn group_roles_are_assigned_read_and_removed() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let assign = spec.request_example("assign_group_roles");
    let remove = spec.request_example("delete_groups");
    let answer = spec.response_example("get_group_roles", "200");
    let groups = format!("/cphub/api/auth/v1/federation/orgs/{ORG}/groups");
    let post = expect(&server, POST, &groups, Some(&assign), (200, None)).await;
    let delete = expect(&server, DELETE, &groups, Some(&remove), (204, None)).await;
    let roles_path = format!("{groups}/{GROUP}/roles");
    let get = expect(&server, GET, &roles_path, None, (200, Some(&answer))).await;

    let client = client(&server);
    let body: AssignGroupsToOrgAuthRequest = typed(assign);
    let assigned = client.assign_group_roles().org_id(ORG).body(body).send();
    assert_eq!(assigned.await.unwrap().status().as_u16(), 200);
    let roles = client
        .get_group_roles()
        .org_id(ORG)
        .group_id(GROUP)
        .send()
        .await
        .unwrap()
        .into_inner();
    let body: DeleteGroupRolesRequest = typed(remove);
    let removed = client.delete_groups().org_id(ORG).body(body).send();
    assert_eq!(removed.await.unwrap().status().as_u16(), 204);

    post.assert_async().await;
    get.assert_async().await;
    delete.assert_async().await;
    let org_roles = &roles.organization_roles.as_ref().unwrap().org_roles;
    assert_eq!(org_roles[0].id, Some(OrgRoleName::MspProviderSupportUser));
    assert_eq!(
        roles.service_roles[0].roles[0].role_id.as_deref(),
        Some("log-intelligence:user")
    );
    assert!(roles.extra.is_empty(), "{:?}", roles.extra.keys());
    assert_same(&roles, &answer);
}

/// The reference types a role's `id` as a plain string: a group's role outside the guides'
/// eight decodes (as `OrgRoleName::Unknown`) and is sent back unchanged.
#[test]
fn a_group_role_outside_the_guides_list_decodes() {
    let body = serde_json::json!({
        "organizationRoles": { "orgRoles": [{ "id": "csp:org_member", "name": "csp:org_member" }] },
        "serviceRoles": [],
    });
    let roles: cphub_auth::types::OrgAndServiceRolesForAuth = typed(body.clone());
    let role = &roles.organization_roles.as_ref().unwrap().org_roles[0];
    assert_eq!(
        role.id,
        Some(OrgRoleName::Unknown("csp:org_member".to_owned()))
    );
    assert_same(&roles, &body);
}
