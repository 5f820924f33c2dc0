//! cphub-core: the provider's tenants, and its services.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use cphub_core::types::{Service, TenantCreate};
use serde_json::{Value, json};

use super::known_org;
use crate::App;
use crate::call::{Call, Reply, ok};
use crate::store::now_millis;

pub(crate) fn create_tenant(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    let request: TenantCreate = call.json()?;
    let mut store = app.store();
    if store
        .org(&org)
        .is_some_and(|o| o.get("parentOrgId").is_some())
    {
        // The request is valid; the caller is not allowed to make it.
        return Err(call.error(
            StatusCode::FORBIDDEN,
            format!("{org} is a tenant; only a provider creates tenants"),
        ));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let mut tenant = serde_json::to_value(&request).unwrap_or_default();
    merge(
        &mut tenant,
        json!({
            "createTimestamp": now_millis(),
            "updateTimestamp": now_millis(),
            "id": id,
            "name": uuid::Uuid::new_v4().simple().to_string()[..8].to_owned(),
            "status": "ACTIVE",
            "orgType": "TENANT",
            "parentOrgId": org,
            "childOrgIds": [],
            "isFederated": false,
        }),
    );
    if let Some(children) = store
        .org_mut(&org)
        .and_then(|o| o["childOrgIds"].as_array_mut())
    {
        children.push(json!(id));
    }
    store.orgs.push(tenant.clone());
    store.users.insert(id.clone(), Vec::new());
    // The API reference answers `201 Created`.
    Ok((StatusCode::CREATED, axum::Json(tenant)).into_response())
}

pub(crate) fn list_tenants(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    let store = app.store();
    ok(store.tenants_of(&org).collect::<Vec<_>>())
}

pub(crate) fn get_organization(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    ok(app.store().org(&org))
}

pub(crate) fn update_tenant(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    let request: TenantCreate = call.json()?;
    let mut store = app.store();
    let Some(tenant) = store
        .org_mut(&org)
        .filter(|o| o.get("parentOrgId").is_some())
    else {
        return Err(call.bad_request(format!("{org} is not a tenant")));
    };
    merge(tenant, serde_json::to_value(&request).unwrap_or_default());
    tenant["updateTimestamp"] = json!(now_millis());
    ok(tenant.clone())
}

pub(crate) fn list_org_services(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    // No source says what the flags select; they are checked, not acted on.
    for flag in ["can_be_enabled", "commit_contract_signed", "refresh"] {
        call.query_as::<bool>(flag)?;
    }
    let store = app.store();
    // The declared form: a bare array of the organization's services.
    ok(store.services.get(&org).cloned().unwrap_or_default())
}

pub(crate) fn enable_service(app: &App, call: &Call) -> Reply {
    let org = known_org(app, call)?;
    // The body is what the reference shows; only the path says which service to enable.
    let _: Service = call.json()?;
    let id = call.path("serviceDefinitionId");
    let mut store = app.store();
    let Some(service) = store
        .services
        .get_mut(&org)
        .and_then(|services| services.iter_mut().find(|s| s["id"] == id))
    else {
        return Err(call.not_found(format_args!("service {id} of organization {org}")));
    };
    service["enabled"] = json!(true);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Sets every property of `from` on `into`.
fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}
