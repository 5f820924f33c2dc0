//! cphub-auth's OAuth apps, OAuth clients and enterprise groups against the mock: an app
//! created through the API gets CSP access tokens with its secret (both published
//! exchanges), which other surfaces accept; its roles as a client, and a group's roles, show
//! in the reads that follow each change; a rotated-out secret and a deleted app get no token.

use base64::Engine;
use cphub_auth::types::{
    AssignGroupsToOrgAuthRequest, AssignRolesRequest, ClientCredentials, DeleteGroupRolesRequest,
    OAuthAppAuthorizeForm, OrgBindings, OrgOauthAppRequest, OrgOauthAppUpdateRequest,
    UpdateRolesRequest,
};
use serde_json::json;
use vmware_cpn_mock::MockServer;
use vmware_cpn_runtime::{Auth, RetryPolicy, Runtime};
use vmware_cpn_test_support::typed;

use crate::common::Sdk;

const BILLING: &str = "msp:provider_billing_user";
const SUPPORT: &str = "msp:provider_support_user";
const ACCOUNTS: &str = "msp:provider_account_admin";
const GROUP: &str = "3f2b1c9e-5d6a-4e7f-8a9b-0c1d2e3f4a5b";

pub async fn operations(sdk: &Sdk, mock: &MockServer, org: &str) {
    let tenants = sdk.core.list_tenants().org_id(org).send().await.unwrap();
    let tenant = tenants[0].id.clone().unwrap();
    allowed_scopes(sdk, org).await;
    let (client_id, secret) = create_and_read(sdk, org).await;
    let secret = exchanges(sdk, mock, org, &client_id, &secret).await;
    client_roles(sdk, org, &client_id, &tenant).await;
    groups(sdk, org).await;
    deleted(sdk, mock, org, &client_id, &secret).await;
}

/// A client of another surface that sends `token` as `csp-auth-token`.
fn core_with(mock: &MockServer, token: &str) -> cphub_core::Client {
    let runtime = Runtime::builder()
        .auth(Auth::csp_access_token(token))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    cphub_core::Client::with_runtime(mock.base_url(), runtime)
}

/// A cphub-auth client whose every request carries `authorization: Basic` with the app's
/// credentials: how `authorize_oauth_app` takes them.
fn basic_client(mock: &MockServer, client_id: &str, secret: &str) -> cphub_auth::Client {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"));
    let mut headers = reqwest::header::HeaderMap::new();
    let mut value = reqwest::header::HeaderValue::from_str(&format!("Basic {encoded}")).unwrap();
    value.set_sensitive(true);
    headers.insert(reqwest::header::AUTHORIZATION, value);
    let http = vmware_cpn_runtime::http_client_builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let runtime = Runtime::builder()
        .http_client(http)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    cphub_auth::Client::with_runtime(mock.base_url(), runtime)
}

async fn json_exchange(sdk: &Sdk, org: &str, client_id: &str, secret: &str) -> Result<String, u16> {
    let credentials: ClientCredentials =
        typed(json!({ "clientId": client_id, "clientSecret": secret }));
    match sdk
        .auth
        .get_oauth_app_access_token()
        .org_id(org)
        .body(credentials)
        .send()
        .await
    {
        Ok(answer) => {
            assert_eq!(answer.status().as_u16(), 201, "published: 201 Created");
            Ok(answer.access_token.expose().to_owned())
        }
        Err(error) => Err(error.status().unwrap().as_u16()),
    }
}

async fn basic_exchange(
    mock: &MockServer,
    org: &str,
    client_id: &str,
    secret: &str,
) -> Result<String, u16> {
    let client = basic_client(mock, client_id, secret);
    let form = OAuthAppAuthorizeForm(Default::default());
    match client
        .authorize_oauth_app()
        .org_id(org)
        .access_token_validity_seconds(600)
        .body(form)
        .send()
        .await
    {
        Ok(answer) => {
            assert_eq!(answer.status().as_u16(), 200, "published: 200 OK");
            Ok(answer.access_token.expose().to_owned())
        }
        Err(error) => Err(error.status().unwrap().as_u16()),
    }
}

/// The organization's roles, as scopes.
async fn allowed_scopes(sdk: &Sdk, org: &str) {
    let scopes = sdk
        .auth
        .list_allowed_oauth_scopes()
        .org_id(org)
        .send()
        .await
        .unwrap();
    let names: Vec<_> = scopes.iter().filter_map(|s| s.name.as_deref()).collect();
    assert!(names.contains(&BILLING), "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("msp:provider_")));
}

/// Created with a generated id and secret; the reads show the app, never its secret. Answers
/// the credentials.
async fn create_and_read(sdk: &Sdk, org: &str) -> (String, String) {
    let request: OrgOauthAppRequest = typed(json!({
        "displayName": "billing-exporter",
        "description": "Reads usage reports",
        "accessTokenTTL": 1800,
        "allowedScopes": { "organizationScopes": { "roles": [{ "name": BILLING }] } },
    }));
    let created = sdk
        .auth
        .create_oauth_app()
        .org_id(org)
        .body(request)
        .send()
        .await
        .unwrap();
    let client_id = created.client_id.clone().unwrap();
    let secret = created.client_secret.as_ref().unwrap().expose().to_owned();
    assert!(!client_id.is_empty() && secret.len() >= 8);

    let read = sdk
        .auth
        .get_oauth_app()
        .org_id(org)
        .oauth_app_id(&client_id)
        .send()
        .await
        .unwrap();
    assert_eq!(read.id.as_deref(), Some(client_id.as_str()));
    assert_eq!(read.display_name.as_deref(), Some("billing-exporter"));
    assert_eq!(read.access_token_ttl, Some(1800));
    assert_eq!(read.grant_types, ["client_credentials"]);
    let roles = &read.allowed_scopes.as_ref().unwrap().organization_scopes;
    assert_eq!(
        roles.as_ref().unwrap().roles[0].name.as_deref(),
        Some(BILLING)
    );
    let shown = serde_json::to_string(&*read).unwrap();
    assert!(
        !shown.contains(&secret),
        "the secret is shown only at creation"
    );

    // Not an app of a tenant, nor an app at all.
    let tenant_org = sdk.core.list_tenants().org_id(org).send().await.unwrap()[0]
        .id
        .clone()
        .unwrap();
    for (owner, id) in [
        (tenant_org.as_str(), client_id.as_str()),
        (org, "no-such-app"),
    ] {
        let missing = sdk.auth.get_oauth_app().org_id(owner).oauth_app_id(id);
        assert_eq!(missing.send().await.unwrap_err().status().unwrap(), 404);
    }
    // A client id in use is a conflict.
    let again: OrgOauthAppRequest = typed(json!({ "id": client_id }));
    let taken = sdk.auth.create_oauth_app().org_id(org).body(again);
    assert_eq!(taken.send().await.unwrap_err().status().unwrap(), 409);
    (client_id, secret)
}

/// Both exchanges give a token other surfaces accept; a wrong secret, another organization or
/// no credentials get `401`. A rotated secret replaces the old one. Answers the new secret.
async fn exchanges(
    sdk: &Sdk,
    mock: &MockServer,
    org: &str,
    client_id: &str,
    secret: &str,
) -> String {
    let token = json_exchange(sdk, org, client_id, secret).await.unwrap();
    let tenants = core_with(mock, &token)
        .list_tenants()
        .org_id(org)
        .send()
        .await;
    assert!(!tenants.unwrap().is_empty(), "the app's token is accepted");
    let token = basic_exchange(mock, org, client_id, secret).await.unwrap();
    let tenants = core_with(mock, &token)
        .list_tenants()
        .org_id(org)
        .send()
        .await;
    assert!(!tenants.unwrap().is_empty(), "the app's token is accepted");

    assert_eq!(
        json_exchange(sdk, org, client_id, "Wr0ng-secret!").await,
        Err(401)
    );
    assert_eq!(
        basic_exchange(mock, org, client_id, "Wr0ng-secret!").await,
        Err(401)
    );
    let tenant = sdk.core.list_tenants().org_id(org).send().await.unwrap()[0]
        .id
        .clone()
        .unwrap();
    assert_eq!(
        json_exchange(sdk, &tenant, client_id, secret).await,
        Err(401)
    );
    let empty = sdk
        .auth
        .get_oauth_app_access_token()
        .org_id(org)
        .body(typed::<ClientCredentials>(json!({})));
    assert_eq!(empty.send().await.unwrap_err().status().unwrap(), 401);

    // A new secret at once (no grace period): the old one buys nothing more.
    let rotated = "Rot4ted-Secret!";
    let update: OrgOauthAppUpdateRequest = typed(json!({
        "secret": rotated,
        "description": "Reads usage reports and subscriptions",
        "secretRotationExpirationInSeconds": 0,
    }));
    let updated = sdk
        .auth
        .update_oauth_app()
        .org_id(org)
        .oauth_app_id(client_id)
        .body(update)
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.description.as_deref(),
        Some("Reads usage reports and subscriptions")
    );
    assert_eq!(updated.display_name.as_deref(), Some("billing-exporter"));
    assert!(updated.last_updated_at >= updated.created_at);
    assert_eq!(json_exchange(sdk, org, client_id, secret).await, Err(401));
    assert!(json_exchange(sdk, org, client_id, rotated).await.is_ok());
    rotated.to_owned()
}

fn org_role_names(client: &cphub_auth::types::CpnOrgOauthAppClient) -> Vec<String> {
    let names = client
        .organization_roles
        .iter()
        .filter_map(|r| r.name.clone());
    names.collect()
}

fn bound_orgs(bindings: &OrgBindings) -> Vec<String> {
    match bindings {
        OrgBindings::Array(orgs) => orgs.iter().filter_map(|o| o.org_id.clone()).collect(),
        OrgBindings::OrgForAuth(org) => org.org_id.iter().cloned().collect(),
    }
}

/// The app as a client of its organization: roles assigned, changed and bound to a tenant,
/// each change in the next read. An app of no organization fails in the answer.
async fn client_roles(sdk: &Sdk, org: &str, client_id: &str, tenant: &str) {
    let assign: AssignRolesRequest = typed(json!({
        "ids": [client_id, "no-such-app"],
        "organizationRoles": [{ "name": ACCOUNTS }],
        "orgRoleBindingOrgs": [tenant],
        "serviceRoles": [{ "serviceDefinitionId": "log-insight", "serviceRoles": [{ "name": "log-intelligence:user" }] }],
    }));
    let outcome = sdk
        .auth
        .assign_client_roles()
        .org_id(org)
        .body(assign)
        .send()
        .await
        .unwrap();
    let failed: Vec<_> = outcome
        .failures
        .iter()
        .filter_map(|f| f.id.as_deref())
        .collect();
    assert_eq!(failed, ["no-such-app"]);

    let read = |org: &str| {
        let call = sdk.auth.get_oauth_client().org_id(org).client_id(client_id);
        async move { call.send().await }
    };
    let client = read(org).await.unwrap();
    assert_eq!(org_role_names(&client), [ACCOUNTS]);
    assert_eq!(client.display_name.as_deref(), Some("billing-exporter"));
    assert_eq!(
        client.source_org.as_ref().unwrap().org_id.as_deref(),
        Some(org)
    );
    let service = &client.service_roles[0];
    assert_eq!(
        service.service_definition_id.as_deref(),
        Some("log-insight")
    );
    assert_eq!(
        service.service_roles[0].name.as_deref(),
        Some("log-intelligence:user")
    );
    assert_eq!(read(tenant).await.unwrap_err().status().unwrap(), 404);

    let bindings = |role: &str| {
        let call = sdk
            .auth
            .get_client_org_bindings_for_role()
            .client_id(client_id)
            .org_id(org)
            .role_id(role);
        async move { bound_orgs(&call.send().await.unwrap()) }
    };
    assert_eq!(bindings(ACCOUNTS).await, [tenant]);

    let update: UpdateRolesRequest = typed(json!({
        "organizationRoles": { "rolesToAdd": [{ "name": SUPPORT }], "rolesToRemove": [{ "name": ACCOUNTS }] },
        "serviceRoles": [{ "serviceDefinitionId": "log-insight", "rolesToRemove": [{ "name": "log-intelligence:user" }] }],
    }));
    let updated = sdk
        .auth
        .update_client_roles()
        .client_id(client_id)
        .org_id(org)
        .body(update)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status().as_u16(), 200);
    let client = read(org).await.unwrap();
    assert_eq!(org_role_names(&client), [SUPPORT]);
    assert!(client.service_roles[0].service_roles.is_empty());
    assert!(
        bindings(ACCOUNTS).await.is_empty(),
        "a role removed loses its bindings"
    );

    let bind: UpdateRolesRequest =
        typed(json!({ "orgRoleBindingOrgs": { "orgsToAdd": [tenant] } }));
    let call = sdk
        .auth
        .update_client_roles()
        .client_id(client_id)
        .org_id(org);
    call.body(bind).send().await.unwrap();
    assert_eq!(bindings(SUPPORT).await, [tenant]);

    // A role the organization does not offer.
    let unknown: UpdateRolesRequest =
        typed(json!({ "organizationRoles": { "rolesToAdd": [{ "name": "msp:tenant_admin" }] } }));
    let call = sdk
        .auth
        .update_client_roles()
        .client_id(client_id)
        .org_id(org);
    assert_eq!(
        call.body(unknown)
            .send()
            .await
            .unwrap_err()
            .status()
            .unwrap(),
        404
    );
}

/// A group's roles, assigned, changed and read back, then the group removed.
async fn groups(sdk: &Sdk, org: &str) {
    let assign = |body: serde_json::Value| {
        let body: AssignGroupsToOrgAuthRequest = typed(body);
        let call = sdk.auth.assign_group_roles().org_id(org).body(body);
        async move { call.send().await }
    };
    let read = || {
        let call = sdk.auth.get_group_roles().org_id(org).group_id(GROUP);
        async move { call.send().await }
    };
    assert_eq!(read().await.unwrap_err().status().unwrap(), 404);
    assign(json!({
        "ids": [GROUP],
        "notifyUsersInGroups": false,
        "orgRoleItems": { "roleNamesToAdd": [SUPPORT, BILLING] },
        "serviceRolesItems": { "serviceRolesItems": [{
            "serviceId": "log-insight", "roleNamesToAdd": ["log-intelligence:user"],
        }] },
    }))
    .await
    .unwrap();
    let roles = read().await.unwrap();
    let org_roles = &roles.organization_roles.as_ref().unwrap().org_roles;
    let ids: Vec<_> = org_roles
        .iter()
        .filter_map(|r| r.id.as_ref().map(|id| id.as_str().to_owned()))
        .collect();
    assert_eq!(ids, [SUPPORT, BILLING]);
    assert_eq!(org_roles[0].org_id.as_deref(), Some(org));
    let service = &roles.service_roles[0];
    assert_eq!(service.service_id.as_deref(), Some("log-insight"));
    assert_eq!(
        service.roles[0].role_id.as_deref(),
        Some("log-intelligence:user")
    );

    assign(json!({ "ids": [GROUP], "orgRoleItems": { "roleNamesToRemove": [BILLING] } }))
        .await
        .unwrap();
    let roles = read().await.unwrap();
    assert_eq!(
        roles.organization_roles.as_ref().unwrap().org_roles.len(),
        1
    );
    let refused = assign(
        json!({ "ids": [GROUP], "orgRoleItems": { "roleNamesToAdd": ["msp:tenant_admin"] } }),
    );
    assert_eq!(refused.await.unwrap_err().status().unwrap(), 404);

    let remove: DeleteGroupRolesRequest =
        typed(json!({ "ids": [GROUP], "notifyUsersInGroups": false }));
    let removed = sdk
        .auth
        .delete_groups()
        .org_id(org)
        .body(remove)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status().as_u16(), 204);
    assert_eq!(read().await.unwrap_err().status().unwrap(), 404);
}

/// Deleted (as in the UI: the reference publishes no delete), the app's secret buys no token
/// in either form, and it is no client any more.
async fn deleted(sdk: &Sdk, mock: &MockServer, org: &str, client_id: &str, secret: &str) {
    assert!(basic_exchange(mock, org, client_id, secret).await.is_ok());
    assert!(mock.delete_oauth_app(client_id));
    assert_eq!(json_exchange(sdk, org, client_id, secret).await, Err(401));
    assert_eq!(basic_exchange(mock, org, client_id, secret).await, Err(401));
    let gone = sdk.auth.get_oauth_app().org_id(org).oauth_app_id(client_id);
    assert_eq!(gone.send().await.unwrap_err().status().unwrap(), 404);
    let client = sdk.auth.get_oauth_client().org_id(org).client_id(client_id);
    assert_eq!(client.send().await.unwrap_err().status().unwrap(), 404);
    assert!(!mock.delete_oauth_app(client_id));
}
