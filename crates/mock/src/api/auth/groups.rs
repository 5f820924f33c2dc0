//! Enterprise (federated) groups: the organization and service roles assigned to them, read
//! back by `get_group_roles`, and their removal. A group is known once roles were assigned to
//! it; the mock has no identity provider to list groups from.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use cphub_auth::types::{AssignGroupsToOrgAuthRequest, DeleteGroupRolesRequest};
use serde_json::{Value, json};

use super::clients::check_roles;
use super::role_name;
use crate::App;
use crate::api::handlers::cphub_auth::*;
use crate::api::known_org;
use crate::call::{Call, Reply, ok};

/// Adds the names in `add` that `list` lacks and removes those in `remove`.
fn change(list: &mut Vec<String>, add: &[String], remove: &[String]) {
    list.retain(|r| !remove.contains(r));
    for name in add {
        if !list.contains(name) {
            list.push(name.clone());
        }
    }
}

/// The role names of free-form role objects (`rolesToAdd: [{…}]`): their `name`.
fn object_names(roles: &[serde_json::Map<String, Value>]) -> Vec<String> {
    roles
        .iter()
        .filter_map(|r| r.get("name")?.as_str().map(str::to_owned))
        .collect()
}

/// `200` with no body (the reference's answer is not visible; see the spec). Every listed
/// group gets the changes; an organization role the organization does not offer is `404`.
pub(crate) fn assign_group_roles(app: &App, call: &Call, params: AssignGroupRolesParams) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let request: AssignGroupsToOrgAuthRequest = call.json()?;
    let (add, remove) = match &request.org_role_items {
        Some(items) => (
            items.role_names_to_add.clone(),
            items.role_names_to_remove.clone(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    check_roles(app, call, &org, add.iter().map(String::as_str))?;
    let services = request
        .service_roles_items
        .iter()
        .flat_map(|items| &items.service_roles_items);
    let mut service_changes = Vec::new();
    for item in services {
        let Some(service) = item.service_id.clone() else {
            continue;
        };
        let mut add = item.role_names_to_add.clone();
        add.extend(object_names(&item.roles_to_add));
        let mut remove = item.role_names_to_remove.clone();
        remove.extend(object_names(&item.roles_to_remove));
        service_changes.push((service, add, remove));
    }
    let mut store = app.store();
    for id in &request.ids {
        let group = store
            .identity
            .groups
            .entry((org.clone(), id.clone()))
            .or_default();
        change(&mut group.org_roles, &add, &remove);
        for (service, add, remove) in &service_changes {
            let index = match group.service_roles.iter().position(|(s, _)| s == service) {
                Some(index) => index,
                None => {
                    group.service_roles.push((service.clone(), Vec::new()));
                    group.service_roles.len() - 1
                }
            };
            change(&mut group.service_roles[index].1, add, remove);
        }
    }
    Ok(StatusCode::OK.into_response())
}

/// `204`, the groups and their roles gone; `404` when none of `ids` is a group of the
/// organization.
pub(crate) fn delete_groups(app: &App, call: &Call, params: DeleteGroupsParams) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let request: DeleteGroupRolesRequest = call.json()?;
    let mut store = app.store();
    let mut removed = 0;
    for id in &request.ids {
        removed += usize::from(
            store
                .identity
                .groups
                .remove(&(org.clone(), id.clone()))
                .is_some(),
        );
    }
    if removed == 0 {
        return Err(call.not_found(format_args!(
            "a group {:?} of organization {org}",
            request.ids
        )));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The group's roles as `OrgAndServiceRolesForAuth`: each organization role as the
/// reference's Role, each service's roles as `ServiceRoles`.
pub(crate) fn get_group_roles(app: &App, call: &Call, params: GetGroupRolesParams) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let store = app.store();
    let Some(group) = store
        .identity
        .groups
        .get(&(org.clone(), params.group_id.clone()))
    else {
        return Err(call.not_found(format_args!(
            "group {} of organization {org}",
            params.group_id
        )));
    };
    let org_roles: Vec<Value> = group
        .org_roles
        .iter()
        .map(|id| json!({ "id": id, "name": id, "displayName": role_name(id), "orgId": org }))
        .collect();
    let service_roles: Vec<Value> = group
        .service_roles
        .iter()
        .map(|(service, roles)| {
            let roles: Vec<Value> = roles
                .iter()
                .map(|name| json!({ "roleId": name, "name": name }))
                .collect();
            json!({ "serviceId": service, "roles": roles })
        })
        .collect();
    ok(json!({
        "organizationRoles": { "orgRoles": org_roles },
        "serviceRoles": service_roles,
    }))
}
