//! The identity reference's operations (logged-in user, user removal, add-users V2, org
//! roles, role bindings, service roles), each called once: the request is asserted (method,
//! path and query by the typed httpmock helper, `csp-auth-token`, the spec's request example
//! as body) and the spec's answer comes back typed, every documented property in a typed field.

use cphub_auth::mock::MockServerExt;
use cphub_auth::types::{
    AddUsersRequestV2, LoggedInUser, MemberType, OrgBindings, OrgForAuth, OrgItems, OrgNature,
    OrgNatures, OrgRoleItems, OrgRoleItemsV2, OrgRoleName, OrgType, Realm, RequestContext,
    ServiceRoles, UserServiceRoles, Users,
};
use vmware_cpn_test_support::{ORG, assert_same, called, csp_json, csp_token, pruned, typed};

use super::{served, spec};

/// The logged-in user of the spec's example.
const USER: &str = "8c7f4d2e-1b3a-4c5d-9e6f-0a1b2c3d4e5f";
/// The role of the binding examples.
const ROLE: &str = "msp:provider_account_admin";
/// The context every call of the reference sends.
const PROVIDER: RequestContext = RequestContext::Provider;

#[tokio::test]
async fn get_logged_in_user_types_the_profile_and_its_org() {
    let (server, client) = served().await;
    let example = spec().response_example("get_logged_in_user", "200");
    let mock = server.get_logged_in_user(|when, then| {
        csp_token(when.expand_user(true).into_inner());
        then.ok(&typed(example.clone()));
    });

    let me: LoggedInUser = called(&mock, client.get_logged_in_user().expand_user(true).send())
        .await
        .into_inner();

    assert_same(&me, &example);
    assert!(me.extra.is_empty(), "{:?}", me.extra.keys());
    assert_eq!(me.email.as_deref(), Some("johndoe@acme.com"));
    assert_eq!(me.csp_roles, ["csp:org_member"]);
    let org = me.org.as_ref().unwrap();
    assert_eq!(org.org_type, Some(OrgType::Provider));
    assert_eq!(org.natures, [OrgNature::Msp]);
    assert_eq!(
        org.alternate_primary_contact
            .as_ref()
            .unwrap()
            .email
            .as_deref(),
        Some("janedoe@acme.com")
    );
    // The profile carries the access token: a secret, never in Debug output.
    assert!(!format!("{me:?}").contains("eyJ"));
}

#[tokio::test]
async fn list_logged_in_user_orgs_types_the_org_ids() {
    let (server, client) = served().await;
    let example = spec().response_example("list_logged_in_user_orgs", "200");
    let mock = server.list_logged_in_user_orgs(|when, then| {
        csp_token(when.into_inner());
        then.ok(&typed(example.clone()));
    });

    let orgs = called(&mock, client.list_logged_in_user_orgs().send()).await;

    assert_same(&*orgs, &example);
    assert_eq!(
        orgs.logged_in_user_orgs,
        ["c28e8c89-d03d-4572-9be1-5f13edb82af6"]
    );
}

#[tokio::test]
async fn list_logged_in_user_service_roles_types_the_references_role_fields() {
    let (server, client) = served().await;
    let example = spec().response_example("list_logged_in_user_service_roles", "200");
    let mock = server.list_logged_in_user_service_roles(|when, then| {
        csp_token(when.org_id(ORG).into_inner());
        then.ok(&typed(example.clone()));
    });

    let call = client.list_logged_in_user_service_roles().org_id(ORG);
    let services: Vec<ServiceRoles> = called(&mock, call.send()).await.into_inner();

    assert_same(&services, &example);
    assert_eq!(
        services[0].service_display_name.as_deref(),
        Some("Log Intelligence")
    );
    let role = &services[0].roles[0];
    assert!(role.extra.is_empty(), "{:?}", role.extra.keys());
    assert_eq!(role.display_name.as_deref(), Some("Administrator"));
    assert_eq!(role.default_role, Some(false));
    assert_eq!(role.msp_default_role_of_provider_at_tenant, Some(false));
}

#[tokio::test]
async fn delete_users_sends_a_delete_with_a_body() {
    let ((server, client), spec) = (served().await, spec());
    let request = spec.request_example("delete_users");
    let example = spec.response_example("delete_users", "200");
    let mock = server.delete_users(|when, then| {
        csp_json(
            when.org_id(ORG).context(&PROVIDER).into_inner(),
            &pruned(request.clone()),
        );
        then.ok(&typed(example.clone()));
    });

    let call = client.delete_users().org_id(ORG).context(PROVIDER);
    let call = call.body(typed::<Users>(request.clone())).send();
    let outcome = called(&mock, call).await.into_inner();

    assert_same(&outcome, &example);
    let status = outcome.status.unwrap();
    assert_eq!(status.succeeded, ["johndoe@acme.com"]);
    assert_eq!(status.failed["janedoe@acme.com"], "User not found");
}

#[tokio::test]
async fn assign_missing_vcp_vui_service_roles_sends_post() {
    let ((server, client), spec) = (served().await, spec());
    let operation = "assign_missing_vcp_vui_service_roles";
    let request = spec.request_example(operation);
    let example = spec.response_example(operation, "200");
    let mock = server.assign_missing_vcp_vui_service_roles(|when, then| {
        csp_json(when.org_id(ORG).into_inner(), &pruned(request.clone()));
        then.ok(&typed(example.clone()));
    });

    let call = client.assign_missing_vcp_vui_service_roles().org_id(ORG);
    let call = call.body(typed::<Users>(request.clone())).send();
    let users = called(&mock, call).await.into_inner();

    assert_same(&users, &example);
    assert_eq!(users.users[0].username, "johndoe@acme.com");
}

/// V2 answers 202 Accepted, or 207 when some users failed; both decode.
async fn add_users_v2_answered(status: u16) {
    let ((server, client), spec) = (served().await, spec());
    let request = spec.request_example("add_users_v2");
    let example = spec.response_example("add_users_v2", &status.to_string());
    let mock = server.add_users_v2(|when, then| {
        csp_json(
            when.org_id(ORG).context(&PROVIDER).into_inner(),
            &pruned(request.clone()),
        );
        then.into_inner().status(status).json_body(example.clone());
    });

    let call = client.add_users_v2().org_id(ORG).context(PROVIDER);
    let call = call
        .body(typed::<AddUsersRequestV2>(request.clone()))
        .send();
    let answer = called(&mock, call).await;

    assert_eq!(answer.status().as_u16(), status);
    let answer = answer.into_inner();
    assert_same(&answer, &example);
    let succeeded = answer.succeeded.unwrap();
    assert_eq!(succeeded.added, ["johndoe@lorem.com"]);
    assert!(succeeded.invited["janedoe@lorem.com"].contains("/invitations/"));
    assert_eq!(
        answer.failed.unwrap().on_invite["jimdoe@.com"],
        "Invalid email"
    );
}

#[tokio::test]
async fn add_users_v2_answered_202_decodes() {
    add_users_v2_answered(202).await;
}

#[tokio::test]
async fn add_users_v2_answered_207_decodes() {
    add_users_v2_answered(207).await;
}

#[tokio::test]
async fn list_available_org_roles_types_the_roles() {
    let (server, client) = served().await;
    let example = spec().response_example("list_available_org_roles", "200");
    let mock = server.list_available_org_roles(|when, then| {
        csp_token(when.org_id(ORG).context(&PROVIDER).into_inner());
        then.ok(&typed(example.clone()));
    });

    let call = client.list_available_org_roles().org_id(ORG);
    let roles = called(&mock, call.context(PROVIDER).send()).await;

    assert_same(&*roles, &example);
    let role = &roles.org_roles[1];
    assert_eq!(role.id, Some(OrgRoleName::MspProviderBillingUser));
    assert_eq!(role.display_name.as_deref(), Some("Provider Billing User"));
    assert_eq!(
        role.org_id.as_deref(),
        Some("62aad261-0c59-4d50-9725-3848afd5b1dd")
    );
}

#[tokio::test]
async fn get_user_org_roles_types_the_roles() {
    let (server, client) = served().await;
    let example = spec().response_example("get_user_org_roles", "200");
    let mock = server.get_user_org_roles(|when, then| {
        let when = when.user_id(USER).org_id(ORG);
        csp_token(when.context(&PROVIDER).into_inner());
        then.ok(&typed(example.clone()));
    });

    let call = client.get_user_org_roles().user_id(USER).org_id(ORG);
    let roles = called(&mock, call.context(PROVIDER).send()).await;

    assert_same(&*roles, &example);
    assert_eq!(roles.org_roles[0].id, Some(OrgRoleName::MspProviderAdmin));
    assert_eq!(roles.org_roles[0].member_type, Some(MemberType::Direct));
}

#[tokio::test]
async fn update_org_roles_of_user_sends_patch() {
    let ((server, client), spec) = (served().await, spec());
    let request = spec.request_example("update_org_roles_of_user");
    let example = spec.response_example("update_org_roles_of_user", "200");
    let mock = server.update_org_roles_of_user(|when, then| {
        let when = when.user_id(USER).org_id(ORG);
        csp_json(
            when.context(&PROVIDER).into_inner(),
            &pruned(request.clone()),
        );
        then.ok(&typed(example.clone()));
    });

    let call = client.update_org_roles_of_user().user_id(USER).org_id(ORG);
    let call = call.context(PROVIDER).body(typed::<OrgRoleItems>(request));
    let roles = called(&mock, call.send()).await;

    assert_same(&*roles, &example);
    assert_eq!(roles.org_roles[0].id, Some(OrgRoleName::MspProviderAdmin));
}

#[tokio::test]
async fn update_org_roles_with_binding_sends_patch() {
    let ((server, client), spec) = (served().await, spec());
    let request = spec.request_example("update_org_roles_with_binding");
    let example = spec.response_example("update_org_roles_with_binding", "200");
    let mock = server.update_org_roles_with_binding(|when, then| {
        let when = when.user_id(USER).org_id(ORG);
        csp_json(
            when.context(&PROVIDER).into_inner(),
            &pruned(request.clone()),
        );
        then.ok(&typed(example.clone()));
    });

    let items: OrgRoleItemsV2 = typed(request.clone());
    assert_eq!(
        items.org_items.as_ref().unwrap().orgs_to_add,
        ["46d88eea-0634-11ea-93c9-0a97bec7ba64"]
    );
    let call = client.update_org_roles_with_binding().user_id(USER);
    let call = call.org_id(ORG).context(PROVIDER).body(items);
    let roles = called(&mock, call.send()).await;

    assert_same(&*roles, &example);
}

/// Both forms the reference shows: the declared array, and one object with one nature.
fn assert_bindings(bindings: &OrgBindings, form: &str) {
    match (form, bindings) {
        ("array", OrgBindings::Array(orgs)) => {
            let org: &OrgForAuth = &orgs[0];
            assert_eq!(org.org_type, Some(OrgType::Tenant));
            assert_eq!(org.realm, Some(Realm::Cphub));
            assert!(
                matches!(&org.natures, Some(OrgNatures::Array(n)) if n == &[OrgNature::Msp]),
                "{:?}",
                org.natures
            );
        }
        ("single", OrgBindings::OrgForAuth(org)) => {
            assert_eq!(org.org_type, Some(OrgType::Operator));
            assert_eq!(org.role_version.as_deref(), Some("string"));
            assert!(
                matches!(
                    org.natures,
                    Some(OrgNatures::OrgNature(OrgNature::AllNature))
                ),
                "{:?}",
                org.natures
            );
        }
        _ => panic!("the {form} form decoded as {bindings:?}"),
    }
}

async fn get_org_bindings_answered(form: &str) {
    let (server, client) = served().await;
    let example = spec().named_response_example("get_org_bindings_for_role", "200", form);
    let mock = server.get_org_bindings_for_role(|when, then| {
        let when = when.user_id(USER).org_id(ORG).role_id(ROLE);
        csp_token(when.context(&PROVIDER).into_inner());
        then.ok(&typed(example.clone()));
    });

    let call = client.get_org_bindings_for_role().user_id(USER).org_id(ORG);
    let call = call.role_id(ROLE).context(PROVIDER).send();
    let bindings = called(&mock, call).await.into_inner();

    assert_same(&bindings, &example);
    assert_bindings(&bindings, form);
}

#[tokio::test]
async fn get_org_bindings_for_role_decodes_the_array_form() {
    get_org_bindings_answered("array").await;
}

#[tokio::test]
async fn get_org_bindings_for_role_decodes_the_single_object_form() {
    get_org_bindings_answered("single").await;
}

async fn update_org_bindings_answered(form: &str) {
    let ((server, client), spec) = (served().await, spec());
    let request = spec.request_example("update_org_bindings_for_role");
    let example = spec.named_response_example("update_org_bindings_for_role", "200", form);
    let mock = server.update_org_bindings_for_role(|when, then| {
        let when = when.user_id(USER).org_id(ORG).role_id(ROLE);
        csp_json(
            when.context(&PROVIDER).into_inner(),
            &pruned(request.clone()),
        );
        then.ok(&typed(example.clone()));
    });

    let call = client
        .update_org_bindings_for_role()
        .user_id(USER)
        .org_id(ORG);
    let call = call.role_id(ROLE).context(PROVIDER);
    let call = call.body(typed::<OrgItems>(request)).send();
    let bindings = called(&mock, call).await.into_inner();

    assert_same(&bindings, &example);
    assert_bindings(&bindings, form);
}

#[tokio::test]
async fn update_org_bindings_for_role_decodes_the_array_form() {
    update_org_bindings_answered("array").await;
}

#[tokio::test]
async fn update_org_bindings_for_role_decodes_the_single_object_form() {
    update_org_bindings_answered("single").await;
}

async fn list_user_service_roles_answered(form: &str) -> UserServiceRoles {
    let (server, client) = served().await;
    let example = spec().named_response_example("list_user_service_roles", "200", form);
    let mock = server.list_user_service_roles(|when, then| {
        let when = when.user_id(USER).org_id(ORG);
        csp_token(when.context(&PROVIDER).into_inner());
        then.ok(&typed(example.clone()));
    });

    let call = client.list_user_service_roles().user_id(USER).org_id(ORG);
    let roles = called(&mock, call.context(PROVIDER).send())
        .await
        .into_inner();

    assert_same(&roles, &example);
    roles
}

#[tokio::test]
async fn list_user_service_roles_decodes_the_bare_array() {
    let UserServiceRoles::Array(services) = list_user_service_roles_answered("bare").await else {
        panic!("the bare array decoded as the wrapped form");
    };
    assert_eq!(
        services[0].service_display_name.as_deref(),
        Some("Log Intelligence")
    );
}

#[tokio::test]
async fn list_user_service_roles_decodes_the_wrapped_form() {
    let UserServiceRoles::WrappedServiceRoles(wrapped) =
        list_user_service_roles_answered("wrapped").await
    else {
        panic!("the wrapped form decoded as an array");
    };
    let service = wrapped.service_roles.unwrap();
    assert_eq!(
        service.service_id.as_deref(),
        Some("I8_vUYLiPxopN_YFGqhgBH6rrAI_")
    );
    assert_eq!(
        service.roles[0].role_id.as_deref(),
        Some("log-intelligence:admin")
    );
}
