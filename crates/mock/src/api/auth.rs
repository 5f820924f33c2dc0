//! cphub-auth: the token exchange, the organization's users and its invitations.

use axum::http::StatusCode;
use cphub_auth::types::{AccessTokenRequest, AddUsersRequest, InvitationEmails, UserRolesUpdate};
use serde_json::{Value, json};

use super::known_org;
use crate::App;
use crate::call::{Call, Reply, ok};
use crate::store::now_millis;
use crate::tokens::Kind;

/// How long an invitation stays open, as CSP's do.
const INVITATION_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;

pub(crate) fn get_access_token(app: &App, call: &Call) -> Reply {
    let request: AccessTokenRequest = call.json()?;
    if request.refresh_token.expose() != app.config.refresh_token {
        return Err(call.error(
            StatusCode::BAD_REQUEST,
            "invalid_grant: the refresh token is not valid",
        ));
    }
    let (token, lifetime) = app.tokens().issue(Kind::Csp);
    ok(json!({ "accessToken": token, "expiresIn": lifetime }))
}

pub(crate) fn list_users(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    ok(app.store().users.get(&org).cloned().unwrap_or_default())
}

/// As CSP does: members get the roles; a user with a VMware ID joins at once with them;
/// anyone else is sent an invitation, which expires after seven days.
pub(crate) fn add_users(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    let request: AddUsersRequest = call.json()?;
    let roles: Vec<String> = request
        .org_roles_to_add
        .iter()
        .map(|r| r.as_str().to_owned())
        .collect();
    let mut store = app.store();
    let (mut added, mut failed, mut detail) = (Vec::new(), Vec::new(), serde_json::Map::new());
    for user in &request.users {
        let name = user.username.clone();
        if !name.contains('@') {
            detail.insert(name.clone(), json!("Failed: not an email address"));
            failed.push(name);
            continue;
        }
        let has_vmware_id = store.vmware_ids.contains(&name);
        let members = store.users.entry(org.clone()).or_default();
        if let Some(member) = members.iter_mut().find(|m| m["user"]["username"] == name) {
            change_member_roles(member, &roles, &[]);
            add_service_roles(member, &request.service_roles_items);
        } else if has_vmware_id {
            let mut member = new_member(&name);
            change_member_roles(&mut member, &roles, &[]);
            add_service_roles(&mut member, &request.service_roles_items);
            members.push(member);
        } else {
            let invitations = store.invitations.entry(org.clone()).or_default();
            invitations.retain(|i| i["username"] != name);
            invitations.push(json!({
                "expirationTime": now_millis() + INVITATION_LIFETIME_MS,
                "generatedBy": "mock",
                "generatedAt": now_millis(),
                "status": "AVAILABLE",
                "username": name,
                "orgRoles": roles,
                "orgRoleBindingOrgs": request.org_role_binding_orgs,
                "refLink": format!(
                    "/cphub/api/auth/v1/orgs/{org}/invitations/{}",
                    uuid::Uuid::new_v4()
                ),
            }));
        }
        detail.insert(name.clone(), json!("Success"));
        added.push(name);
    }
    ok(json!({
        "message": "Users have been added/invited successfully",
        "addedUsers": {
            "users": added,
            "status": "SUCCESS",
            "failedUsers": failed,
            "detailedStatus": detail,
        },
    }))
}

pub(crate) fn list_invitations(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    ok(app
        .store()
        .invitations
        .get(&org)
        .cloned()
        .unwrap_or_default())
}

pub(crate) fn revoke_invitations(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    let request: InvitationEmails = call.json()?;
    let mut store = app.store();
    let invitations = store.invitations.entry(org).or_default();
    let (mut revoked, mut links) = (Vec::new(), serde_json::Map::new());
    invitations.retain(|invitation| {
        let Some(name) = invitation["username"].as_str() else {
            return true;
        };
        if !request.emails.iter().any(|e| e == name) {
            return true;
        }
        revoked.push(name.to_owned());
        links.insert(name.to_owned(), invitation["refLink"].clone());
        false
    });
    if revoked.is_empty() {
        return Err(call.not_found("a pending invitation for these emails"));
    }
    ok(json!({
        "message": "Invitations have been revoked successfully",
        "revokedUsersInvitation": { "users": revoked, "status": "SUCCESS", "refLink": links },
    }))
}

pub(crate) fn resend_invitations(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    let request: InvitationEmails = call.json()?;
    let mut store = app.store();
    let invitations = store.invitations.entry(org).or_default();
    let missing: Vec<&String> = request
        .emails
        .iter()
        .filter(|email| !invitations.iter().any(|i| i["username"] == email.as_str()))
        .collect();
    if !missing.is_empty() {
        return Err(call.not_found(format_args!("a pending invitation for {missing:?}")));
    }
    for invitation in invitations
        .iter_mut()
        .filter(|i| request.emails.iter().any(|e| i["username"] == e.as_str()))
    {
        invitation["generatedAt"] = json!(now_millis());
        invitation["expirationTime"] = json!(now_millis() + INVITATION_LIFETIME_MS);
    }
    ok(json!({ "message": "Invitations have been resent successfully" }))
}

/// Changes the roles of members, and of pending invitations (they become the roles the user
/// joins with).
pub(crate) fn update_user_org_roles(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    let request: UserRolesUpdate = call.json()?;
    let names = |roles: &[cphub_auth::types::OrgRoleName]| -> Vec<String> {
        roles.iter().map(|r| r.as_str().to_owned()).collect()
    };
    let (add, remove) = (
        names(&request.role_names_to_add),
        names(&request.role_names_to_remove),
    );
    let mut store = app.store();
    for user in &request.users {
        let name = user.username.as_str();
        let members = store.users.entry(org.clone()).or_default();
        if let Some(member) = members.iter_mut().find(|m| m["user"]["username"] == name) {
            change_member_roles(member, &add, &remove);
            continue;
        }
        let invitations = store.invitations.entry(org.clone()).or_default();
        let Some(invitation) = invitations.iter_mut().find(|i| i["username"] == name) else {
            return Err(call.not_found(format_args!("user {name} in organization {org}")));
        };
        let mut roles: Vec<String> = invitation["orgRoles"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .filter(|r| !remove.contains(r))
            .collect();
        roles.extend(
            add.iter()
                .filter(|r| !roles.contains(r))
                .cloned()
                .collect::<Vec<_>>(),
        );
        invitation["orgRoles"] = json!(roles);
    }
    ok(request)
}

/// A member as `list_users` shows one, before roles.
fn new_member(email: &str) -> Value {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    json!({
        "user": {
            "username": email,
            "email": email,
            "firstName": local,
            "lastName": "",
            "idpId": domain,
            "domain": domain,
            "accessible": true,
        },
        "orgRoles": { "orgRoles": [] },
        "serviceRolesList": [],
    })
}

fn add_service_roles(member: &mut Value, items: &[cphub_auth::types::ServiceRolesItem]) {
    let Some(list) = member["serviceRolesList"].as_array_mut() else {
        return;
    };
    for item in items {
        let Some(service) = item.service_id.as_deref() else {
            continue;
        };
        let index = match list.iter().position(|s| s["serviceId"] == service) {
            Some(index) => index,
            None => {
                list.push(json!({ "serviceId": service, "roles": [] }));
                list.len() - 1
            }
        };
        let Some(roles) = list[index]["roles"].as_array_mut() else {
            continue;
        };
        for name in &item.role_names_to_add {
            if !roles.iter().any(|r| r["roleId"] == name.as_str()) {
                roles.push(json!({
                    "roleId": name, "name": name, "hidden": false, "enabled": true,
                    "memberType": "DIRECT",
                }));
            }
        }
    }
}

fn change_member_roles(member: &mut Value, add: &[String], remove: &[String]) {
    let roles = &mut member["orgRoles"]["orgRoles"];
    let mut kept: Vec<Value> = roles
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| {
            r["id"]
                .as_str()
                .is_none_or(|id| !remove.iter().any(|x| x == id))
        })
        .cloned()
        .collect();
    for role in add {
        if !kept.iter().any(|r| r["id"] == role.as_str()) {
            kept.push(json!({ "id": role, "name": role_name(role), "memberType": "DIRECT" }));
        }
    }
    *roles = json!(kept);
}

/// The display name CSP gives an organization role.
fn role_name(id: &str) -> String {
    match id {
        "msp:provider_admin" => "Provider Administrator",
        "msp:provider_operations_admin" => "Provider Operations Administrator",
        "msp:provider_account_admin" => "Provider Accounts Administrator",
        "msp:provider_billing_user" => "Provider Billing User",
        "msp:provider_support_user" => "Provider Support User",
        "msp:tenant_admin" => "Tenant Administrator",
        "msp:tenant_user" => "Tenant User",
        "msp:tenant_billing_user" => "Tenant Billing User",
        other => other,
    }
    .to_owned()
}
