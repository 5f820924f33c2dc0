//! The handlers, one module per surface, and the table from `operationId` to handler.

mod auth;
mod billing;
mod core;
mod msp;
mod orders;
mod support;
mod vcpp;

use crate::App;
use crate::call::{Call, Reply};

/// How an operation is served.
#[derive(Clone, Copy)]
pub(crate) enum Handler {
    /// From the state, in one step.
    Plain(fn(&App, &Call) -> Reply),
    /// The multipart attachment upload, which reads its parts asynchronously.
    Upload,
}

impl Handler {
    pub(crate) async fn serve(self, app: App, call: Call) -> Reply {
        match self {
            Handler::Plain(handle) => handle(&app, &call),
            Handler::Upload => support::upload_attachment(&app, &call).await,
        }
    }
}

/// The handler of `operation_id`, if the mock serves it.
pub(crate) fn handler(operation_id: &str) -> Option<Handler> {
    let plain: fn(&App, &Call) -> Reply = match operation_id {
        "create_tenant" => core::create_tenant,
        "list_tenants" => core::list_tenants,
        "get_organization" => core::get_organization,
        "update_tenant" => core::update_tenant,
        "list_org_services" => core::list_org_services,
        "enable_service" => core::enable_service,
        "get_access_token" => auth::get_access_token,
        "list_users" => auth::list_users,
        "add_users" | "add_users_post" => auth::add_users,
        "list_invitations" => auth::list_invitations,
        "revoke_invitations" => auth::revoke_invitations,
        "resend_invitations" => auth::resend_invitations,
        "update_user_org_roles" => auth::update_user_org_roles,
        "delete_users" => auth::delete_users,
        "add_users_v2" => auth::add_users_v2,
        "get_logged_in_user" => auth::logged_in::get_logged_in_user,
        "list_logged_in_user_orgs" => auth::logged_in::list_logged_in_user_orgs,
        "list_logged_in_user_service_roles" => auth::logged_in::list_logged_in_user_service_roles,
        "list_available_org_roles" => auth::roles::list_available_org_roles,
        "get_user_org_roles" => auth::roles::get_user_org_roles,
        "update_org_roles_of_user" => auth::roles::update_org_roles_of_user,
        "update_org_roles_with_binding" => auth::roles::update_org_roles_with_binding,
        "get_org_bindings_for_role" => auth::roles::get_org_bindings_for_role,
        "update_org_bindings_for_role" => auth::roles::update_org_bindings_for_role,
        "list_user_service_roles" => auth::roles::list_user_service_roles,
        "assign_missing_vcp_vui_service_roles" => auth::roles::assign_missing_vcp_vui_service_roles,
        "get_usage_report" => billing::get_usage_report,
        "download_usage_report" => billing::download_usage_report,
        "list_subscriptions" => billing::list_subscriptions,
        "create_support_request" => support::create_support_request,
        "list_support_requests" => support::list_support_requests,
        "get_support_metadata" => support::get_support_metadata,
        "get_support_request" => support::get_support_request,
        "update_support_request" => support::update_support_request,
        "list_close_reasons" => support::list_close_reasons,
        "upload_attachment" => return Some(Handler::Upload),
        "get_subscription" => msp::get_subscription,
        "search_subscriptions" => msp::search_subscriptions,
        "get_subscription_history" => msp::get_subscription_history,
        "get_token" => vcpp::get_token,
        "list_commit_contracts" => vcpp::list_commit_contracts,
        "get_commit_contract" => vcpp::get_commit_contract,
        "list_contract_users" => vcpp::list_contract_users,
        "list_core_coreless_products" => vcpp::list_core_coreless_products,
        "list_contract_service_instances" => vcpp::list_contract_service_instances,
        "get_service_instance" => vcpp::get_service_instance,
        "list_addon_products" => vcpp::list_addon_products,
        "get_order_feed" => vcpp::get_order_feed,
        "place_order" => vcpp::place_order,
        _ => return None,
    };
    Some(Handler::Plain(plain))
}

/// The organization `orgId` names, or `404`.
fn known_org(app: &App, call: &Call) -> Result<String, axum::response::Response> {
    let org = call.path("orgId");
    if app.store().org(org).is_some() {
        Ok(org.to_owned())
    } else {
        Err(call.not_found(format_args!("organization {org}")))
    }
}
