//! OAuth clients: OAuth apps granted organization and service roles in an organization, with
//! the organizations bound to their roles. An app is added only to the organization that
//! created it (the Navigator guide); what a client holds shows in `get_oauth_client` and
//! `get_client_org_bindings_for_role`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cphub_auth::types::{AssignRolesRequest, ClientServiceRoles, NamedRole, UpdateRolesRequest};
use serde_json::{Value, json};

use super::oauth_apps::available_roles;
use crate::App;
use crate::api::handlers::cphub_auth::*;
use crate::api::known_org;
use crate::call::{Call, Reply, ok};
use crate::store::Store;

/// `404` naming the first role of `names` that `org` does not offer.
pub(crate) fn check_roles<'a>(
    app: &App,
    call: &Call,
    org: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> Result<(), Response> {
    let offered = available_roles(app, org);
    match names
        .into_iter()
        .find(|name| !offered.iter().any(|o| o == name))
    {
        Some(unknown) => Err(call.not_found(format_args!(
            "organization role {unknown} of organization {org}"
        ))),
        None => Ok(()),
    }
}

/// `404` naming the first of `orgs` that is not a tenant of `org`.
fn check_tenants(store: &Store, call: &Call, org: &str, orgs: &[String]) -> Result<(), Response> {
    match orgs
        .iter()
        .find(|t| t.as_str() == org || !store.within(t, org))
    {
        Some(unknown) => {
            Err(call.not_found(format_args!("tenant {unknown} of organization {org}")))
        }
        None => Ok(()),
    }
}

fn names(roles: &[NamedRole]) -> impl Iterator<Item = &str> {
    roles.iter().filter_map(|r| r.name.as_deref())
}

/// The client's organization role ids.
fn client_roles(client: &Value) -> Vec<String> {
    client["organizationRoles"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .collect()
}

/// Adds the roles named in `add` the client lacks, removes those in `remove`; a role removed
/// loses its bindings.
fn change_roles(store: &mut Store, key: &(String, String), add: &[&str], remove: &[&str]) {
    let identity = &mut store.identity;
    let Some(client) = identity.clients.get_mut(key) else {
        return;
    };
    let mut roles: Vec<String> = client_roles(client)
        .into_iter()
        .filter(|r| !remove.contains(&r.as_str()))
        .collect();
    for role in add {
        if !roles.iter().any(|r| r == role) {
            roles.push((*role).to_owned());
        }
    }
    client["organizationRoles"] = json!(
        roles
            .iter()
            .map(|name| json!({ "name": name }))
            .collect::<Vec<_>>()
    );
    let (org, id) = key;
    identity
        .client_bindings
        .retain(|(o, c, role), _| o != org || c != id || roles.contains(role));
}

/// Grants and takes back each service's roles by name.
fn change_service_roles(client: &mut Value, service: &str, add: &[&str], remove: &[&str]) {
    let Some(list) = client["serviceRoles"].as_array_mut() else {
        return;
    };
    let index = match list
        .iter()
        .position(|s| s["serviceDefinitionId"] == service)
    {
        Some(index) => index,
        None => {
            list.push(json!({ "serviceDefinitionId": service, "serviceRoles": [] }));
            list.len() - 1
        }
    };
    let entry = &mut list[index]["serviceRoles"];
    let mut roles: Vec<String> = entry
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .filter(|r| !remove.contains(&r.as_str()))
        .collect();
    for role in add {
        if !roles.iter().any(|r| r == role) {
            roles.push((*role).to_owned());
        }
    }
    *entry = json!(
        roles
            .iter()
            .map(|name| json!({ "name": name }))
            .collect::<Vec<_>>()
    );
}

/// Binds `add` to, and unbinds `remove` from, each organization role the client holds.
fn bind(store: &mut Store, key: &(String, String), add: &[String], remove: &[String]) {
    let Some(client) = store.identity.clients.get(key) else {
        return;
    };
    let (org, id) = key;
    for role in client_roles(client) {
        let bound = store
            .identity
            .client_bindings
            .entry((org.clone(), id.clone(), role))
            .or_default();
        bound.retain(|t| !remove.contains(t));
        for tenant in add {
            if !bound.contains(tenant) {
                bound.push(tenant.clone());
            }
        }
    }
}

/// Each listed app gets the roles, in the organization that created it; an app that does
/// not exist or was created elsewhere is a failure of the answer, not a refused request. A
/// role the organization does not offer, or a binding to an organization that is not its
/// tenant, is `404`.
pub(crate) fn assign_client_roles(
    app: &App,
    call: &Call,
    params: AssignClientRolesParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let request: AssignRolesRequest = call.json()?;
    check_roles(app, call, &org, names(&request.organization_roles))?;
    let mut store = app.store();
    check_tenants(&store, call, &org, &request.org_role_binding_orgs)?;
    let source_name = store.org(&org).map(|o| o["displayName"].clone());
    let added: Vec<&str> = names(&request.organization_roles).collect();
    let mut failures = Vec::new();
    for id in &request.ids {
        let owner = store.identity.oauth_apps.get(id).map(|a| a.org.clone());
        let Some(owner) = owner else {
            failures.push(json!({ "id": id, "message": "No OAuth app has this client id" }));
            continue;
        };
        if owner != org {
            failures.push(json!({
                "id": id,
                "message": "The OAuth app was created in another organization; it can be \
                            added only to that one",
            }));
            continue;
        }
        let key = (org.clone(), id.clone());
        let record = store.identity.oauth_apps[id].record.clone();
        let mut source = json!({ "orgId": org });
        if let Some(name) = source_name.clone().filter(Value::is_string) {
            source["displayName"] = name;
        }
        let client = store
            .identity
            .clients
            .entry(key.clone())
            .or_insert_with(|| {
                json!({
                    "id": id, "organizationRoles": [], "serviceRoles": [], "sourceOrg": source,
                })
            });
        for field in ["displayName", "description"] {
            if record[field].is_string() {
                client[field] = record[field].clone();
            }
        }
        for ClientServiceRoles {
            service_definition_id,
            service_roles,
            ..
        } in &request.service_roles
        {
            if let Some(service) = service_definition_id {
                let granted: Vec<&str> = names(service_roles).collect();
                change_service_roles(client, service, &granted, &[]);
            }
        }
        change_roles(&mut store, &key, &added, &[]);
        bind(&mut store, &key, &request.org_role_binding_orgs, &[]);
    }
    ok(json!({ "failures": failures }))
}

/// The client of `org`, else `404`.
fn client_key(
    store: &Store,
    call: &Call,
    org: &str,
    id: &str,
) -> Result<(String, String), Response> {
    let key = (org.to_owned(), id.to_owned());
    if store.identity.clients.contains_key(&key) {
        Ok(key)
    } else {
        Err(call.not_found(format_args!("OAuth client {id} of organization {org}")))
    }
}

pub(crate) fn get_oauth_client(app: &App, call: &Call, params: GetOauthClientParams) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let store = app.store();
    let key = client_key(&store, call, &org, &params.client_id)?;
    ok(&store.identity.clients[&key])
}

/// `200` with no body, as the reference documents. The bindings change for every
/// organization role the client holds after the role changes.
pub(crate) fn update_client_roles(
    app: &App,
    call: &Call,
    params: UpdateClientRolesParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let request: UpdateRolesRequest = call.json()?;
    let (add, remove): (Vec<&str>, Vec<&str>) = match &request.organization_roles {
        Some(update) => (
            names(&update.roles_to_add).collect(),
            names(&update.roles_to_remove).collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    check_roles(app, call, &org, add.iter().copied())?;
    let mut store = app.store();
    let key = client_key(&store, call, &org, &params.client_id)?;
    if let Some(items) = &request.org_role_binding_orgs {
        check_tenants(&store, call, &org, &items.orgs_to_add)?;
    }
    change_roles(&mut store, &key, &add, &remove);
    if let Some(client) = store.identity.clients.get_mut(&key) {
        for update in &request.service_roles {
            if let Some(service) = &update.service_definition_id {
                let granted: Vec<&str> = names(&update.roles_to_add).collect();
                let taken: Vec<&str> = names(&update.roles_to_remove).collect();
                change_service_roles(client, service, &granted, &taken);
            }
        }
    }
    if let Some(items) = &request.org_role_binding_orgs {
        bind(&mut store, &key, &items.orgs_to_add, &items.orgs_to_remove);
    }
    Ok(StatusCode::OK.into_response())
}

/// The organizations bound to the client's role, as the array of `OrgForAuth` the client page
/// shows; none for a role the client does not hold.
pub(crate) fn get_client_org_bindings_for_role(
    app: &App,
    call: &Call,
    params: GetClientOrgBindingsForRoleParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let store = app.store();
    let (org, id) = client_key(&store, call, &org, &params.client_id)?;
    let bound = store
        .identity
        .client_bindings
        .get(&(org.clone(), id, params.role_id))
        .into_iter()
        .flatten();
    let bindings: Vec<Value> = bound
        .map(|tenant| {
            json!({
                "orgId": tenant, "parentOrgId": org, "orgType": "TENANT", "realm": "CPHUB",
                "natures": ["MSP"],
            })
        })
        .collect();
    ok(bindings)
}
