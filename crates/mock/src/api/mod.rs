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
        "get_access_token" => auth::get_access_token,
        "list_users" => auth::list_users,
        "add_users" | "add_users_post" => auth::add_users,
        "list_invitations" => auth::list_invitations,
        "revoke_invitations" => auth::revoke_invitations,
        "resend_invitations" => auth::resend_invitations,
        "update_user_org_roles" => auth::update_user_org_roles,
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
