//! Every cphub-auth operation, called once against a loopback server: the request the client
//! sends (method, path, headers, body) is asserted, and the spec's example answer comes back
//! typed.

use cphub_auth::Client;
use cphub_auth::types::{
    AccessTokenRequest, AddUsersRequest, InvitationEmails, InvitationStatus, MemberType,
    OrgRoleName, ResultStatus, UserRolesUpdate,
};
use httpmock::prelude::*;
use test_support::{ORG, Spec, TOKEN, anonymous_runtime, csp_runtime};

fn spec() -> Spec {
    Spec::load("cphub-auth")
}

fn client(server: &MockServer) -> Client {
    Client::with_runtime(&server.base_url(), csp_runtime())
}

#[tokio::test]
async fn get_access_token_exchanges_the_api_token_without_a_csp_header() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/cphub/api/auth/v1/authn/accesstoken")
                .header("content-type", "application/json")
                .header_missing("csp-auth-token")
                .json_body(spec.request_example("get_access_token"));
            then.status(200)
                .json_body(spec.response_example("get_access_token", "200"));
        })
        .await;

    // The exchange is the one call made before there is a token to send.
    let client = Client::with_runtime(&server.base_url(), anonymous_runtime());
    let answer = client
        .get_access_token()
        .body(AccessTokenRequest::builder().refresh_token("your_api_token"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        answer.access_token.expose(),
        "eyJhbGciOiJSUzI1NiJ9.example.signature"
    );
    // The access token is a secret: it never shows in Debug output.
    assert!(!format!("{answer:?}").contains("eyJ"), "{answer:?}");
    assert_eq!(answer.expires_in, None);
}

#[tokio::test]
async fn list_users_types_users_with_their_roles() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/cphub/api/auth/v1/orgs/{ORG}/users"))
                .header("csp-auth-token", TOKEN);
            then.status(200)
                .json_body(spec.response_example("list_users", "200"));
        })
        .await;

    let users = client(&server)
        .list_users()
        .org_id(ORG)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
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

async fn add_users_with(operation: &str) {
    let spec = spec();
    let server = MockServer::start_async().await;
    let patch = operation == "add_users";
    let request = spec.request_example(operation);
    let mock = server
        .mock_async(|when, then| {
            when.method(if patch { PATCH } else { POST })
                .path(format!("/cphub/api/auth/v1/orgs/{ORG}/add-users"))
                .header("csp-auth-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(request.clone());
            then.status(200)
                .json_body(spec.response_example(operation, "200"));
        })
        .await;

    let body: AddUsersRequest = serde_json::from_value(request).unwrap();
    let client = client(&server);
    let answer = if patch {
        client.add_users().org_id(ORG).body(body).send().await
    } else {
        client.add_users_post().org_id(ORG).body(body).send().await
    }
    .unwrap()
    .into_inner();

    mock.assert_async().await;
    let added = answer.added_users.unwrap();
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
    let spec = spec();
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/cphub/api/auth/v1/orgs/{ORG}/invitations"))
                .header("csp-auth-token", TOKEN);
            then.status(200)
                .json_body(spec.response_example("list_invitations", "200"));
        })
        .await;

    let invitations = client(&server)
        .list_invitations()
        .org_id(ORG)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(invitations.len(), 2);
    assert_eq!(invitations[0].status, Some(InvitationStatus::Available));
    assert_eq!(invitations[0].expiration_time, Some(1574312854269));
    // Microseconds in the guide's sample: larger than 2^32, kept exactly as i64.
    assert_eq!(invitations[0].revoked_at, Some(1573708230248000));
    assert_eq!(invitations[1].org_roles, [OrgRoleName::MspProviderAdmin]);
}

async fn invitations_call(operation: &str) {
    let revoke = operation == "revoke_invitations";
    let spec = spec();
    let server = MockServer::start_async().await;
    let request = spec.request_example(operation);
    // resend has no documented answer; it shares the revoke answer's shape.
    let answer = spec.response_example("revoke_invitations", "200");
    let mock = server
        .mock_async(|when, then| {
            when.method(if revoke { DELETE } else { POST })
                .path(format!("/cphub/api/auth/v1/orgs/{ORG}/invitations"))
                .header("csp-auth-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(request.clone());
            then.status(200).json_body(answer);
        })
        .await;

    let body: InvitationEmails = serde_json::from_value(request).unwrap();
    let client = client(&server);
    let result = if revoke {
        client
            .revoke_invitations()
            .org_id(ORG)
            .body(body)
            .send()
            .await
    } else {
        client
            .resend_invitations()
            .org_id(ORG)
            .body(body)
            .send()
            .await
    }
    .unwrap()
    .into_inner();

    mock.assert_async().await;
    let outcome = result.revoked_users_invitation.unwrap();
    assert_eq!(outcome.status, Some(ResultStatus::Success));
    assert_eq!(outcome.users.len(), 3);
    assert!(outcome.ref_link["jimdoe@acme.com"].ends_with("bec46eu2"));
}

#[tokio::test]
async fn revoke_invitations_sends_a_delete_with_a_body() {
    invitations_call("revoke_invitations").await;
}

#[tokio::test]
async fn resend_invitations_sends_post() {
    invitations_call("resend_invitations").await;
}

#[tokio::test]
async fn update_user_org_roles_sends_patch() {
    let spec = spec();
    let server = MockServer::start_async().await;
    let request = spec.named_request_example("update_user_org_roles", "update_roles");
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/cphub/api/auth/v1/orgs/{ORG}/users-org-roles"))
                .header("csp-auth-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(request.clone());
            then.status(200).json_body(request.clone());
        })
        .await;

    let body: UserRolesUpdate = serde_json::from_value(request).unwrap();
    let applied = client(&server)
        .update_user_org_roles()
        .org_id(ORG)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
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
