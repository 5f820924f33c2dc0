//! OAuth apps owned by an organization, and the two exchanges of an app's client credentials
//! for a CSP access token: JSON (`get_oauth_app_access_token`, `201`) and HTTP Basic
//! (`authorize_oauth_app`, `200`). Only an app that exists, in the organization named, with
//! its secret (or the one a rotation replaced, until it expires) gets a token: anything else
//! is `401`. The reference publishes no list or delete of OAuth apps; the library's
//! `MockServer::delete_oauth_app` deletes one, as the Navigator UI would.

use axum::http::StatusCode;
use cphub_auth::types::{
    ClientCredentials, OAuthAppAllowedScopes, OrgOauthAppRequest, OrgOauthAppUpdateRequest,
};
use serde_json::{Value, json};

use super::answer;
use crate::App;
use crate::api::handlers::cphub_auth::*;
use crate::api::known_org;
use crate::call::{Call, Reply, ok};
use crate::store::{OAuthApp, now_millis};
use crate::tokens::Kind;

/// The grant an app's credentials make: the only one these exchanges serve.
const GRANT_TYPES: [&str; 1] = ["client_credentials"];

/// The organization roles an app or client of `org` may hold: the enum's provider roles for a
/// provider, its tenant roles for a tenant (as `list_available_org_roles` answers).
pub(crate) fn available_roles(app: &App, org: &str) -> Vec<String> {
    let tenant = app
        .store()
        .org(org)
        .is_some_and(|o| o["parentOrgId"].is_string());
    let prefix = if tenant {
        "msp:tenant_"
    } else {
        "msp:provider_"
    };
    app.specs
        .enum_values("cphub-auth", "OrgRoleName")
        .into_iter()
        .filter(|id| id.starts_with(prefix))
        .collect()
}

/// A secret as the reference's pattern asks: over 8 characters, with a lower-case and an
/// upper-case letter, a digit and a symbol.
fn generated_secret() -> String {
    format!("Mk-{}-7z!", uuid::Uuid::new_v4().simple())
}

/// The client credentials exchanged, when an app of `org` has them: a CSP access token.
fn exchange(
    app: &App,
    call: &Call,
    org: &str,
    client_id: &str,
    secret: &str,
) -> Result<String, axum::response::Response> {
    let refused = || call.error(StatusCode::UNAUTHORIZED, "invalid client credentials");
    let known = app
        .store()
        .identity
        .oauth_apps
        .get(client_id)
        .is_some_and(|found| found.org == org && found.accepts(secret));
    if !known {
        return Err(refused());
    }
    Ok(app.tokens().issue(Kind::Csp).0)
}

/// `201 Created`, as the reference answers; missing credentials are refused as wrong ones.
pub(crate) fn get_oauth_app_access_token(
    app: &App,
    call: &Call,
    params: GetOauthAppAccessTokenParams,
) -> Reply {
    let request: ClientCredentials = call.json()?;
    let (Some(client_id), Some(secret)) = (&request.client_id, &request.client_secret) else {
        return Err(call.error(StatusCode::UNAUTHORIZED, "invalid client credentials"));
    };
    let token = exchange(app, call, &params.org_id, client_id, secret.expose())?;
    answer(StatusCode::CREATED, json!({ "accessToken": token }))
}

/// `200`; the credentials come in `authorization: Basic`. The form body, whose fields the
/// reference does not show, is not read (the runtime sends `grant_type=client_credentials`),
/// nor is `accessTokenValiditySeconds`: the token lives as the mock's tokens do.
pub(crate) fn authorize_oauth_app(
    app: &App,
    call: &Call,
    params: AuthorizeOauthAppParams,
) -> Reply {
    let Some((client_id, secret)) = call.basic_credentials() else {
        return Err(call.error(
            StatusCode::UNAUTHORIZED,
            "no client credentials (authorization: Basic)",
        ));
    };
    let token = exchange(app, call, &params.org_id, &client_id, &secret)?;
    ok(json!({ "accessToken": token }))
}

/// The app with its id and secret: given, or generated. An id in use is `409`.
pub(crate) fn create_oauth_app(app: &App, call: &Call, params: CreateOauthAppParams) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let request: OrgOauthAppRequest = call.json()?;
    let id = request
        .id
        .clone()
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let secret = request
        .secret
        .as_ref()
        .map(|s| s.expose().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(generated_secret);
    let mut store = app.store();
    if store.identity.oauth_apps.contains_key(&id) {
        return Err(call.error(
            StatusCode::CONFLICT,
            format!("an OAuth app with the client id {id} exists"),
        ));
    }
    let now = now_millis();
    let mut record = json!({
        "id": id,
        "createdAt": now,
        "lastUpdatedAt": now,
        "grantTypes": GRANT_TYPES,
        "ownerOnlySecretRotation": request.owner_only_secret_rotation.unwrap_or(false),
        "secretRotationExpirationInSeconds":
            request.secret_rotation_expiration_in_seconds.unwrap_or(0),
    });
    set(&mut record, "displayName", &request.display_name);
    set(&mut record, "description", &request.description);
    set(&mut record, "accessTokenTTL", &request.access_token_ttl);
    set_scopes(&mut record, &request.allowed_scopes);
    store.identity.oauth_apps.insert(
        id.clone(),
        OAuthApp {
            org,
            record,
            secret: secret.clone(),
            previous_secret: None,
        },
    );
    ok(json!({ "clientId": id, "clientSecret": secret }))
}

fn set<T: serde::Serialize>(record: &mut Value, field: &str, value: &Option<T>) {
    if let Some(value) = value {
        record[field] = json!(value);
    }
}

fn set_scopes(record: &mut Value, scopes: &Option<OAuthAppAllowedScopes>) {
    if let Some(scopes) = scopes {
        record["allowedScopes"] = json!(scopes);
    }
}

/// Each organization role the organization offers, as a scope an app may be given.
pub(crate) fn list_allowed_oauth_scopes(
    app: &App,
    call: &Call,
    params: ListAllowedOauthScopesParams,
) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let scopes: Vec<Value> = available_roles(app, &org)
        .into_iter()
        .map(|name| json!({ "name": name, "enabled": true, "incompatibleWith": [] }))
        .collect();
    ok(scopes)
}

/// The app owned by `org`, else `404`.
fn owned<'a>(
    apps: &'a mut std::collections::HashMap<String, OAuthApp>,
    call: &Call,
    org: &str,
    id: &str,
) -> Result<&'a mut OAuthApp, axum::response::Response> {
    apps.get_mut(id)
        .filter(|found| found.org == org)
        .ok_or_else(|| call.not_found(format_args!("OAuth app {id} of organization {org}")))
}

/// The app, never its secret.
pub(crate) fn get_oauth_app(app: &App, call: &Call, params: GetOauthAppParams) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let mut store = app.store();
    let found = owned(
        &mut store.identity.oauth_apps,
        call,
        &org,
        &params.oauth_app_id,
    )?;
    ok(&found.record)
}

/// Changes what the body names. A new `secret` replaces the old one, which is still accepted
/// for `secretRotationExpirationInSeconds` (the body's, else the app's).
pub(crate) fn update_oauth_app(app: &App, call: &Call, params: UpdateOauthAppParams) -> Reply {
    let org = known_org(app, call, &params.org_id)?;
    let request: OrgOauthAppUpdateRequest = call.json()?;
    let mut store = app.store();
    let found = owned(
        &mut store.identity.oauth_apps,
        call,
        &org,
        &params.oauth_app_id,
    )?;
    let record = &mut found.record;
    set(record, "displayName", &request.display_name);
    set(record, "description", &request.description);
    set(record, "accessTokenTTL", &request.access_token_ttl);
    set(
        record,
        "ownerOnlySecretRotation",
        &request.owner_only_secret_rotation,
    );
    set(
        record,
        "secretRotationExpirationInSeconds",
        &request.secret_rotation_expiration_in_seconds,
    );
    set_scopes(record, &request.allowed_scopes);
    let now = now_millis();
    record["lastUpdatedAt"] = json!(now);
    if let Some(secret) = request.secret.as_ref().map(|s| s.expose().to_owned())
        && !secret.is_empty()
        && secret != found.secret
    {
        let grace = found.record["secretRotationExpirationInSeconds"]
            .as_i64()
            .unwrap_or(0)
            .max(0);
        let old = std::mem::replace(&mut found.secret, secret);
        found.previous_secret = Some((old, now + grace * 1000));
    }
    ok(&found.record)
}
