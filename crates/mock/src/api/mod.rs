//! The handlers, one module per surface, and the table from `operationId` to handler.

mod auth;
mod billing;
mod core;
mod msp;
mod orders;
mod support;
mod vcpp;

use ::cphub_auth::operations as auth_op;
use ::cphub_billing::operations as billing_op;
use ::cphub_core::operations as core_op;
use ::cphub_support::operations as support_op;
use ::navigator_msp::operations as msp_op;
use ::vcpp::operations as vcpp_op;
use vmware_cpn_runtime::Operation;

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

/// Every operation the mock serves, by the generated constant of its client crate (so an
/// operation id that is not in a spec does not compile), with its handler.
const HANDLERS: &[(Operation, Handler)] = {
    use Handler::{Plain, Upload};
    &[
        (core_op::CREATE_TENANT, Plain(core::create_tenant)),
        (core_op::LIST_TENANTS, Plain(core::list_tenants)),
        (core_op::GET_ORGANIZATION, Plain(core::get_organization)),
        (core_op::UPDATE_TENANT, Plain(core::update_tenant)),
        (core_op::LIST_ORG_SERVICES, Plain(core::list_org_services)),
        (core_op::ENABLE_SERVICE, Plain(core::enable_service)),
        (auth_op::GET_ACCESS_TOKEN, Plain(auth::get_access_token)),
        (auth_op::LIST_USERS, Plain(auth::list_users)),
        (auth_op::ADD_USERS, Plain(auth::add_users)),
        (auth_op::ADD_USERS_POST, Plain(auth::add_users)),
        (auth_op::LIST_INVITATIONS, Plain(auth::list_invitations)),
        (auth_op::REVOKE_INVITATIONS, Plain(auth::revoke_invitations)),
        (auth_op::RESEND_INVITATIONS, Plain(auth::resend_invitations)),
        (
            auth_op::UPDATE_USER_ORG_ROLES,
            Plain(auth::update_user_org_roles),
        ),
        (auth_op::DELETE_USERS, Plain(auth::delete_users)),
        (auth_op::ADD_USERS_V2, Plain(auth::add_users_v2)),
        (
            auth_op::GET_LOGGED_IN_USER,
            Plain(auth::logged_in::get_logged_in_user),
        ),
        (
            auth_op::LIST_LOGGED_IN_USER_ORGS,
            Plain(auth::logged_in::list_logged_in_user_orgs),
        ),
        (
            auth_op::LIST_LOGGED_IN_USER_SERVICE_ROLES,
            Plain(auth::logged_in::list_logged_in_user_service_roles),
        ),
        (
            auth_op::LIST_AVAILABLE_ORG_ROLES,
            Plain(auth::roles::list_available_org_roles),
        ),
        (
            auth_op::GET_USER_ORG_ROLES,
            Plain(auth::roles::get_user_org_roles),
        ),
        (
            auth_op::UPDATE_ORG_ROLES_OF_USER,
            Plain(auth::roles::update_org_roles_of_user),
        ),
        (
            auth_op::UPDATE_ORG_ROLES_WITH_BINDING,
            Plain(auth::roles::update_org_roles_with_binding),
        ),
        (
            auth_op::GET_ORG_BINDINGS_FOR_ROLE,
            Plain(auth::roles::get_org_bindings_for_role),
        ),
        (
            auth_op::UPDATE_ORG_BINDINGS_FOR_ROLE,
            Plain(auth::roles::update_org_bindings_for_role),
        ),
        (
            auth_op::LIST_USER_SERVICE_ROLES,
            Plain(auth::roles::list_user_service_roles),
        ),
        (
            auth_op::ASSIGN_MISSING_VCP_VUI_SERVICE_ROLES,
            Plain(auth::roles::assign_missing_vcp_vui_service_roles),
        ),
        (
            billing_op::GET_USAGE_REPORT,
            Plain(billing::get_usage_report),
        ),
        (
            billing_op::DOWNLOAD_USAGE_REPORT,
            Plain(billing::download_usage_report),
        ),
        (
            billing_op::LIST_SUBSCRIPTIONS,
            Plain(billing::list_subscriptions),
        ),
        (
            support_op::CREATE_SUPPORT_REQUEST,
            Plain(support::create_support_request),
        ),
        (
            support_op::LIST_SUPPORT_REQUESTS,
            Plain(support::list_support_requests),
        ),
        (
            support_op::GET_SUPPORT_METADATA,
            Plain(support::get_support_metadata),
        ),
        (
            support_op::GET_SUPPORT_REQUEST,
            Plain(support::get_support_request),
        ),
        (
            support_op::UPDATE_SUPPORT_REQUEST,
            Plain(support::update_support_request),
        ),
        (
            support_op::LIST_CLOSE_REASONS,
            Plain(support::list_close_reasons),
        ),
        (support_op::UPLOAD_ATTACHMENT, Upload),
        (msp_op::GET_SUBSCRIPTION, Plain(msp::get_subscription)),
        (
            msp_op::SEARCH_SUBSCRIPTIONS,
            Plain(msp::search_subscriptions),
        ),
        (
            msp_op::GET_SUBSCRIPTION_HISTORY,
            Plain(msp::get_subscription_history),
        ),
        (vcpp_op::GET_TOKEN, Plain(vcpp::get_token)),
        (
            vcpp_op::LIST_COMMIT_CONTRACTS,
            Plain(vcpp::list_commit_contracts),
        ),
        (
            vcpp_op::GET_COMMIT_CONTRACT,
            Plain(vcpp::get_commit_contract),
        ),
        (
            vcpp_op::LIST_CONTRACT_USERS,
            Plain(vcpp::list_contract_users),
        ),
        (
            vcpp_op::LIST_CORE_CORELESS_PRODUCTS,
            Plain(vcpp::list_core_coreless_products),
        ),
        (
            vcpp_op::LIST_CONTRACT_SERVICE_INSTANCES,
            Plain(vcpp::list_contract_service_instances),
        ),
        (
            vcpp_op::GET_SERVICE_INSTANCE,
            Plain(vcpp::get_service_instance),
        ),
        (
            vcpp_op::LIST_ADDON_PRODUCTS,
            Plain(vcpp::list_addon_products),
        ),
        (vcpp_op::GET_ORDER_FEED, Plain(vcpp::get_order_feed)),
        (vcpp_op::PLACE_ORDER, Plain(vcpp::place_order)),
    ]
};

/// The handler of `operation_id`, if the mock serves it.
pub(crate) fn handler(operation_id: &str) -> Option<Handler> {
    HANDLERS
        .iter()
        .find(|(operation, _)| operation.id == operation_id)
        .map(|(_, handler)| *handler)
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
