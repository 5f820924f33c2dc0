//! The identity reference's operations of cphub-auth against the mock, after
//! `users_and_invitations`: the logged-in user, org roles, role bindings, service roles,
//! add-users V2, partial revocation and user removal, each checked through another call.

use cphub_auth::types::{
    AddUsersRequestV2, OrgBindings, OrgItems, OrgRoleItems, OrgRoleItemsV2, OrgUser,
    UserServiceRoles, Users,
};
use serde_json::json;
use vmware_cpn_test_support::typed;

use crate::common::Sdk;

/// `ops@acme.example` has a VMware ID and joined in `users_and_invitations`.
const OPS: &str = "ops@acme.example";

pub async fn operations(sdk: &Sdk, org: &str) {
    access_token(sdk).await;
    let tenants = logged_in_user(sdk, org).await;
    available_roles(sdk, org, &tenants[0]).await;
    let ops_id = org_roles(sdk, org).await;
    service_roles(sdk, org, &ops_id).await;
    bindings(sdk, org, &ops_id, &tenants).await;
    add_users_v2_and_revoke(sdk, org, &ops_id).await;
    delete_users(sdk, org, &ops_id).await;
}

/// `201 Created`, and no lifetime announced: no source documents one.
async fn access_token(sdk: &Sdk) {
    let exchanged = sdk
        .auth
        .get_access_token()
        // The refresh token of the default `Config`.
        .body(cphub_auth::types::AccessTokenRequest::builder().refresh_token("mock-refresh-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(exchanged.status().as_u16(), 201);
    assert!(exchanged.extra.is_empty(), "{:?}", exchanged.extra.keys());
}

async fn member(sdk: &Sdk, org: &str, username: &str) -> Option<OrgUser> {
    let members = sdk.auth.list_users().org_id(org).send().await.unwrap();
    members
        .into_inner()
        .into_iter()
        .find(|m| m.user.as_ref().and_then(|u| u.username.as_deref()) == Some(username))
}

fn role_ids(roles: &cphub_auth::types::OrgRoles) -> Vec<String> {
    let ids = roles.org_roles.iter().filter_map(|r| r.id.as_ref());
    ids.map(|id| id.as_str().to_owned()).collect()
}

/// The profile is a member of the provider, which it reaches with its tenants. Answers the
/// tenants.
async fn logged_in_user(sdk: &Sdk, org: &str) -> Vec<String> {
    let me = sdk.auth.get_logged_in_user().send().await.unwrap();
    assert!(
        me.linked_user.is_none(),
        "only expandUser links the account"
    );
    let me = sdk
        .auth
        .get_logged_in_user()
        .expand_user(true)
        .send()
        .await
        .unwrap();
    let account = me
        .linked_user
        .as_ref()
        .expect("expandUser links the account");
    assert_eq!(account.id, me.id);
    let my_org = me.org.as_ref().unwrap();
    assert_eq!(my_org.id.as_deref(), Some(org));

    let orgs = sdk.auth.list_logged_in_user_orgs().send().await.unwrap();
    let (provider, tenants) = orgs.logged_in_user_orgs.split_first().unwrap();
    assert_eq!(provider, org);
    assert_eq!(tenants, my_org.child_org_ids.as_slice());
    assert!(tenants.len() >= 2, "{tenants:?}");

    let username = account.username.as_deref().unwrap();
    let mine = sdk
        .auth
        .list_logged_in_user_service_roles()
        .org_id(org)
        .send()
        .await
        .unwrap();
    let listed = member(sdk, org, username).await.unwrap();
    assert!(!mine.is_empty());
    assert_eq!(
        serde_json::to_value(&*mine).unwrap(),
        serde_json::to_value(&listed.service_roles_list).unwrap()
    );
    let elsewhere = sdk
        .auth
        .list_logged_in_user_service_roles()
        .org_id(&tenants[0])
        .send()
        .await
        .unwrap();
    assert!(elsewhere.is_empty(), "not a member of the tenant");
    tenants.to_vec()
}

async fn available_roles(sdk: &Sdk, org: &str, tenant: &str) {
    let of = |org: &str| {
        let org = org.to_owned();
        async move {
            let roles = sdk.auth.list_available_org_roles().org_id(&org).send();
            role_ids(&roles.await.unwrap())
        }
    };
    let provider = of(org).await;
    assert!(provider.contains(&"msp:provider_admin".to_owned()));
    assert!(provider.iter().all(|r| r.starts_with("msp:provider_")));
    let tenant = of(tenant).await;
    assert!(tenant.contains(&"msp:tenant_admin".to_owned()));
    assert!(tenant.iter().all(|r| r.starts_with("msp:tenant_")));
}

/// Changes OPS's roles by account id and reads them back by name. Answers the account id.
async fn org_roles(sdk: &Sdk, org: &str) -> String {
    let ops = member(sdk, org, OPS).await.unwrap();
    let ops_id = ops.user.unwrap().id.expect("a member has an account id");
    let changed = sdk
        .auth
        .update_org_roles_of_user()
        .user_id(&ops_id)
        .org_id(org)
        .body(typed::<OrgRoleItems>(json!({
            "roleNamesToAdd": ["msp:provider_billing_user"],
            "roleNamesToRemove": ["msp:provider_support_user"],
        })))
        .send()
        .await
        .unwrap();
    assert_eq!(role_ids(&changed), ["msp:provider_billing_user"]);
    let read = sdk
        .auth
        .get_user_org_roles()
        .user_id(OPS)
        .org_id(org)
        .send()
        .await
        .unwrap();
    assert_eq!(role_ids(&read), ["msp:provider_billing_user"]);
    assert!(
        read.org_roles
            .iter()
            .all(|r| r.org_id.as_deref() == Some(org))
    );

    let unknown = sdk.auth.get_user_org_roles().user_id("nobody").org_id(org);
    assert_eq!(unknown.send().await.unwrap_err().status().unwrap(), 404);
    let elsewhere = sdk
        .auth
        .get_user_org_roles()
        .user_id(&ops_id)
        .org_id("no-such-org");
    assert_eq!(elsewhere.send().await.unwrap_err().status().unwrap(), 404);
    ops_id
}

async fn service_count(sdk: &Sdk, org: &str, user: &str) -> usize {
    let roles = sdk
        .auth
        .list_user_service_roles()
        .user_id(user)
        .org_id(org)
        .send()
        .await
        .unwrap();
    match roles.into_inner() {
        UserServiceRoles::Array(services) => services.len(),
        other => panic!("the mock answers the bare array: {other:?}"),
    }
}

/// Only a Provider Billing User gets the service-manager roles, once.
async fn service_roles(sdk: &Sdk, org: &str, ops_id: &str) {
    let seeded = member(sdk, org, "johndoe@lorem.com").await.unwrap();
    let before = service_count(sdk, org, ops_id).await;
    let users = typed::<Users>(
        json!({ "users": [{ "username": OPS }, { "username": "johndoe@lorem.com" }] }),
    );
    for _ in 0..2 {
        let assigned = sdk
            .auth
            .assign_missing_vcp_vui_service_roles()
            .org_id(org)
            .body(users.clone())
            .send()
            .await
            .unwrap();
        let names: Vec<_> = assigned.users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names, [OPS]);
        assert_eq!(service_count(sdk, org, ops_id).await, before + 2);
    }
    let unchanged = member(sdk, org, "johndoe@lorem.com").await.unwrap();
    assert_eq!(
        unchanged.service_roles_list.len(),
        seeded.service_roles_list.len()
    );
}

async fn bound(sdk: &Sdk, org: &str, user: &str) -> Vec<String> {
    let bindings = sdk
        .auth
        .get_org_bindings_for_role()
        .user_id(user)
        .org_id(org)
        .role_id("msp:provider_account_admin")
        .send()
        .await
        .unwrap();
    org_ids(&bindings)
}

fn org_ids(bindings: &OrgBindings) -> Vec<String> {
    let OrgBindings::Array(orgs) = bindings else {
        panic!("the mock answers the declared array: {bindings:?}");
    };
    orgs.iter().filter_map(|o| o.org_id.clone()).collect()
}

/// Binds tenants to OPS's Provider Account Administrator role, then moves the binding.
async fn bindings(sdk: &Sdk, org: &str, ops_id: &str, tenants: &[String]) {
    assert!(bound(sdk, org, ops_id).await.is_empty());
    let roles = sdk
        .auth
        .update_org_roles_with_binding()
        .user_id(ops_id)
        .org_id(org)
        .body(typed::<OrgRoleItemsV2>(json!({
            "roleId": "msp:provider_account_admin",
            "orgRoleItems": { "roleNamesToAdd": ["msp:provider_account_admin"] },
            "orgItems": { "orgsToAdd": [tenants[0]] },
        })))
        .send()
        .await
        .unwrap();
    assert!(role_ids(&roles).contains(&"msp:provider_account_admin".to_owned()));
    assert_eq!(bound(sdk, org, OPS).await, [tenants[0].clone()]);
    // Without `roleId` (optional in the reference) the org items bind nothing; the role
    // items still apply.
    let roles = sdk
        .auth
        .update_org_roles_with_binding()
        .user_id(ops_id)
        .org_id(org)
        .body(typed::<OrgRoleItemsV2>(json!({
            "orgRoleItems": { "roleNamesToAdd": ["msp:provider_support_user"] },
            "orgItems": { "orgsToAdd": [tenants[1]] },
        })))
        .send()
        .await
        .unwrap();
    assert!(role_ids(&roles).contains(&"msp:provider_support_user".to_owned()));
    assert_eq!(bound(sdk, org, OPS).await, [tenants[0].clone()]);

    let update = |add: &str, remove: &str| {
        sdk.auth
            .update_org_bindings_for_role()
            .user_id(ops_id)
            .org_id(org)
            .role_id("msp:provider_account_admin")
            .body(typed::<OrgItems>(
                json!({ "orgsToAdd": [add], "orgsToRemove": [remove] }),
            ))
            .send()
    };
    let moved = update(&tenants[1], &tenants[0]).await.unwrap();
    assert_eq!(org_ids(&moved), [tenants[1].clone()]);
    assert_eq!(bound(sdk, org, ops_id).await, [tenants[1].clone()]);
    let refused = update("no-such-tenant", &tenants[1]).await.unwrap_err();
    assert_eq!(refused.status().unwrap(), 404);
    assert_eq!(
        bound(sdk, org, ops_id).await,
        [tenants[1].clone()],
        "a refused update changes nothing"
    );
    let filtered = sdk
        .auth
        .list_users()
        .org_id(org)
        .role_id("msp:provider_account_admin")
        .send()
        .await
        .unwrap();
    let names: Vec<_> = filtered
        .iter()
        .filter_map(|m| m.user.as_ref()?.username.as_deref())
        .collect();
    assert_eq!(names, [OPS], "roleId keeps the holders of the role");
}

/// V2 adds a member and invites a newcomer (202 when all succeed, 207 when one fails);
/// revoking with an email that has no invitation is a partial success too.
async fn add_users_v2_and_revoke(sdk: &Sdk, org: &str, ops_id: &str) {
    // V1's `rolesToAdd` is one object.
    sdk.auth
        .add_users()
        .org_id(org)
        .body(typed::<cphub_auth::types::AddUsersRequest>(json!({
            "serviceRolesItems": [{
                "serviceId": "log-insight",
                "rolesToAdd": { "name": "log-intelligence:editor", "resource": "r2" },
            }],
            "users": [{ "username": OPS }],
        })))
        .send()
        .await
        .unwrap();
    let add = |users: &[&str]| {
        sdk.auth
            .add_users_v2()
            .org_id(org)
            .body(typed::<AddUsersRequestV2>(json!({
                "orgRolesToAdd": ["msp:provider_support_user"],
                "serviceRolesItems": [{
                    "serviceId": "log-insight",
                    "rolesToAdd": [{ "name": "log-intelligence:viewer", "resource": "r1" }],
                }],
                "users": users.iter().map(|u| json!({ "username": u })).collect::<Vec<_>>(),
            })))
            .send()
    };
    let mixed = add(&["fourth@acme.example", OPS, "bad@.example"])
        .await
        .unwrap();
    assert_eq!(mixed.status().as_u16(), 207);
    let succeeded = mixed.succeeded.as_ref().unwrap();
    assert_eq!(succeeded.added, [OPS]);
    assert!(succeeded.invited["fourth@acme.example"].contains("/invitations/"));
    let failed = mixed.failed.as_ref().unwrap();
    assert!(failed.on_invite.contains_key("bad@.example"));
    let all_good = add(&["fifth@acme.example"]).await.unwrap();
    assert_eq!(all_good.status().as_u16(), 202);

    let roles = sdk
        .auth
        .list_user_service_roles()
        .user_id(ops_id)
        .org_id(org)
        .send()
        .await
        .unwrap();
    let UserServiceRoles::Array(services) = roles.into_inner() else {
        panic!("the bare array");
    };
    let granted = |role: &str| {
        let mut roles = services.iter().flat_map(|s| &s.roles);
        let found = roles.find(|r| r.role_id.as_deref() == Some(role));
        found.and_then(|r| r.resource.clone())
    };
    assert_eq!(granted("log-intelligence:editor").as_deref(), Some("r2"));
    assert_eq!(granted("log-intelligence:viewer").as_deref(), Some("r1"));

    let invitations = sdk
        .auth
        .list_invitations()
        .org_id(org)
        .send()
        .await
        .unwrap();
    let invited = |name: &str| {
        invitations
            .iter()
            .any(|i| i.username.as_deref() == Some(name))
    };
    assert!(invited("fourth@acme.example") && invited("fifth@acme.example"));
    assert!(!invited("bad@.example"));

    let revoked = sdk
        .auth
        .revoke_invitations()
        .org_id(org)
        .body(typed::<cphub_auth::types::InvitationEmails>(
            json!({ "emails": ["fourth@acme.example", "never@acme.example"] }),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status().as_u16(), 207);
    let outcome = revoked.revoked_users_invitation.as_ref().unwrap();
    assert_eq!(outcome.users, ["fourth@acme.example"]);
    let failed = revoked.failed.as_ref().unwrap();
    assert!(failed.on_invite.contains_key("never@acme.example"));
}

/// A removed member is gone from the list, the per-user paths and their bindings.
async fn delete_users(sdk: &Sdk, org: &str, ops_id: &str) {
    let removed = sdk
        .auth
        .delete_users()
        .org_id(org)
        .body(typed::<Users>(
            json!({ "users": [{ "username": OPS }, { "username": "ghost@acme.example" }] }),
        ))
        .send()
        .await
        .unwrap();
    let status = removed.status.as_ref().unwrap();
    assert_eq!(status.succeeded, [OPS]);
    assert!(status.failed.contains_key("ghost@acme.example"));
    assert!(member(sdk, org, OPS).await.is_none());
    let gone = sdk.auth.get_user_org_roles().user_id(ops_id).org_id(org);
    assert_eq!(gone.send().await.unwrap_err().status().unwrap(), 404);

    // Back again (they have a VMware ID), without the bindings they had.
    sdk.auth
        .add_users_v2()
        .org_id(org)
        .body(typed::<AddUsersRequestV2>(
            json!({ "users": [{ "username": OPS }] }),
        ))
        .send()
        .await
        .unwrap();
    assert!(bound(sdk, org, OPS).await.is_empty());
}
