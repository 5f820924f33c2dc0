//! A user's organization roles, the organizations bound to a role, and service roles.

use axum::response::Response;
use cphub_auth::types::{OrgItems, OrgRoleItems, OrgRoleItemsV2, Users};
use serde_json::{Value, json};

use super::{change_member_roles, names, role_name, roles_of};
use crate::App;
use crate::api::handlers::cphub_auth::*;
use crate::api::known_org;
use crate::call::{Call, Reply, ok};
use crate::store::Store;

/// What the service-manager grant adds. The real service ids and role names are not
/// documented, so these are placeholders named after what the reference describes.
const SERVICE_MANAGER_GRANTS: [(&str, &str); 2] = [
    ("mock-commerce-portal", "Commerce Portal"),
    ("mock-vcloud-usage-insight", "vCloud Usage Insight"),
];
const SERVICE_MANAGER_ROLE: (&str, &str) = ("mock:service_manager", "Service Manager");

/// Every organization role of the enum, for the kind of organization: `msp:provider_*` for
/// a provider, `msp:tenant_*` for a tenant.
pub(crate) fn list_available_org_roles(
    app: &App,
    call: &Call,
    params: ListAvailableOrgRolesParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let tenant = app
        .store()
        .org(&org)
        .is_some_and(|o| o["parentOrgId"].is_string());
    let prefix = if tenant {
        "msp:tenant_"
    } else {
        "msp:provider_"
    };
    let roles: Vec<Value> = app
        .specs
        .enum_values("cphub-auth", "OrgRoleName")
        .into_iter()
        .filter(|id| id.starts_with(prefix))
        .map(|id| {
            json!({
                "id": id, "name": id, "displayName": role_name(&id), "memberType": "DIRECT",
                "orgId": org,
            })
        })
        .collect();
    ok(json!({ "orgRoles": roles }))
}

pub(crate) fn get_user_org_roles(app: &App, call: &Call, params: GetUserOrgRolesParams) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let mut store = app.store();
    let member = member(&mut store, &org, call, &params.user_id)?;
    ok(org_roles(member, &org))
}

pub(crate) fn update_org_roles_of_user(
    app: &App,
    call: &Call,
    params: UpdateOrgRolesOfUserParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let request: OrgRoleItems = call.json()?;
    let mut store = app.store();
    let member = member(&mut store, &org, call, &params.user_id)?;
    apply(member, &request);
    ok(org_roles(member, &org))
}

/// The roles as `update_org_roles_of_user`, and the organizations bound to `roleId`.
pub(crate) fn update_org_roles_with_binding(
    app: &App,
    call: &Call,
    params: UpdateOrgRolesWithBindingParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let request: OrgRoleItemsV2 = call.json()?;
    let mut store = app.store();
    let username = username(member(&mut store, &org, call, &params.user_id)?);
    // The reference makes `roleId` optional; without it the org items name no role to bind
    // them to, so they change nothing.
    if let (Some(items), Some(role)) = (&request.org_items, &request.role_id) {
        bind(&mut store, call, (&org, &username, role), items)?;
    }
    let member = member(&mut store, &org, call, &params.user_id)?;
    if let Some(items) = &request.org_role_items {
        apply(member, items);
    }
    ok(org_roles(member, &org))
}

pub(crate) fn get_org_bindings_for_role(
    app: &App,
    call: &Call,
    params: GetOrgBindingsForRoleParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let mut store = app.store();
    let username = username(member(&mut store, &org, call, &params.user_id)?);
    ok(bindings(&store, (&org, &username, params.role_id.as_str())))
}

pub(crate) fn update_org_bindings_for_role(
    app: &App,
    call: &Call,
    params: UpdateOrgBindingsForRoleParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let request: OrgItems = call.json()?;
    let mut store = app.store();
    let username = username(member(&mut store, &org, call, &params.user_id)?);
    let key = (org.as_str(), username.as_str(), params.role_id.as_str());
    bind(&mut store, call, key, &request)?;
    ok(bindings(&store, key))
}

/// The bare array form, as the current reference shows it.
pub(crate) fn list_user_service_roles(
    app: &App,
    call: &Call,
    params: ListUserServiceRolesParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let mut store = app.store();
    let member = member(&mut store, &org, call, &params.user_id)?;
    ok(member["serviceRolesList"].clone())
}

/// The service-manager roles for each listed member holding `msp:provider_billing_user`;
/// answers those members. Anyone else listed is left alone.
pub(crate) fn assign_missing_vcp_vui_service_roles(
    app: &App,
    call: &Call,
    params: AssignMissingVcpVuiServiceRolesParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let request: Users = call.json()?;
    let mut store = app.store();
    let members = store.users.entry(org).or_default();
    let mut assigned = Vec::new();
    for user in &request.users {
        let Some(member) = members
            .iter_mut()
            .find(|m| m["user"]["username"] == user.username.as_str())
        else {
            continue;
        };
        if !roles_of(member).any(|r| r == "msp:provider_billing_user") {
            continue;
        }
        grant_service_manager(member);
        assigned.push(user.clone());
    }
    ok(json!({ "users": assigned }))
}

fn grant_service_manager(member: &mut Value) {
    let Some(list) = member["serviceRolesList"].as_array_mut() else {
        return;
    };
    let (role, display) = SERVICE_MANAGER_ROLE;
    for (service, service_name) in SERVICE_MANAGER_GRANTS {
        if !list.iter().any(|s| s["serviceId"] == service) {
            list.push(json!({
                "serviceId": service, "serviceDisplayName": service_name, "roles": [],
            }));
        }
        let Some(entry) = list.iter_mut().find(|s| s["serviceId"] == service) else {
            continue;
        };
        let Some(roles) = entry["roles"].as_array_mut() else {
            continue;
        };
        if !roles.iter().any(|r| r["roleId"] == role) {
            roles.push(json!({
                "roleId": role, "name": role, "displayName": display, "enabled": true,
                "hidden": false, "memberType": "DIRECT",
            }));
        }
    }
}

/// The member of `org` that `userId` names: by account id, else by user name; `404`
/// otherwise.
fn member<'a>(
    store: &'a mut Store,
    org: &str,
    call: &Call,
    user_id: &str,
) -> Result<&'a mut Value, Response> {
    let members = store.users.entry(org.to_owned()).or_default();
    let index = members
        .iter()
        .position(|m| m["user"]["id"] == user_id)
        .or_else(|| {
            members
                .iter()
                .position(|m| m["user"]["username"] == user_id)
        });
    match index {
        Some(index) => Ok(&mut members[index]),
        None => Err(call.not_found(format_args!("user {user_id} in organization {org}"))),
    }
}

/// Bindings are kept by user name, whichever id the path used.
fn username(member: &Value) -> String {
    member["user"]["username"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn apply(member: &mut Value, items: &OrgRoleItems) {
    change_member_roles(
        member,
        &names(&items.role_names_to_add),
        &names(&items.role_names_to_remove),
    );
}

/// The member's roles, each naming the organization it holds in.
fn org_roles(member: &Value, org: &str) -> Value {
    let roles: Vec<Value> = member["orgRoles"]["orgRoles"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|role| {
            let mut role = role.clone();
            role["orgId"] = json!(org);
            role
        })
        .collect();
    json!({ "orgRoles": roles })
}

/// Binds `orgsToAdd` (each must be a tenant of the organization: `404` otherwise) and
/// unbinds `orgsToRemove`.
fn bind(
    store: &mut Store,
    call: &Call,
    (org, user, role): (&str, &str, &str),
    items: &OrgItems,
) -> Result<(), Response> {
    if let Some(unknown) = items
        .orgs_to_add
        .iter()
        .find(|t| t.as_str() == org || !store.within(t, org))
    {
        return Err(call.not_found(format_args!("tenant {unknown} of organization {org}")));
    }
    let bound = store
        .role_bindings
        .entry((org.to_owned(), user.to_owned(), role.to_owned()))
        .or_default();
    bound.retain(|t| !items.orgs_to_remove.contains(t));
    for tenant in &items.orgs_to_add {
        if !bound.contains(tenant) {
            bound.push(tenant.clone());
        }
    }
    Ok(())
}

/// The bound organizations as `OrgForAuth`, in the declared array form.
fn bindings(store: &Store, (org, user, role): (&str, &str, &str)) -> Value {
    let key = (org.to_owned(), user.to_owned(), role.to_owned());
    let bound = store.role_bindings.get(&key).into_iter().flatten();
    json!(
        bound
            .map(|tenant| json!({
                "orgId": tenant, "parentOrgId": org, "orgType": "TENANT", "realm": "CPHUB",
                "natures": ["MSP"],
            }))
            .collect::<Vec<_>>()
    )
}
