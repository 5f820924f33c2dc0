//! A provider's day with all six clients: `cargo run --example tour`.
//!
//! With no settings it starts the embedded mock and runs against it, logging in with an OAuth
//! app it creates there through the API (the machine credential a scheduled job would use).
//! To run it against the real services, set:
//!
//! - `CPN_BASE_URL` (for example `https://console.navigator.vmware.com`) and `CPN_ORG_ID` (the
//!   provider organization), and a credential: `CPN_CLIENT_ID` and `CPN_CLIENT_SECRET` (a
//!   Navigator OAuth app of that organization, with the roles the steps need), else
//!   `CPN_REFRESH_TOKEN` (an API token);
//! - optionally `CPN_MSP_SUBSCRIPTION_ID`, the subscription whose history the MSP step shows
//!   (else the first one the search finds);
//! - optionally `VCPP_BASE_URL` (for example `https://vconnect.vmware.com/v1/m3/api/vcpp`),
//!   `VCPP_CLIENT_ID` and `VCPP_CLIENT_SECRET`, for the VCPP steps.
//!
//! Against a real server nothing is created unless `TOUR_WRITE=1` (a tenant, an invitation,
//! a support ticket), and no order is placed unless `TOUR_PLACE_ORDER=1`: an order is real
//! money. Steps that need a setting that is not given are skipped, and say so.

use std::error::Error;
use std::future::Future;

use cphub_auth::types::{
    AddUsersRequest, OrgOauthAppRequest, OrgRoleName, UserRef, UserRolesUpdate,
};
use cphub_core::types::{TenantCreate, TenantType};
use cphub_support::Attachment;
use cphub_support::types::{SupportRequestCreate, SupportRequestUpdate};
use futures_util::TryStreamExt;
use navigator_msp::types::TransactionInfo;
use vmware_cpn_mock::MockServer;
use vmware_cpn_runtime::{Auth, Runtime};

type Failure = Box<dyn Error + Send + Sync>;

/// Where the tour reads its settings: the environment, or a test's map.
pub type Settings<'a> = dyn Fn(&str) -> Option<String> + Sync + 'a;

/// Where the tour runs, and with what.
struct Target {
    base_url: String,
    login: Login,
    org: String,
    msp_subscription: Option<String>,
    vcpp: Option<VcppTarget>,
    writes: bool,
    orders: bool,
    /// Keeps the embedded mock running for the tour.
    _mock: Option<MockServer>,
}

/// The Navigator credential the tour logs in with.
enum Login {
    /// A Navigator API token (`CPN_REFRESH_TOKEN`).
    ApiToken(String),
    /// A Navigator OAuth app (`CPN_CLIENT_ID`, `CPN_CLIENT_SECRET`).
    OAuthApp {
        client_id: String,
        client_secret: String,
    },
    /// An OAuth app the tour creates through the API first, with this API token: against the
    /// embedded mock.
    NewOAuthApp { api_token: String },
}

struct VcppTarget {
    base_url: String,
    client_id: String,
    client_secret: String,
}

impl Target {
    /// The target the settings name (`setting("CPN_BASE_URL")`, …), else the embedded mock.
    async fn from_settings(setting: &Settings<'_>) -> Result<Target, Failure> {
        let var = |name: &str| setting(name).filter(|v| !v.is_empty());
        if let Some(base_url) = var("CPN_BASE_URL") {
            let required =
                |name: &str| var(name).ok_or(format!("{name} is required with CPN_BASE_URL"));
            let login = match (var("CPN_CLIENT_ID"), var("CPN_CLIENT_SECRET")) {
                (Some(client_id), Some(client_secret)) => Login::OAuthApp {
                    client_id,
                    client_secret,
                },
                _ => Login::ApiToken(var("CPN_REFRESH_TOKEN").ok_or(
                    "CPN_REFRESH_TOKEN (or CPN_CLIENT_ID and CPN_CLIENT_SECRET, an OAuth app) \
                     is required with CPN_BASE_URL",
                )?),
            };
            let vcpp = match (
                var("VCPP_BASE_URL"),
                var("VCPP_CLIENT_ID"),
                var("VCPP_CLIENT_SECRET"),
            ) {
                (Some(base_url), Some(client_id), Some(client_secret)) => Some(VcppTarget {
                    base_url,
                    client_id,
                    client_secret,
                }),
                _ => None,
            };
            println!("Cloud Partner Navigator SDK tour, against {base_url}\n");
            return Ok(Target {
                login,
                org: required("CPN_ORG_ID")?,
                msp_subscription: var("CPN_MSP_SUBSCRIPTION_ID"),
                vcpp,
                writes: var("TOUR_WRITE").as_deref() == Some("1"),
                orders: var("TOUR_PLACE_ORDER").as_deref() == Some("1"),
                base_url,
                _mock: None,
            });
        }
        let mock = MockServer::start().await?;
        println!(
            "Cloud Partner Navigator SDK tour, against the embedded mock at {}\n\
             (set CPN_BASE_URL and friends to run it against the real services)\n",
            mock.base_url()
        );
        Ok(Target {
            base_url: mock.base_url().to_owned(),
            login: Login::NewOAuthApp {
                api_token: mock.refresh_token().to_owned(),
            },
            org: mock.provider_org().to_owned(),
            // The subscription of the MSP guide's example, which the mock is seeded with.
            msp_subscription: Some("33628-4637-267384".to_owned()),
            vcpp: Some(VcppTarget {
                base_url: mock.vcpp_base_url(),
                client_id: mock.vcpp_client_id().to_owned(),
                client_secret: mock.vcpp_client_secret().to_owned(),
            }),
            writes: true,
            orders: true,
            _mock: Some(mock),
        })
    }
}

/// Prints one step: its number, what it does, and what came of it.
async fn step<F>(number: u32, title: &str, work: F) -> Result<(), Failure>
where
    F: Future<Output = Result<String, Failure>>,
{
    match work.await {
        Ok(summary) => {
            println!("{number:>2}. {title:<40} {summary}");
            Ok(())
        }
        Err(error) => {
            println!("{number:>2}. {title:<40} FAILED");
            Err(format!("step {number} ({title}): {error}").into())
        }
    }
}

fn skipped(reason: &str) -> Result<String, Failure> {
    Ok(format!("skipped: {reason}"))
}

#[tokio::main]
async fn main() {
    if let Err(error) = tour(&|name| std::env::var(name).ok()).await {
        eprintln!("\nThe tour stopped: {error}");
        std::process::exit(1);
    }
}

/// The whole tour, with its settings read through `setting`.
pub async fn tour(setting: &Settings<'_>) -> Result<(), Failure> {
    let target = Target::from_settings(setting).await?;
    let org = target.org.as_str();
    let base = target.base_url.as_str();

    // One runtime for the CPHub surfaces: one HTTP client and one token cache, refreshed by
    // itself; VCPP gets its own credentials on the same HTTP client.
    let mut logged_in = None;
    step(1, "log in", async {
        let (auth, which) = login(&target).await?;
        let runtime = Runtime::builder().auth(auth).build()?;
        runtime.authenticate().await?;
        let credential = runtime.auth().credential().map(|c| c.to_string());
        logged_in = Some(runtime);
        Ok(format!(
            "with the {} ({which}); the runtime renews its token before expiry",
            credential.unwrap_or_default()
        ))
    })
    .await?;
    let runtime = logged_in.ok_or("no runtime after the login")?;
    let auth = cphub_auth::Client::with_runtime(base, runtime.clone());
    let core = cphub_core::Client::with_runtime(base, runtime.clone());
    let billing = cphub_billing::Client::with_runtime(base, runtime.clone());
    let support = cphub_support::Client::with_runtime(base, runtime.clone());
    let msp = navigator_msp::Client::with_runtime(base, runtime.clone());
    let writes = target.writes;

    let mut tenant_id = None;
    step(2, "create a tenant", async {
        if !writes {
            return skipped("set TOUR_WRITE=1 to create one");
        }
        let body = TenantCreate::builder()
            .tenant_type(TenantType::Default)
            .display_name("Acme")
            .company_name("Acme Corporation")
            .country("US")
            .state("GA")
            .city("Atlanta")
            .zip("30313")
            .domain("acme.example")
            .address_line1("1 Peachtree St")
            .tag(Some("tour".to_owned()));
        let tenant = core.create_tenant().org_id(org).body(body).send().await?;
        let tenants = core.list_tenants().org_id(org).send().await?;
        let id = tenant.id.clone().unwrap_or_default();
        tenant_id = Some(id.clone());
        Ok(format!(
            "\"{}\" is {id} ({}); the provider has {} tenants",
            tenant.display_name.as_deref().unwrap_or_default(),
            tenant.status.as_ref().map_or("?", |s| s.as_str()),
            tenants.len()
        ))
    })
    .await?;

    step(3, "invite a user and change their roles", async {
        if !writes {
            return skipped("set TOUR_WRITE=1 to invite one");
        }
        let user = "jane.operator@acme.example";
        let invite = AddUsersRequest::builder()
            .users(vec![UserRef::builder().username(user).try_into()?])
            .org_roles_to_add(vec![OrgRoleName::MspProviderSupportUser]);
        auth.add_users().org_id(org).body(invite).send().await?;
        let change = UserRolesUpdate::builder()
            .users(vec![UserRef::builder().username(user).try_into()?])
            .role_names_to_add(vec![OrgRoleName::MspProviderAdmin])
            .role_names_to_remove(vec![OrgRoleName::MspProviderSupportUser]);
        auth.update_user_org_roles()
            .org_id(org)
            .body(change)
            .send()
            .await?;
        let invitations = auth.list_invitations().org_id(org).send().await?;
        let roles = invitations
            .iter()
            .find(|i| i.username.as_deref() == Some(user))
            .map(|i| {
                i.org_roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        Ok(format!("{user} invited; roles now: {roles}"))
    })
    .await?;

    step(4, "pull subscriptions and a tenant's usage", async {
        let subscriptions = billing
            .list_subscriptions()
            .org_id(org)
            .all_tenants(true)
            .send()
            .await?;
        let report = billing.get_usage_report().org_id(org).send().await?;
        let Some(tenant) = report.iter().find_map(|r| r.org_id.clone()) else {
            return Ok(format!(
                "{} subscription record(s); no usage reported yet",
                subscriptions.len()
            ));
        };
        let usage = billing
            .get_usage_report()
            .org_id(org)
            .tenant_id(&tenant)
            .send()
            .await?;
        let services: usize = usage.iter().map(|r| r.services.len()).sum();
        let billable: f64 = usage
            .iter()
            .filter_map(|r| r.org_billable_usage_amount)
            .sum();
        let file = billing
            .download_usage_report()
            .org_id(org)
            .tenant_id(&tenant)
            .rows()
            .await?;
        let name = file.file_name().unwrap_or("(unnamed)").to_owned();
        // Typed rows as the file arrives; a bad row would be an error naming its line.
        let rows: Vec<_> = file.try_collect().await?;
        let rows = rows.len();
        let tenant_name = usage
            .first()
            .and_then(|r| r.org_name.clone())
            .unwrap_or(tenant);
        Ok(format!(
            "{} subscription record(s); {tenant_name}: {services} service(s), \
             {billable:.2} billable; CSV {name}: {rows} row(s)",
            subscriptions.len()
        ))
    })
    .await?;

    step(5, "open a ticket, attach a file, update", async {
        if !writes {
            return skipped("set TOUR_WRITE=1 to open one");
        }
        let reference = format!("TOUR-{}", std::process::id());
        let create = SupportRequestCreate::builder()
            .severity(Some("3 - Medium".to_owned()))
            .category(Some("Billing".to_owned()))
            .title(Some("Usage report question".to_owned()))
            .description(Some(
                "The tour's usage report lists a SKU twice.".to_owned(),
            ))
            .internal_ticket_id(Some(reference.clone()))
            .org_id(Some(tenant_id.clone().unwrap_or(org.to_owned())));
        support
            .create_support_request()
            .org_id(org)
            .body(create)
            .send()
            .await?;
        let found = support
            .list_support_requests()
            .org_id(org)
            .include_tenant_orgs(true)
            .internal_ticket_id(&reference)
            .send()
            .await?
            .into_inner();
        let id = found
            .tickets()
            .first()
            .and_then(|t| t.id.clone())
            .ok_or("the new ticket is not listed")?;
        let attachment = Attachment::from_bytes("usage-notes.txt", "SKU listed twice: see row 3\n");
        support.upload_attachment(org, &id, attachment).await?;
        let update = SupportRequestUpdate::builder()
            .additional_details(Some("Attached the notes.".to_owned()))
            .support_ticket_action(Some("UPDATE".to_owned()));
        let ticket = support
            .update_support_request()
            .org_id(org)
            .support_request_id(&id)
            .body(update)
            .send()
            .await?;
        Ok(format!(
            "ticket {id} ({}), {} file(s) attached",
            ticket.status.as_deref().unwrap_or("?"),
            ticket.file_references.len()
        ))
    })
    .await?;

    step(6, "MSP: my subscriptions, what changed", async {
        // Searching and reading a history are POSTs that change nothing.
        let found: Vec<_> = msp
            .search_subscriptions()
            .org_id(org)
            .stream()
            .try_collect()
            .await?;
        let chosen = target.msp_subscription.clone();
        let Some(id) = chosen.or_else(|| found.iter().find_map(|s| s.id.clone())) else {
            return Ok(format!("{} subscription(s)", found.len()));
        };
        let subscription = msp
            .get_subscription()
            .org_id(org)
            .subscription_id(&id)
            .send()
            .await?;
        let history: Vec<_> = msp
            .get_subscription_history()
            .org_id(org)
            .subscription_id(&id)
            .body(serde_json::Map::new())
            .stream()
            .try_collect()
            .await?;
        let mut changes: Vec<&str> = Vec::new();
        for what in history.iter().flat_map(what_changed) {
            if !changes.contains(&what) {
                changes.push(what);
            }
        }
        Ok(format!(
            "{} subscription(s); {id}: {}, {} offer(s), {} transaction(s): {}",
            found.len(),
            subscription.status.as_ref().map_or("?", |s| s.as_str()),
            subscription.offers.len(),
            history.len(),
            changes.join(", ")
        ))
    })
    .await?;

    vcpp_steps(&target, &runtime).await
}

/// The provider the tour logs in with, and which credential it is, in words. Against the
/// embedded mock, an OAuth app is created through the API first, with the API token, and
/// given the provider roles the steps need.
async fn login(target: &Target) -> Result<(Auth, String), Failure> {
    let (base, org) = (target.base_url.as_str(), target.org.as_str());
    Ok(match &target.login {
        Login::ApiToken(token) => (
            Auth::csp_refresh_token(base, token.as_str()),
            "Navigator API token, CPN_REFRESH_TOKEN".to_owned(),
        ),
        Login::OAuthApp {
            client_id,
            client_secret,
        } => (
            Auth::navigator_oauth_app(base, org, client_id, client_secret.as_str()),
            format!("{client_id}, CPN_CLIENT_ID"),
        ),
        Login::NewOAuthApp { api_token } => {
            let runtime = Runtime::builder()
                .auth(Auth::csp_refresh_token(base, api_token.as_str()))
                .build()?;
            let roles: Vec<_> = [
                OrgRoleName::MspProviderAdmin,
                OrgRoleName::MspProviderBillingUser,
                OrgRoleName::MspProviderSupportUser,
            ]
            .iter()
            .map(|role| serde_json::json!({ "name": role.as_str() }))
            .collect();
            let app: OrgOauthAppRequest = serde_json::from_value(serde_json::json!({
                "id": "sdk-tour",
                "displayName": "SDK tour",
                "description": "Created by the SDK tour to log in with",
                "allowedScopes": { "organizationScopes": { "roles": roles } },
            }))?;
            let created = cphub_auth::Client::with_runtime(base, runtime)
                .create_oauth_app()
                .org_id(org)
                .body(app)
                .send()
                .await?;
            let client_id = created
                .client_id
                .clone()
                .ok_or("the new app has no client id")?;
            let secret = created
                .client_secret
                .clone()
                .ok_or("the new app has no secret")?;
            let auth = Auth::navigator_oauth_app(base, org, client_id.as_str(), secret);
            (auth, format!("{client_id}, just created through the API"))
        }
    })
}

/// What one transaction of a subscription's history changed, in either shape the sources show.
fn what_changed(transaction: &TransactionInfo) -> Vec<&'static str> {
    let t = transaction;
    [
        (
            t.subscription_create.is_some() || t.create_transaction.is_some(),
            "created",
        ),
        (t.subscription_status_change.is_some(), "status"),
        (t.subscription_date_change.is_some(), "end date"),
        (t.subscription_offer_amend.is_some(), "offers amended"),
        (
            t.offer_status_change.is_some() || t.offer_status_transaction.is_some(),
            "offer status",
        ),
        (
            t.renewal_preference_change.is_some() || t.renewal_preference_transaction.is_some(),
            "renewal preference",
        ),
    ]
    .into_iter()
    .filter_map(|(changed, what)| changed.then_some(what))
    .collect()
}

async fn vcpp_steps(target: &Target, runtime: &Runtime) -> Result<(), Failure> {
    let Some(settings) = &target.vcpp else {
        return step(7, "VCPP: token, contracts, order, feed", async {
            skipped("set VCPP_BASE_URL, VCPP_CLIENT_ID and VCPP_CLIENT_SECRET")
        })
        .await;
    };
    let token_url = vcpp::token_url(&settings.base_url).ok_or_else(|| {
        format!(
            "VCPP_BASE_URL does not end in the path of an API root, such as {}",
            vcpp::PRODUCTION
        )
    })?;
    let vcpp = vcpp::Client::with_runtime(
        &settings.base_url,
        runtime.with_auth(Auth::vcpp_client_credentials(
            &token_url,
            settings.client_id.as_str(),
            settings.client_secret.as_str(),
        )),
    );

    step(7, "get a VCPP bearer token", async {
        let token = vcpp
            .get_token(&settings.client_id, &settings.client_secret)
            .await?;
        Ok(format!(
            "{} token, valid {} min",
            token.token_type.as_deref().unwrap_or("bearer"),
            token.expires_in.unwrap_or(1200) / 60
        ))
    })
    .await?;

    let mut contract = None;
    step(8, "list commit contracts", async {
        let contracts = vcpp.list_commit_contracts().send().await?;
        let first = contracts
            .contract_list
            .first()
            .ok_or("the partner has no contract")?;
        contract = first.contract_number.clone();
        Ok(format!(
            "{} contract(s); {} ({}), balance {} {}",
            contracts.contract_list.len(),
            first.contract_number.as_deref().unwrap_or("?"),
            first.contract_name.as_deref().unwrap_or("?"),
            first.contract_balance.as_deref().unwrap_or("?"),
            first.currency_code.as_deref().unwrap_or(""),
        ))
    })
    .await?;

    let mut request_id = None;
    step(9, "place an order", async {
        if !target.orders {
            return skipped("set TOUR_PLACE_ORDER=1: an order is real money");
        }
        let contract = contract.clone().unwrap_or_default();
        let order: vcpp::types::OrderRequestEnvelope = serde_json::from_value(serde_json::json!({
            "OrderRequest": {
                "source": "VSPP-EXT-API",
                "orders": {"order": {
                    "originalOrderNumber": contract,
                    "resellerInfo": {"ID": "1349347"},
                    "poType": "NEW_SERVICE_REQUEST",
                    "orderContactList": {"orderContact": {"emailAddress": "jdoe@acme.example"}},
                    "orderLineList": {"orderLineItem": [
                        {"partNumber": "HCX-ALLCR-03PT0-C1S", "quantity": "1"}
                    ]},
                }},
            }
        }))?;
        let placed = vcpp.place_order(&order).await?;
        request_id = placed.request_id.clone();
        Ok(format!(
            "{}, requestId {}",
            placed.status.as_deref().unwrap_or("?"),
            placed.request_id.as_deref().unwrap_or("?")
        ))
    })
    .await?;

    step(10, "find the order in the order feed", async {
        let Some(request_id) = request_id.clone() else {
            return skipped("no order was placed");
        };
        let query = vcpp::OrderFeedQuery::default().request_id(request_id.clone());
        let feed = vcpp
            .get_order_feed(&query)
            .await?
            .into_inner()
            .unwrap_or_default();
        let Some(entry) = feed.entries.first() else {
            // The real service processes an order in 2 to 48 hours.
            return Ok(format!("requestId {request_id} is not processed yet"));
        };
        Ok(format!(
            "order {} for {}: {}",
            entry.order_number.as_deref().unwrap_or("?"),
            entry.part_id.as_deref().unwrap_or("?"),
            entry.status.as_ref().map_or("?", |s| s.as_str())
        ))
    })
    .await?;

    println!("\nThe tour is over: every step answered.");
    Ok(())
}
