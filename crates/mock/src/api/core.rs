//! cphub-core: the provider's tenants, and its services.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use cphub_core::types::{Service, TenantCreate};
use serde_json::{Value, json};

use super::known_org;
use crate::App;
use crate::api::handlers::cphub_core::*;
use crate::call::{Call, Reply, ok};
use crate::store::now_millis;

/// Sets every property of `from` on `into`.
fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

impl Handlers for App {
    async fn create_tenant(&self, call: &Call, params: CreateTenantParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
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

    async fn list_tenants(&self, call: &Call, params: ListTenantsParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let store = app.store();
        ok(store.tenants_of(&org).collect::<Vec<_>>())
    }

    async fn get_organization(&self, call: &Call, params: GetOrganizationParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        ok(app.store().org(&org))
    }

    async fn update_tenant(&self, call: &Call, params: UpdateTenantParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
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

    async fn list_org_services(&self, call: &Call, params: ListOrgServicesParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        // No source says what the flags select; they are checked, not acted on.
        for flag in ["can_be_enabled", "commit_contract_signed", "refresh"] {
            call.query_as::<bool>(flag)?;
        }
        let store = app.store();
        // The declared form: a bare array of the organization's services.
        ok(store.services.get(&org).cloned().unwrap_or_default())
    }

    async fn enable_service(&self, call: &Call, params: EnableServiceParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        // The body is what the reference shows; only the path says which service to enable.
        let _: Service = call.json()?;
        let id = params.service_definition_id.as_str();
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
}
