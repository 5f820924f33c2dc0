//! The user every access token of the mock belongs to: the seeded profile, a member of the
//! provider organization.

use serde_json::{Value, json};

use crate::App;
use crate::api::handlers::cphub_auth::*;
use crate::api::known_org;
use crate::call::{Call, Reply, ok};
use crate::store::Store;

/// The profile, in the provider organization as it is now; `expandUser` adds the member's
/// account as `linkedUser`.
pub(crate) fn get_logged_in_user(app: &App, _call: &Call, params: GetLoggedInUserParams) -> Reply {
    let expand = params.expand_user.unwrap_or(false);
    let store = app.store();
    let provider = app.config.provider_org.as_str();
    let mut profile = store.logged_in_user.clone();
    let org = &mut profile["org"];
    org["id"] = json!(provider);
    if let Some(record) = store.org(provider) {
        for field in ["displayName", "companyName"] {
            if record[field].is_string() {
                org[field] = record[field].clone();
            }
        }
    }
    org["childOrgIds"] = json!(
        store
            .tenants_of(provider)
            .map(|t| t["id"].clone())
            .collect::<Vec<_>>()
    );
    if expand && let Some(member) = logged_in_member(&store, provider) {
        profile["linkedUser"] = member["user"].clone();
    }
    ok(profile)
}

/// The provider and its tenants.
pub(crate) fn list_logged_in_user_orgs(
    app: &App,
    _call: &Call,
    _params: ListLoggedInUserOrgsParams,
) -> Reply {
    let store = app.store();
    let provider = app.config.provider_org.as_str();
    let orgs: Vec<Value> = std::iter::once(json!(provider))
        .chain(store.tenants_of(provider).map(|t| t["id"].clone()))
        .collect();
    ok(json!({ "loggedInUserOrgs": orgs }))
}

/// The logged-in user's service roles in `orgId`: none where they are not a member.
pub(crate) fn list_logged_in_user_service_roles(
    app: &App,
    call: &Call,
    params: ListLoggedInUserServiceRolesParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let store = app.store();
    let roles = logged_in_member(&store, &org)
        .map(|m| m["serviceRolesList"].clone())
        .filter(Value::is_array)
        .unwrap_or_else(|| json!([]));
    ok(roles)
}

/// The member of `org` who is the logged-in user (the profile's email is their user name).
fn logged_in_member<'a>(store: &'a Store, org: &str) -> Option<&'a Value> {
    let email = store.logged_in_user["email"].as_str()?;
    store
        .users
        .get(org)?
        .iter()
        .find(|m| m["user"]["username"] == email)
}
