//! Every cphub-auth operation, called once against a loopback server: the request the client
//! sends (method, path, query, headers, body) is asserted with the typed httpmock helpers of
//! the crate's `mock` feature, and the spec's example answer comes back typed.

use cphub_auth::Client;
use cphub_auth::mock::MockServerExt;
use cphub_auth::types::{
    AccessTokenRequest, AddUsersRequest, InvitationEmails, InvitationStatus, MemberType,
    OrgRoleName, RequestContext, ResultStatus, UserRolesUpdate,
};
use httpmock::MockServer;
use vmware_cpn_test_support::{
    ORG, Spec, anonymous_runtime, called, csp_json, csp_runtime, csp_token, typed,
};

// Modules of this binary, in its own folder.
#[path = "http/identity.rs"]
mod identity;
#[path = "http/oauth_apps.rs"]
mod oauth_apps;

fn spec() -> Spec {
    Spec::load("cphub-auth")
}

fn client(server: &MockServer) -> Client {
    Client::with_runtime(&server.base_url(), csp_runtime())
}

/// A fresh server and a client of it that sends the CSP token.
async fn served() -> (MockServer, Client) {
    let server = MockServer::start_async().await;
    let client = client(&server);
    (server, client)
}

#[tokio::test]
async fn get_access_token_exchanges_the_api_token_without_a_csp_header() {
    let (spec, server) = (spec(), MockServer::start_async().await);
    let mock = server.get_access_token(|when, then| {
        when.into_inner()
            .header("content-type", "application/json")
            .header_missing("csp-auth-token")
            .json_body(spec.request_example("get_access_token"));
        then.ok(&typed(spec.response_example("get_access_token", "200")));
    });

    // The exchange is the one call made before there is a token to send.
    let client = Client::with_runtime(&server.base_url(), anonymous_runtime());
    let body = AccessTokenRequest::builder().refresh_token("your_api_token");
    let answer = called(&mock, client.get_access_token().body(body).send()).await;

    let answer = answer.into_inner();
    assert_eq!(
        answer.access_token.expose(),
        "eyJhbGciOiJSUzI1NiJ9.example.signature"
    );
    // The access token is a secret: it never shows in Debug output.
    assert!(!format!("{answer:?}").contains("eyJ"), "{answer:?}");
    assert!(answer.extra.is_empty(), "{:?}", answer.extra.keys());
}

#[tokio::test]
async fn list_users_types_users_with_their_roles() {
    let ((server, client), spec) = (served().await, spec());
    let mock = server.list_users(|when, then| {
        csp_token(when.org_id(ORG).into_inner());
        then.ok(&typed(spec.response_example("list_users", "200")));
    });

    let users = called(&mock, client.list_users().org_id(ORG).send()).await;

    assert_eq!(users.len(), 1);
    let user = &users[0];
    assert_eq!(
        user.user.as_ref().unwrap().email.as_deref(),
        Some("johndoe@lorem.com")
    );
    let org_role = &user.org_roles.as_ref().unwrap().org_roles[0];
    assert_eq!(org_role.id, Some(OrgRoleName::MspProviderOperationsAdmin));
    assert_eq!(org_role.member_type, Some(MemberType::Direct));
    assert_eq!(
        user.service_roles_list[0].roles[0].role_id.as_deref(),
        Some("log-intelligence:admin")
    );
}

/// `add_users` (PATCH) or `add_users_post` (POST) with the spec's request, answered `status`
/// with `answer`; the typed answer.
async fn add_users_call(
    operation: &str,
    context: Option<RequestContext>,
    (status, answer): (u16, serde_json::Value),
) -> cphub_auth::ResponseValue<cphub_auth::types::AddUsersResponse> {
    let server = MockServer::start_async().await;
    let request = spec().request_example(operation);
    let body: AddUsersRequest = typed(request.clone());
    let answer = |then: httpmock::Then| then.status(status).json_body(answer);
    let client = client(&server);
    if operation == "add_users" {
        let mock = server.add_users(|when, then| {
            csp_json(when.org_id(ORG).into_inner(), &request);
            answer(then.into_inner());
        });
        called(&mock, client.add_users().org_id(ORG).body(body).send()).await
    } else {
        let mock = server.add_users_post(|when, then| {
            let when = when.org_id(ORG);
            let when = match &context {
                Some(context) => when.context(context),
                None => when,
            };
            csp_json(when.into_inner(), &request);
            answer(then.into_inner());
        });
        let call = client.add_users_post().org_id(ORG);
        let call = match context {
            Some(context) => call.context(context),
            None => call,
        };
        called(&mock, call.body(body).send()).await
    }
}

async fn add_users_with(operation: &str) {
    let answer = spec().response_example(operation, "200");
    let answer = add_users_call(operation, None, (200, answer)).await;

    let added = answer.into_inner().added_users.unwrap();
    assert_eq!(added.status, Some(ResultStatus::Success));
    assert_eq!(added.users, ["johndoe@lorem.com"]);
    assert_eq!(added.detailed_status["johndoe@lorem.com"], "Success");
}

#[tokio::test]
async fn add_users_sends_patch() {
    add_users_with("add_users").await;
}

#[tokio::test]
async fn add_users_post_sends_post() {
    add_users_with("add_users_post").await;
}

#[tokio::test]
async fn list_invitations_types_status_and_epoch_millis() {
    let ((server, client), spec) = (served().await, spec());
    let mock = server.list_invitations(|when, then| {
        csp_token(when.org_id(ORG).into_inner());
        then.ok(&typed(spec.response_example("list_invitations", "200")));
    });

    let invitations = called(&mock, client.list_invitations().org_id(ORG).send()).await;

    assert_eq!(invitations.len(), 2);
    assert_eq!(invitations[0].status, Some(InvitationStatus::Available));
    assert_eq!(invitations[0].expiration_time, Some(1574312854269));
    // Microseconds in the guide's sample: larger than 2^32, kept exactly as i64.
    assert_eq!(invitations[0].revoked_at, Some(1573708230248000));
    assert_eq!(invitations[1].org_roles, [OrgRoleName::MspProviderAdmin]);
}

/// `revoke_invitations` (DELETE with a body) or `resend_invitations` (POST) with the spec's
/// request, answered `status` with `answer`; the typed answer.
async fn invitations_call(
    operation: &str,
    (status, answer): (u16, serde_json::Value),
) -> cphub_auth::ResponseValue<cphub_auth::types::InvitationsResult> {
    let server = MockServer::start_async().await;
    let request = spec().request_example(operation);
    let body: InvitationEmails = typed(request.clone());
    let answer = |then: httpmock::Then| then.status(status).json_body(answer);
    let client = client(&server);
    if operation == "revoke_invitations" {
        let mock = server.revoke_invitations(|when, then| {
            csp_json(when.org_id(ORG).into_inner(), &request);
            answer(then.into_inner());
        });
        called(
            &mock,
            client.revoke_invitations().org_id(ORG).body(body).send(),
        )
        .await
    } else {
        let mock = server.resend_invitations(|when, then| {
            csp_json(when.org_id(ORG).into_inner(), &request);
            answer(then.into_inner());
        });
        called(
            &mock,
            client.resend_invitations().org_id(ORG).body(body).send(),
        )
        .await
    }
}

async fn invitations_answered(operation: &str) {
    // resend has no documented answer; it shares the revoke answer's shape.
    let answer = spec().response_example("revoke_invitations", "200");
    let result = invitations_call(operation, (200, answer)).await;

    let outcome = result.into_inner().revoked_users_invitation.unwrap();
    assert_eq!(outcome.status, Some(ResultStatus::Success));
    assert_eq!(outcome.users.len(), 3);
    assert!(outcome.ref_link["jimdoe@acme.com"].ends_with("bec46eu2"));
}

#[tokio::test]
async fn revoke_invitations_sends_a_delete_with_a_body() {
    invitations_answered("revoke_invitations").await;
}

#[tokio::test]
async fn resend_invitations_sends_post() {
    invitations_answered("resend_invitations").await;
}

#[tokio::test]
async fn update_user_org_roles_sends_patch() {
    let ((server, client), spec) = (served().await, spec());
    let request = spec.named_request_example("update_user_org_roles", "update_roles");
    let mock = server.update_user_org_roles(|when, then| {
        csp_json(when.org_id(ORG).into_inner(), &request);
        then.ok(&typed(request.clone()));
    });

    let body: UserRolesUpdate = typed(request.clone());
    let applied = client.update_user_org_roles().org_id(ORG).body(body);
    let applied = called(&mock, applied.send()).await.into_inner();

    assert_eq!(applied.role_names_to_add, [OrgRoleName::MspProviderAdmin]);
    assert_eq!(
        applied.role_names_to_remove,
        [OrgRoleName::MspProviderSupportUser]
    );
    assert_eq!(applied.users[0].username, "johndoe@acme.com");
}

#[test]
fn a_role_and_a_property_added_later_by_the_server_survive() {
    let body = serde_json::json!({
        "id": "msp:provider_auditor",
        "name": "Provider Auditor",
        "memberType": "FEDERATED",
        "grantedAt": 1700000000000i64
    });
    let role: cphub_auth::types::OrgRole = serde_json::from_value(body.clone()).unwrap();
    assert!(role.id.as_ref().unwrap().is_unknown());
    assert_eq!(
        role.member_type,
        Some(MemberType::Unknown("FEDERATED".to_owned()))
    );
    assert_eq!(serde_json::to_value(&role).unwrap(), body);
}

/// The newest reference answers the exchange `201 Created`, with every AuthenticationTokens
/// field; the MFA `passcode` is sent when given.
#[tokio::test]
async fn get_access_token_answered_201_decodes_every_token() {
    let (spec, server) = (spec(), MockServer::start_async().await);
    let request = spec.named_request_example("get_access_token", "with_mfa");
    let mock = server.get_access_token(|when, then| {
        when.into_inner().json_body(request.clone());
        let example = spec.named_response_example("get_access_token", "201", "reference");
        then.created(&typed(example));
    });

    let client = Client::with_runtime(&server.base_url(), anonymous_runtime());
    let body: AccessTokenRequest = typed(request);
    let answer = called(&mock, client.get_access_token().body(body).send()).await;

    assert_eq!(answer.status().as_u16(), 201);
    let tokens = answer.into_inner();
    assert!(tokens.extra.is_empty(), "{:?}", tokens.extra.keys());
    assert_eq!(
        tokens.id_token.as_ref().unwrap().expose(),
        "eyJhbGciOiJSUzI1NiJ9.example-id.signature"
    );
    assert_eq!(
        tokens.refresh_token.as_ref().unwrap().expose(),
        "your_api_token"
    );
    assert_eq!(
        tokens.return_url.as_deref(),
        Some("https://console.navigator.vmware.com")
    );
    // Every token is a secret.
    let debug = format!("{tokens:?}");
    assert!(
        !debug.contains("eyJ") && !debug.contains("your_api_token"),
        "{debug}"
    );
}

/// The reference's V1 answer, `202` or `207`, for both methods of add-users (the POST one
/// with `context=TENANT`).
async fn add_users_answered(operation: &str, status: u16) {
    let example = spec().named_response_example(operation, &status.to_string(), "reference");
    let context = (operation == "add_users_post").then_some(RequestContext::Tenant);
    let answer = add_users_call(operation, context, (status, example)).await;

    assert_eq!(answer.status().as_u16(), status);
    let answer = answer.into_inner();
    assert_eq!(answer.added_users.unwrap().users, ["johndoe@lorem.com"]);
    let invited = answer.invited_users.unwrap();
    assert_eq!(invited.users, ["janedoe@lorem.com"]);
    assert!(invited.ref_link["janedoe@lorem.com"].contains("/invitations/"));
    assert!(answer.extra.is_empty(), "{:?}", answer.extra.keys());
}

#[tokio::test]
async fn add_users_answered_202_decodes() {
    add_users_answered("add_users", 202).await;
}

#[tokio::test]
async fn add_users_answered_207_decodes() {
    add_users_answered("add_users", 207).await;
}

#[tokio::test]
async fn add_users_post_answered_202_decodes() {
    add_users_answered("add_users_post", 202).await;
}

#[tokio::test]
async fn add_users_post_answered_207_decodes() {
    add_users_answered("add_users_post", 207).await;
}

/// The reference's revoke answer (AddUserGenericResponse), `202` or `207`.
async fn revoke_invitations_answered(status: u16) {
    let example =
        spec().named_response_example("revoke_invitations", &status.to_string(), "reference");
    let answer = invitations_call("revoke_invitations", (status, example)).await;

    assert_eq!(answer.status().as_u16(), status);
    let answer = answer.into_inner();
    assert!(answer.extra.is_empty(), "{:?}", answer.extra.keys());
    assert_eq!(answer.succeeded.unwrap().added, ["string"]);
    let failed = answer.failed.unwrap();
    assert_eq!(failed.on_add["key"], "string");
    assert_eq!(failed.on_invite["key"], "string");
    assert_eq!(answer.major_error_code.as_deref(), Some("string"));
    assert_eq!(answer.parameter_list, ["string"]);
}

#[tokio::test]
async fn revoke_invitations_answered_202_decodes() {
    revoke_invitations_answered(202).await;
}

#[tokio::test]
async fn revoke_invitations_answered_207_decodes() {
    revoke_invitations_answered(207).await;
}

#[tokio::test]
async fn list_users_sends_context_and_role_id() {
    let ((server, client), spec) = (served().await, spec());
    let mock = server.list_users(|when, then| {
        let when = when.org_id(ORG).context(&RequestContext::Provider);
        when.role_id("msp:provider_operations_admin");
        then.ok(&typed(spec.response_example("list_users", "200")));
    });

    let users = client
        .list_users()
        .org_id(ORG)
        .context(RequestContext::Provider)
        .role_id("msp:provider_operations_admin");
    let users = called(&mock, users.send()).await;

    assert_eq!(users.len(), 1);
}

#[test]
fn a_user_with_the_references_fields_is_typed() {
    let body = serde_json::json!({
        "user": {
            "id": "8c7f4d2e", "username": "johndoe@acme.com", "createTimestamp": 1573708054269i64,
            "emailVerified": "true", "password": "hunter2", "workPhone": "+1 555 0100",
            "zipcode": "30313", "updatedByUserId": "admin",
        },
        "orgRoles": { "orgRoles": [{
            "id": "msp:provider_admin", "displayName": "Provider Administrator",
            "orgId": "62aad261-0c59-4d50-9725-3848afd5b1dd",
        }]},
        "serviceRolesList": [{
            "serviceId": "svc", "serviceDisplayName": "Service", "resourceTypes": ["vm"],
            "resources": [{ "id": "r1", "name": "Resource 1" }],
            "roles": [{ "roleId": "svc:admin", "resource": "r1", "status": "ACTIVE" }],
        }],
    });
    let member: cphub_auth::types::OrgUser = vmware_cpn_test_support::typed(body);
    let user = member.user.unwrap();
    assert!(user.extra.is_empty(), "{:?}", user.extra.keys());
    assert_eq!(user.create_timestamp, Some(1573708054269));
    assert_eq!(user.email_verified.as_deref(), Some("true"));
    assert_eq!(user.password.as_ref().unwrap().expose(), "hunter2");
    assert!(!format!("{user:?}").contains("hunter2"));
    let role = &member.org_roles.unwrap().org_roles[0];
    assert!(role.extra.is_empty(), "{:?}", role.extra.keys());
    let service = &member.service_roles_list[0];
    assert!(service.extra.is_empty(), "{:?}", service.extra.keys());
    assert_eq!(service.resources[0].name.as_deref(), Some("Resource 1"));
    assert_eq!(service.roles[0].resource.as_deref(), Some("r1"));
}
