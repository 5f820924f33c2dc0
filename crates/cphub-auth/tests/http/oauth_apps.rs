//! The identity reference's OAuth-app, OAuth-client and enterprise-group operations, and the
//! two OAuth-app token exchanges, each called once against a loopback server: the request is
//! asserted (method, path and query by the typed httpmock helper, which credential is sent,
//! the spec's request example as body) and the spec's answer comes back typed, every
//! documented property in a typed field.

use std::collections::HashMap;

use cphub_auth::Client;
use cphub_auth::mock::MockServerExt;
use cphub_auth::types::{
    AccessTokenResponse, AssignGroupsToOrgAuthRequest, AssignRolesRequest, ClientCredentials,
    DeleteGroupRolesRequest, OAuthAppAuthorizeForm, OrgBindings, OrgOauthAppRequest,
    OrgOauthAppUpdateRequest, OrgRoleName, ServiceScopeType, UpdateRolesRequest,
};
use httpmock::MockServer;
use vmware_cpn_runtime::{RetryPolicy, Runtime};
use vmware_cpn_test_support::{
    ORG, anonymous_runtime, assert_same, called, csp_json, csp_token, pruned, typed,
};

use super::{served, spec};

/// The OAuth app of the spec's examples.
const APP: &str = "5b0c3a9e-2d4f-4e6a-8b1c-7d9e0f1a2b3c";
/// The enterprise group of the spec's examples.
const GROUP: &str = "3f2b1c9e-5d6a-4e7f-8a9b-0c1d2e3f4a5b";

#[tokio::test]
async fn get_oauth_app_access_token_sends_the_credentials_as_json_without_a_token() {
    let (spec, server) = (spec(), MockServer::start_async().await);
    let request = spec.request_example("get_oauth_app_access_token");
    let answer = spec.response_example("get_oauth_app_access_token", "201");
    let mock = server.get_oauth_app_access_token(|when, then| {
        when.org_id(ORG)
            .into_inner()
            .header("content-type", "application/json")
            .header_missing("csp-auth-token")
            .json_body(request.clone());
        then.created(&typed(answer));
    });

    let client = Client::with_runtime(&server.base_url(), anonymous_runtime());
    let body: ClientCredentials = typed(request);
    // The secret is a secret from the start: it never shows in Debug output.
    assert!(!format!("{body:?}").contains("Exampl3"), "{body:?}");
    let call = client.get_oauth_app_access_token().org_id(ORG).body(body);
    let tokens = called(&mock, call.send()).await;

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
    let (spec, server) = (spec(), MockServer::start_async().await);
    // `billing-exporter:Exampl3-Secret!` in Base64.
    let basic = "Basic YmlsbGluZy1leHBvcnRlcjpFeGFtcGwzLVNlY3JldCE=";
    let answer = spec.response_example("authorize_oauth_app", "200");
    let mock = server.authorize_oauth_app(|when, then| {
        when.org_id(ORG)
            .access_token_validity_seconds(600)
            .into_inner()
            .header("authorization", basic)
            .header("content-type", "application/x-www-form-urlencoded")
            .header_missing("csp-auth-token")
            .body("grant_type=client_credentials");
        then.ok(&typed(answer));
    });

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
    let call = client.authorize_oauth_app().org_id(ORG);
    let call = call.access_token_validity_seconds(600).body(form);
    let tokens = called(&mock, call.send()).await;

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
    let ((server, client), spec) = (served().await, spec());
    let request = spec.request_example("create_oauth_app");
    let answer = spec.response_example("create_oauth_app", "200");
    let mock = server.create_oauth_app(|when, then| {
        csp_json(when.org_id(ORG).into_inner(), &pruned(request.clone()));
        then.ok(&typed(answer));
    });

    let body: OrgOauthAppRequest = typed(request.clone());
    let call = client.create_oauth_app().org_id(ORG).body(body);
    let created = called(&mock, call.send()).await.into_inner();

    assert_eq!(created.client_id.as_deref(), Some(APP));
    let secret = created.client_secret.as_ref().unwrap();
    assert_eq!(secret.expose(), "Gen3rated-Secret-7f2a!");
    assert!(!format!("{created:?}").contains("Gen3rated"), "{created:?}");
    assert!(created.extra.is_empty(), "{:?}", created.extra.keys());
}

#[tokio::test]
async fn list_allowed_oauth_scopes_types_the_descriptors() {
    let (server, client) = served().await;
    let answer = spec().response_example("list_allowed_oauth_scopes", "200");
    let mock = server.list_allowed_oauth_scopes(|when, then| {
        csp_token(when.org_id(ORG).into_inner());
        then.ok(&typed(answer.clone()));
    });

    let call = client.list_allowed_oauth_scopes().org_id(ORG);
    let scopes = called(&mock, call.send()).await.into_inner();

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
    let ((server, client), spec) = (served().await, spec());
    let answer = spec.response_example("get_oauth_app", "200");
    let update = spec.request_example("update_oauth_app");
    let get = server.get_oauth_app(|when, then| {
        csp_token(when.org_id(ORG).oauth_app_id(APP).into_inner());
        then.ok(&typed(answer.clone()));
    });
    let patch = server.update_oauth_app(|when, then| {
        let when = when.org_id(ORG).oauth_app_id(APP).into_inner();
        csp_json(when, &pruned(update.clone()));
        then.ok(&typed(answer.clone()));
    });

    let read = client.get_oauth_app().org_id(ORG).oauth_app_id(APP).send();
    let read = read.await.unwrap().into_inner();
    let body: OrgOauthAppUpdateRequest = typed(update);
    let updated = client.update_oauth_app().org_id(ORG).oauth_app_id(APP);
    let updated = updated.body(body).send().await.unwrap().into_inner();

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
    let ((server, client), spec) = (served().await, spec());
    let request = spec.request_example("assign_client_roles");
    let failed = spec.named_response_example("assign_client_roles", "200", "failed");
    let mock = server.assign_client_roles(|when, then| {
        csp_json(when.org_id(ORG).into_inner(), &pruned(request.clone()));
        then.ok(&typed(failed.clone()));
    });

    let body: AssignRolesRequest = typed(request);
    assert_eq!(body.ids, [APP]);
    assert_eq!(
        body.organization_roles[0].name.as_deref(),
        Some("msp:provider_billing_user")
    );
    let call = client.assign_client_roles().org_id(ORG).body(body);
    let outcome = called(&mock, call.send()).await.into_inner();

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
    let (server, client) = served().await;
    let answer = spec().response_example("get_oauth_client", "200");
    let mock = server.get_oauth_client(|when, then| {
        csp_token(when.org_id(ORG).client_id(APP).into_inner());
        then.ok(&typed(answer.clone()));
    });

    let call = client.get_oauth_client().org_id(ORG).client_id(APP);
    let found = called(&mock, call.send()).await.into_inner();

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
    let ((server, client), spec) = (served().await, spec());
    let request = spec.request_example("update_client_roles");
    let mock = server.update_client_roles(|when, then| {
        let when = when.client_id(APP).org_id(ORG).into_inner();
        csp_json(when, &pruned(request.clone()));
        then.ok();
    });

    let body: UpdateRolesRequest = typed(request);
    let call = client.update_client_roles().client_id(APP).org_id(ORG);
    let answer = called(&mock, call.body(body).send()).await;

    assert_eq!(answer.status().as_u16(), 200);
}

#[tokio::test]
async fn get_client_org_bindings_for_role_takes_the_array_form() {
    let (server, client) = served().await;
    let array = spec().named_response_example("get_client_org_bindings_for_role", "200", "array");
    let role = "msp:provider_account_admin";
    let mock = server.get_client_org_bindings_for_role(|when, then| {
        csp_token(when.client_id(APP).org_id(ORG).role_id(role).into_inner());
        then.ok(&typed(array));
    });

    let call = client.get_client_org_bindings_for_role().client_id(APP);
    let call = call.org_id(ORG).role_id(role).send();
    let bindings = called(&mock, call).await.into_inner();

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
    let ((server, client), spec) = (served().await, spec());
    let assign = spec.request_example("assign_group_roles");
    let remove = spec.request_example("delete_groups");
    let answer = spec.response_example("get_group_roles", "200");
    let post = server.assign_group_roles(|when, then| {
        csp_json(when.org_id(ORG).into_inner(), &pruned(assign.clone()));
        then.ok();
    });
    let delete = server.delete_groups(|when, then| {
        csp_json(when.org_id(ORG).into_inner(), &pruned(remove.clone()));
        then.no_content();
    });
    let get = server.get_group_roles(|when, then| {
        csp_token(when.org_id(ORG).group_id(GROUP).into_inner());
        then.ok(&typed(answer.clone()));
    });

    let body: AssignGroupsToOrgAuthRequest = typed(assign);
    let assigned = client.assign_group_roles().org_id(ORG).body(body).send();
    assert_eq!(assigned.await.unwrap().status().as_u16(), 200);
    let roles = client.get_group_roles().org_id(ORG).group_id(GROUP).send();
    let roles = roles.await.unwrap().into_inner();
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
