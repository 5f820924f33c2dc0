//! cphub-auth: the token exchange, the organization's users and its invitations. A user's
//! roles, bindings and service roles are in `roles`; the logged-in user in `logged_in`; OAuth
//! apps and their token exchanges in `oauth_apps`; OAuth clients' roles in `clients`;
//! enterprise groups' roles in `groups`.

pub(crate) mod clients;
pub(crate) mod groups;
pub(crate) mod logged_in;
pub(crate) mod oauth_apps;
pub(crate) mod roles;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use cphub_auth::types::{
    AccessTokenRequest, AddUsersRequest, AddUsersRequestV2, CspApiTokenRequest, InvitationEmails,
    OrgRoleName, RoleToAdd, UserRolesUpdate, Users,
};
use serde_json::{Map, Value, json};

use super::known_org;
use crate::App;
use crate::api::handlers::cphub_auth::*;
use crate::call::{Call, Reply, ok};
use crate::store::{Store, now_millis};
use crate::tokens::Kind;

/// How long an invitation stays open, as CSP's do.
const INVITATION_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// A JSON answer with `status`: the reference answers 201, 202 and 207 where the guides
/// gave no status.
fn answer(status: StatusCode, value: impl serde::Serialize) -> Reply {
    Ok((status, axum::Json(value)).into_response())
}

/// `207` when some entries failed, else `202`, as the reference's bulk operations answer.
fn accepted(any_failed: bool) -> StatusCode {
    if any_failed {
        StatusCode::MULTI_STATUS
    } else {
        StatusCode::ACCEPTED
    }
}

/// A service's id, and each role to grant there: its name and the resource it is scoped to.
type ServiceGrant = (String, Vec<(String, Option<String>)>);

/// What adding users grants, from either version of the request.
struct Grant {
    org_roles: Vec<String>,
    services: Vec<ServiceGrant>,
    binding_orgs: Vec<String>,
}

impl Grant {
    fn v1(request: &AddUsersRequest) -> Grant {
        let services = request.service_roles_items.iter().filter_map(|item| {
            service_grant(
                &item.service_id,
                &item.role_names_to_add,
                &item.roles_to_add,
            )
        });
        Grant {
            org_roles: names(&request.org_roles_to_add),
            services: services.collect(),
            binding_orgs: request.org_role_binding_orgs.clone(),
        }
    }

    fn v2(request: &AddUsersRequestV2) -> Grant {
        let services = request.service_roles_items.iter().filter_map(|item| {
            service_grant(
                &item.service_id,
                &item.role_names_to_add,
                &item.roles_to_add,
            )
        });
        Grant {
            org_roles: names(&request.org_roles_to_add),
            services: services.collect(),
            binding_orgs: request.org_role_binding_orgs.clone(),
        }
    }
}

/// One service's roles, by name (`roleNamesToAdd`) and as objects (`rolesToAdd`: one in V1,
/// a list in V2).
fn service_grant<'a>(
    service_id: &Option<String>,
    named: &[String],
    objects: impl IntoIterator<Item = &'a RoleToAdd>,
) -> Option<ServiceGrant> {
    let named = named.iter().map(|n| (n.clone(), None));
    let objects = objects
        .into_iter()
        .filter_map(|r| Some((r.name.clone()?, r.resource.clone())));
    Some((service_id.clone()?, named.chain(objects).collect()))
}

fn names(roles: &[OrgRoleName]) -> Vec<String> {
    roles.iter().map(|r| r.as_str().to_owned()).collect()
}

/// What adding one user did.
enum Outcome {
    /// A member now (or already): the roles are theirs.
    Member,
    /// Sent an invitation, at this link.
    Invited(String),
    /// Refused, for this reason.
    Failed(&'static str),
}

/// As CSP does: members get the roles; a user with a VMware ID joins at once with them;
/// anyone else is sent an invitation, which expires after seven days.
fn add_user(store: &mut Store, org: &str, name: &str, grant: &Grant) -> Outcome {
    if !is_email(name) {
        return Outcome::Failed("Invalid email");
    }
    let has_vmware_id = store.vmware_ids.contains(name);
    let members = store.users.entry(org.to_owned()).or_default();
    if let Some(member) = members.iter_mut().find(|m| m["user"]["username"] == name) {
        change_member_roles(member, &grant.org_roles, &[]);
        add_service_roles(member, &grant.services);
        return Outcome::Member;
    }
    if has_vmware_id {
        let mut member = new_member(name);
        change_member_roles(&mut member, &grant.org_roles, &[]);
        add_service_roles(&mut member, &grant.services);
        members.push(member);
        return Outcome::Member;
    }
    let link = format!(
        "/cphub/api/auth/v1/orgs/{org}/invitations/{}",
        uuid::Uuid::new_v4()
    );
    let invitations = store.invitations.entry(org.to_owned()).or_default();
    invitations.retain(|i| i["username"] != name);
    invitations.push(json!({
        "expirationTime": now_millis() + INVITATION_LIFETIME_MS,
        "generatedBy": "mock",
        "generatedAt": now_millis(),
        "status": "AVAILABLE",
        "username": name,
        "orgRoles": grant.org_roles,
        "orgRoleBindingOrgs": grant.binding_orgs,
        "refLink": link,
    }));
    Outcome::Invited(link)
}

/// `local@domain.tld`: the reference's example refuses `jimdoe@.com`.
fn is_email(name: &str) -> bool {
    name.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    })
}

/// The ids of a member's organization roles.
fn roles_of(member: &Value) -> impl Iterator<Item = &str> {
    member["orgRoles"]["orgRoles"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
}

/// A member as `list_users` shows one, before roles.
fn new_member(email: &str) -> Value {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    json!({
        "user": {
            // An account id, so the per-user paths find a member by it as by name.
            "id": uuid::Uuid::new_v4().to_string(),
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

/// Grants each service's roles the member lacks; a role's `resource` scopes it.
fn add_service_roles(member: &mut Value, services: &[ServiceGrant]) {
    let Some(list) = member["serviceRolesList"].as_array_mut() else {
        return;
    };
    for (service, granted) in services {
        let index = match list.iter().position(|s| s["serviceId"] == service.as_str()) {
            Some(index) => index,
            None => {
                list.push(json!({ "serviceId": service, "roles": [] }));
                list.len() - 1
            }
        };
        let Some(roles) = list[index]["roles"].as_array_mut() else {
            continue;
        };
        for (name, resource) in granted {
            if roles.iter().any(|r| r["roleId"] == name.as_str()) {
                continue;
            }
            let mut role = json!({
                "roleId": name, "name": name, "hidden": false, "enabled": true,
                "memberType": "DIRECT",
            });
            if let Some(resource) = resource {
                role["resource"] = json!(resource);
            }
            roles.push(role);
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

impl Handlers for App {
    /// `201 Created`, as the newest reference answers. No expiry is announced: no source
    /// documents an expiry field.
    async fn get_access_token(&self, call: &Call, _params: GetAccessTokenParams) -> Reply {
        let app = self;
        let request: AccessTokenRequest = call.json()?;
        if request.refresh_token.expose() != app.config.refresh_token {
            return Err(call.error(
                StatusCode::BAD_REQUEST,
                "invalid_grant: the refresh token is not valid",
            ));
        }
        let (token, _) = app.tokens().issue(Kind::Csp);
        answer(StatusCode::CREATED, json!({ "accessToken": token }))
    }

    /// The CSP gateway's exchange takes the mock's API token (the one the Navigator exchange
    /// takes), as `api_token` or under its deprecated name `refresh_token`; anything else is
    /// `400`, as the reference answers an expired or unknown token.
    async fn exchange_csp_api_token(
        &self,
        call: &Call,
        _params: ExchangeCspApiTokenParams,
    ) -> Reply {
        let request: CspApiTokenRequest = call.form()?;
        let api_token = request.api_token.or(request.refresh_token);
        if api_token.as_ref().map(|token| token.expose())
            != Some(self.config.refresh_token.as_str())
        {
            return Err(call.error(
                StatusCode::BAD_REQUEST,
                "invalid_grant: the API token is not valid",
            ));
        }
        let (token, lifetime) = self.tokens().issue(Kind::Csp);
        ok(json!({ "access_token": token, "expires_in": lifetime, "token_type": "bearer" }))
    }

    /// `roleId` keeps the members holding that organization role.
    async fn list_users(&self, call: &Call, params: ListUsersParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let members = app.store().users.get(&org).cloned().unwrap_or_default();
        let Some(role) = params.role_id.as_deref() else {
            return ok(members);
        };
        let holds = |member: &Value| roles_of(member).any(|r| r == role);
        ok(members.into_iter().filter(holds).collect::<Vec<_>>())
    }

    /// Removes the listed members; a user who is not one is reported as failed, not refused.
    async fn delete_users(&self, call: &Call, params: DeleteUsersParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let request: Users = call.json()?;
        let mut store = app.store();
        let members = store.users.entry(org.clone()).or_default();
        let (mut removed, mut failed) = (Vec::new(), Map::new());
        for user in &request.users {
            let name = user.username.as_str();
            match members.iter().position(|m| m["user"]["username"] == name) {
                Some(index) => {
                    members.remove(index);
                    removed.push(name.to_owned());
                }
                None => {
                    failed.insert(name.to_owned(), json!("User not found"));
                }
            }
        }
        // A removed user's role bindings go with them.
        store
            .role_bindings
            .retain(|(o, user, _), _| o != &org || !removed.contains(user));
        ok(json!({
            "message": "Users have been removed",
            "status": { "succeeded": removed, "failed": failed },
        }))
    }

    /// V1 (PATCH and POST): members in `addedUsers`, invitations in `invitedUsers` with their
    /// links, as the reference splits them; the guides' `detailedStatus` for every user.
    async fn add_users(&self, call: &Call, params: AddUsersParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let request: AddUsersRequest = call.json()?;
        let grant = Grant::v1(&request);
        let mut store = app.store();
        let (mut added, mut failed, mut detail) = (Vec::new(), Vec::new(), Map::new());
        let (mut invited, mut links) = (Vec::new(), Map::new());
        for user in &request.users {
            let name = user.username.clone();
            match add_user(&mut store, &org, &name, &grant) {
                Outcome::Member => added.push(name.clone()),
                Outcome::Invited(link) => {
                    links.insert(name.clone(), json!(link));
                    invited.push(name.clone());
                }
                Outcome::Failed(reason) => {
                    detail.insert(name.clone(), json!(format!("Failed: {reason}")));
                    failed.push(name);
                    continue;
                }
            }
            detail.insert(name, json!("Success"));
        }
        let mut added_users =
            json!({ "users": added, "failedUsers": failed, "detailedStatus": detail });
        // ResultStatus has no failure value: the status is left out when some failed.
        if failed.is_empty() {
            added_users["status"] = json!("SUCCESS");
        }
        answer(
            accepted(!failed.is_empty()),
            json!({
                "message": "Users have been added/invited successfully",
                "addedUsers": added_users,
                "invitedUsers": {
                    "users": invited, "status": "SUCCESS", "failedUsers": [], "refLink": links,
                },
            }),
        )
    }

    /// V2: `succeeded.added` and `succeeded.invited` (with links), refused entries in
    /// `failed.onInvite` (the reference's example refuses an invalid email there).
    async fn add_users_v2(&self, call: &Call, params: AddUsersV2Params) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let request: AddUsersRequestV2 = call.json()?;
        let grant = Grant::v2(&request);
        let mut store = app.store();
        let (mut added, mut invited, mut failed) = (Vec::new(), Map::new(), Map::new());
        for user in &request.users {
            let name = user.username.clone();
            match add_user(&mut store, &org, &name, &grant) {
                Outcome::Member => added.push(name),
                Outcome::Invited(link) => {
                    invited.insert(name, json!(link));
                }
                Outcome::Failed(reason) => {
                    failed.insert(name, json!(reason));
                }
            }
        }
        answer(
            accepted(!failed.is_empty()),
            json!({
                "message": "Users have been added/invited",
                "succeeded": { "added": added, "invited": invited },
                "failed": { "onAdd": {}, "onInvite": failed },
            }),
        )
    }

    async fn list_invitations(&self, call: &Call, params: ListInvitationsParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        ok(app
            .store()
            .invitations
            .get(&org)
            .cloned()
            .unwrap_or_default())
    }

    /// `202`, or `207` with the emails that had no pending invitation in `failed.onInvite`;
    /// `404` when none had one.
    async fn revoke_invitations(&self, call: &Call, params: RevokeInvitationsParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let request: InvitationEmails = call.json()?;
        let mut store = app.store();
        let invitations = store.invitations.entry(org).or_default();
        let (mut revoked, mut links) = (Vec::new(), Map::new());
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
        let failed: Map<String, Value> = request
            .emails
            .iter()
            .filter(|e| !revoked.contains(e))
            .map(|e| (e.clone(), json!("No pending invitation")))
            .collect();
        let mut body = json!({
            "message": "Invitations have been revoked successfully",
            "revokedUsersInvitation": { "users": revoked, "status": "SUCCESS", "refLink": links },
        });
        if !failed.is_empty() {
            body["failed"] = json!({ "onInvite": failed });
        }
        answer(accepted(!failed.is_empty()), body)
    }

    async fn resend_invitations(&self, call: &Call, params: ResendInvitationsParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
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
    async fn update_user_org_roles(&self, call: &Call, params: UpdateUserOrgRolesParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let request: UserRolesUpdate = call.json()?;
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

    async fn get_logged_in_user(&self, call: &Call, params: GetLoggedInUserParams) -> Reply {
        logged_in::get_logged_in_user(self, call, params)
    }

    async fn list_logged_in_user_orgs(
        &self,
        call: &Call,
        params: ListLoggedInUserOrgsParams,
    ) -> Reply {
        logged_in::list_logged_in_user_orgs(self, call, params)
    }

    async fn list_logged_in_user_service_roles(
        &self,
        call: &Call,
        params: ListLoggedInUserServiceRolesParams,
    ) -> Reply {
        logged_in::list_logged_in_user_service_roles(self, call, params)
    }

    async fn list_available_org_roles(
        &self,
        call: &Call,
        params: ListAvailableOrgRolesParams,
    ) -> Reply {
        roles::list_available_org_roles(self, call, params)
    }

    async fn get_user_org_roles(&self, call: &Call, params: GetUserOrgRolesParams) -> Reply {
        roles::get_user_org_roles(self, call, params)
    }

    async fn update_org_roles_of_user(
        &self,
        call: &Call,
        params: UpdateOrgRolesOfUserParams,
    ) -> Reply {
        roles::update_org_roles_of_user(self, call, params)
    }

    async fn update_org_roles_with_binding(
        &self,
        call: &Call,
        params: UpdateOrgRolesWithBindingParams,
    ) -> Reply {
        roles::update_org_roles_with_binding(self, call, params)
    }

    async fn get_org_bindings_for_role(
        &self,
        call: &Call,
        params: GetOrgBindingsForRoleParams,
    ) -> Reply {
        roles::get_org_bindings_for_role(self, call, params)
    }

    async fn update_org_bindings_for_role(
        &self,
        call: &Call,
        params: UpdateOrgBindingsForRoleParams,
    ) -> Reply {
        roles::update_org_bindings_for_role(self, call, params)
    }

    async fn list_user_service_roles(
        &self,
        call: &Call,
        params: ListUserServiceRolesParams,
    ) -> Reply {
        roles::list_user_service_roles(self, call, params)
    }

    async fn assign_missing_vcp_vui_service_roles(
        &self,
        call: &Call,
        params: AssignMissingVcpVuiServiceRolesParams,
    ) -> Reply {
        roles::assign_missing_vcp_vui_service_roles(self, call, params)
    }

    /// The same as the PATCH (`add_users`): the reference documents POST, the guide PATCH.
    async fn add_users_post(&self, call: &Call, params: AddUsersPostParams) -> Reply {
        let params = AddUsersParams {
            org_id: params.org_id,
        };
        self.add_users(call, params).await
    }

    async fn get_oauth_app_access_token(
        &self,
        call: &Call,
        params: GetOauthAppAccessTokenParams,
    ) -> Reply {
        oauth_apps::get_oauth_app_access_token(self, call, params)
    }

    async fn authorize_oauth_app(&self, call: &Call, params: AuthorizeOauthAppParams) -> Reply {
        oauth_apps::authorize_oauth_app(self, call, params)
    }

    async fn create_oauth_app(&self, call: &Call, params: CreateOauthAppParams) -> Reply {
        oauth_apps::create_oauth_app(self, call, params)
    }

    async fn list_allowed_oauth_scopes(
        &self,
        call: &Call,
        params: ListAllowedOauthScopesParams,
    ) -> Reply {
        oauth_apps::list_allowed_oauth_scopes(self, call, params)
    }

    async fn get_oauth_app(&self, call: &Call, params: GetOauthAppParams) -> Reply {
        oauth_apps::get_oauth_app(self, call, params)
    }

    async fn update_oauth_app(&self, call: &Call, params: UpdateOauthAppParams) -> Reply {
        oauth_apps::update_oauth_app(self, call, params)
    }

    async fn assign_client_roles(&self, call: &Call, params: AssignClientRolesParams) -> Reply {
        clients::assign_client_roles(self, call, params)
    }

    async fn get_oauth_client(&self, call: &Call, params: GetOauthClientParams) -> Reply {
        clients::get_oauth_client(self, call, params)
    }

    async fn update_client_roles(&self, call: &Call, params: UpdateClientRolesParams) -> Reply {
        clients::update_client_roles(self, call, params)
    }

    async fn get_client_org_bindings_for_role(
        &self,
        call: &Call,
        params: GetClientOrgBindingsForRoleParams,
    ) -> Reply {
        clients::get_client_org_bindings_for_role(self, call, params)
    }

    async fn assign_group_roles(&self, call: &Call, params: AssignGroupRolesParams) -> Reply {
        groups::assign_group_roles(self, call, params)
    }

    async fn delete_groups(&self, call: &Call, params: DeleteGroupsParams) -> Reply {
        groups::delete_groups(self, call, params)
    }

    async fn get_group_roles(&self, call: &Call, params: GetGroupRolesParams) -> Reply {
        groups::get_group_roles(self, call, params)
    }
}
