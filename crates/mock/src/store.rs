//! The mock's state, seeded from the specs' examples: organizations, users, invitations,
//! usage records, support tickets, MSP subscriptions, VCPP contracts and the order feed.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use crate::config::Config;
use crate::specs::Specs;

pub(crate) struct Store {
    /// Organizations: the provider and its tenants (`parentOrgId` set).
    pub(crate) orgs: Vec<Value>,
    /// Where each seeded organization is in `orgs` (checked on use: a hint, never wrong),
    /// so that thousands of tenants are found without a scan.
    pub(crate) org_index: HashMap<String, usize>,
    /// `OrgUser`s by organization.
    pub(crate) users: HashMap<String, Vec<Value>>,
    /// The users with a VMware ID: added to an organization, they join it at once.
    pub(crate) vmware_ids: HashSet<String>,
    /// `Invitation`s by organization.
    pub(crate) invitations: HashMap<String, Vec<Value>>,
    /// The `LoggedInUser` every CSP access token belongs to (a member of the provider).
    pub(crate) logged_in_user: Value,
    /// The organizations bound to a user's role, by (organization, user name, role id).
    pub(crate) role_bindings: HashMap<(String, String, String), Vec<String>>,
    /// OAuth apps, the roles of OAuth clients and of enterprise groups: none at first.
    pub(crate) identity: Identity,
    /// `OrgUsage` records: the usage report, as JSON and as CSV.
    pub(crate) usage: Vec<Value>,
    /// `OrgUsage` records of the subscriptions list.
    pub(crate) subscriptions: Vec<Value>,
    /// `SupportRequest`s, each with its `orgId`.
    pub(crate) tickets: Vec<Value>,
    pub(crate) next_ticket: u64,
    pub(crate) close_reasons: Value,
    /// `Service`s by organization: what the org services list shows and enabling changes.
    pub(crate) services: HashMap<String, Vec<Value>>,
    /// The MSP subscriptions, each with its organization and history.
    pub(crate) msp_subscriptions: Vec<MspSubscription>,
    pub(crate) vcpp: VcppRecords,
    /// The order feed, oldest first.
    pub(crate) feed: Vec<FeedEntry>,
    pub(crate) next_request_id: u64,
    pub(crate) next_order_number: u64,
}

/// The identity API's OAuth apps, OAuth clients and enterprise groups.
#[derive(Default)]
pub(crate) struct Identity {
    /// OAuth apps by client id, which is unique across organizations.
    pub(crate) oauth_apps: HashMap<String, OAuthApp>,
    /// `CpnOrgOauthAppClient`s by (organization, client id): the apps granted roles there.
    pub(crate) clients: HashMap<(String, String), Value>,
    /// The organizations bound to a client's role, by (organization, client id, role id).
    pub(crate) client_bindings: HashMap<(String, String, String), Vec<String>>,
    /// The roles of enterprise groups, by (organization, group id).
    pub(crate) groups: HashMap<(String, String), GroupRoles>,
}

/// An OAuth app, owned by the organization that created it.
pub(crate) struct OAuthApp {
    /// The owning organization: the only one whose tokens the app gets.
    pub(crate) org: String,
    /// The app as `get_oauth_app` shows it (`CpnOrgOauthAppResponse`): never the secret.
    pub(crate) record: Value,
    pub(crate) secret: String,
    /// The secret a rotation replaced, and when it stops being accepted (epoch ms).
    pub(crate) previous_secret: Option<(String, i64)>,
}

impl OAuthApp {
    /// Whether `secret` is the app's, or the one it replaced while that is still accepted.
    pub(crate) fn accepts(&self, secret: &str) -> bool {
        secret == self.secret
            || self
                .previous_secret
                .as_ref()
                .is_some_and(|(old, until)| secret == old && now_millis() < *until)
    }
}

/// The roles of an enterprise group in an organization.
#[derive(Default)]
pub(crate) struct GroupRoles {
    /// Organization role ids.
    pub(crate) org_roles: Vec<String>,
    /// Service roles: each service's id and role names.
    pub(crate) service_roles: Vec<(String, Vec<String>)>,
}

/// VCPP's reference data: the partner's contracts and what they hold.
pub(crate) struct VcppRecords {
    /// `CommitContract`s.
    pub(crate) contracts: Vec<Value>,
    /// `ContractUsers`, the same for every contract.
    pub(crate) users: Value,
    /// `CoreProducts`.
    pub(crate) core_products: Value,
    /// `ContractServiceInstances`.
    pub(crate) service_instances: Value,
    /// `ServiceInstanceDetails`.
    pub(crate) instance_details: Vec<Value>,
    /// `AddOnProducts`.
    pub(crate) addons: Value,
}

/// An MSP subscription of an organization, with its history.
pub(crate) struct MspSubscription {
    /// The organization whose subscription it is: the path's `orgId`.
    pub(crate) org: String,
    /// `MspSubscriptionDetails`.
    pub(crate) details: Value,
    /// `TransactionInfo`s, oldest first.
    pub(crate) history: Vec<Value>,
}

/// One entry of the order feed: one processed order line.
#[derive(Debug, Clone)]
pub(crate) struct FeedEntry {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) updated: chrono::DateTime<chrono::Utc>,
    pub(crate) status: String,
    /// The `order:key`/`order:value` pairs, in order.
    pub(crate) content: Vec<(String, String)>,
    /// The `requestId` of the order it comes from, when placed through the mock.
    pub(crate) request_id: Option<String>,
}

fn array(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// Milliseconds since the epoch, as CPHub's timestamps are.
pub(crate) fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Store {
    pub(crate) fn seeded(specs: &Specs, config: &Config) -> Result<Store, String> {
        let provider = &config.provider_org;
        let mut tenants =
            array(specs.answer("cphub-core", cphub_core::operations::LIST_TENANTS.id, "200")?);
        let fetched = specs.answer(
            "cphub-core",
            cphub_core::operations::GET_ORGANIZATION.id,
            "200",
        )?;
        let fetched_template = fetched.clone();
        if !tenants.iter().any(|t| t["id"] == fetched["id"]) {
            tenants.push(fetched);
        }
        let usage = array(specs.answer(
            "cphub-billing",
            cphub_billing::operations::GET_USAGE_REPORT.id,
            "200",
        )?);
        let subscriptions = array(specs.answer(
            "cphub-billing",
            cphub_billing::operations::LIST_SUBSCRIPTIONS.id,
            "200",
        )?);
        // The organizations billed in the usage examples are tenants too, so that a tenant's
        // report names a tenant the provider lists.
        let template = specs.answer(
            "cphub-core",
            cphub_core::operations::CREATE_TENANT.id,
            "200",
        )?;
        for record in usage.iter().chain(&subscriptions) {
            if tenants.iter().any(|t| t["id"] == record["orgId"]) || !record["orgId"].is_string() {
                continue;
            }
            let mut tenant = template.clone();
            tenant["id"] = record["orgId"].clone();
            tenant["displayName"] = record["orgName"].clone();
            tenant["companyName"] = record["orgName"].clone();
            tenants.push(tenant);
        }
        tenants.extend(crate::scale::tenants(&fetched_template, config.tenants));
        for tenant in &mut tenants {
            tenant["parentOrgId"] = json!(provider);
        }
        let provider_record = json!({
            "createTimestamp": now_millis(),
            "updateTimestamp": now_millis(),
            "id": provider,
            "name": "mockprov",
            "displayName": "Mock Cloud Provider",
            "companyName": "Mock Cloud Provider",
            "country": "US",
            "status": "ACTIVE",
            "childOrgIds": tenants.iter().map(|t| t["id"].clone()).collect::<Vec<_>>(),
        });
        let mut orgs = vec![provider_record];
        orgs.extend(tenants);

        // The live form wraps the tickets; the example shows it first.
        let mut tickets = array(
            specs.answer(
                "cphub-support",
                cphub_support::operations::LIST_SUPPORT_REQUESTS.id,
                "200",
            )?["supportTickets"]
                .take(),
        );
        for ticket in &mut tickets {
            ticket["orgId"] = json!(provider);
        }
        let next_ticket = tickets
            .iter()
            .filter_map(|t| t["id"].as_str()?.parse::<u64>().ok())
            .max()
            .unwrap_or(18_000_000_000)
            + 1;

        let contracts = specs.answer("vcpp", vcpp::operations::LIST_COMMIT_CONTRACTS.id, "200")?;
        let vcpp = VcppRecords {
            contracts: array(contracts["contractList"].clone()),
            users: specs.answer("vcpp", vcpp::operations::LIST_CONTRACT_USERS.id, "200")?,
            core_products: specs.answer(
                "vcpp",
                vcpp::operations::LIST_CORE_CORELESS_PRODUCTS.id,
                "200",
            )?,
            service_instances: specs.answer(
                "vcpp",
                vcpp::operations::LIST_CONTRACT_SERVICE_INSTANCES.id,
                "200",
            )?,
            instance_details: vec![specs.answer(
                "vcpp",
                vcpp::operations::GET_SERVICE_INSTANCE.id,
                "200",
            )?],
            addons: specs.answer("vcpp", vcpp::operations::LIST_ADDON_PRODUCTS.id, "200")?,
        };
        let atom = specs.answer_in(
            "vcpp",
            vcpp::operations::GET_ORDER_FEED.id,
            "200",
            "application/atom+xml",
        )?;
        let feed = seed_feed(atom.as_str().unwrap_or_default())?;

        let mut members =
            array(specs.answer("cphub-auth", cphub_auth::operations::LIST_USERS.id, "200")?);
        let logged_in_user = logged_in_user(specs, &mut members)?;
        let vmware_ids = members
            .iter()
            .filter_map(|m| m["user"]["username"].as_str().map(str::to_owned))
            .chain(config.vmware_ids.iter().cloned())
            .collect();
        let org_index = orgs
            .iter()
            .enumerate()
            .filter_map(|(at, org)| Some((org["id"].as_str()?.to_owned(), at)))
            .collect();
        Ok(Store {
            org_index,
            users: HashMap::from([(provider.clone(), members)]),
            vmware_ids,
            invitations: HashMap::from([(
                provider.clone(),
                array(specs.answer(
                    "cphub-auth",
                    cphub_auth::operations::LIST_INVITATIONS.id,
                    "200",
                )?),
            )]),
            logged_in_user,
            role_bindings: HashMap::new(),
            identity: Identity::default(),
            orgs,
            usage,
            subscriptions,
            tickets,
            next_ticket,
            close_reasons: specs.answer(
                "cphub-support",
                cphub_support::operations::LIST_CLOSE_REASONS.id,
                "200",
            )?,
            services: HashMap::from([(provider.clone(), seed_services(specs)?)]),
            msp_subscriptions: seed_msp(specs, provider)?,
            vcpp,
            feed,
            // The guide's order answer carries requestId 29013.
            next_request_id: 29_014,
            next_order_number: 11_990_537,
        })
    }

    pub(crate) fn org(&self, id: &str) -> Option<&Value> {
        self.org_at(id).map(|at| &self.orgs[at])
    }

    pub(crate) fn org_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.org_at(id).map(|at| &mut self.orgs[at])
    }

    fn org_at(&self, id: &str) -> Option<usize> {
        self.org_index
            .get(id)
            .copied()
            .filter(|&at| self.orgs.get(at).is_some_and(|o| o["id"] == id))
            .or_else(|| self.orgs.iter().position(|o| o["id"] == id))
    }

    /// The tenants of `org`.
    pub(crate) fn tenants_of<'a>(&'a self, org: &'a str) -> impl Iterator<Item = &'a Value> {
        self.orgs.iter().filter(move |o| o["parentOrgId"] == org)
    }

    /// Deletes the OAuth app `client_id` and its role assignments in every organization, so
    /// that its credentials buy no more tokens; tokens it already has live on until they
    /// expire, as CSP's do. Whether there was such an app.
    pub(crate) fn delete_oauth_app(&mut self, client_id: &str) -> bool {
        let identity = &mut self.identity;
        identity
            .clients
            .retain(|(_, client), _| client != client_id);
        identity
            .client_bindings
            .retain(|(_, client, _), _| client != client_id);
        identity.oauth_apps.remove(client_id).is_some()
    }

    /// Whether `org` is `of` or one of its tenants.
    pub(crate) fn within(&self, org: &str, of: &str) -> bool {
        org == of || self.org(org).is_some_and(|o| o["parentOrgId"] == of)
    }
}

/// The logged-in user: the spec's example profile as the first seeded member, who gets the
/// example's account id so that the per-user paths find them by it.
fn logged_in_user(specs: &Specs, members: &mut [Value]) -> Result<Value, String> {
    let mut profile = specs.answer(
        "cphub-auth",
        cphub_auth::operations::GET_LOGGED_IN_USER.id,
        "200",
    )?;
    let Some(user) = members.first_mut().map(|m| &mut m["user"]) else {
        return Ok(profile);
    };
    if user.get("id").is_none() {
        user["id"] = profile["id"].clone();
    }
    // The properties LoggedInUser shares with User.
    for field in [
        "id",
        "email",
        "firstName",
        "lastName",
        "domain",
        "idpId",
        "accessible",
    ] {
        if let Some(value) = user.get(field) {
            profile[field] = value.clone();
        }
    }
    Ok(profile)
}

/// The provider's services: the reference's example service, once as it is (enabled) and once
/// not yet enabled, so that enabling one changes what the list shows. Each gets a real id.
fn seed_services(specs: &Specs) -> Result<Vec<Value>, String> {
    let example = array(specs.answer(
        "cphub-core",
        cphub_core::operations::LIST_ORG_SERVICES.id,
        "200",
    )?);
    let mut services = Vec::new();
    for (enabled, service) in [true, false].into_iter().zip(example.iter().cycle()) {
        let mut service = service.clone();
        service["id"] = json!(uuid::Uuid::new_v4().to_string());
        service["enabled"] = json!(enabled);
        services.push(service);
    }
    Ok(services)
}

/// The provider's MSP subscriptions: the details example, whose history is every transaction
/// of both history examples (both item shapes), and the search example's subscription, as
/// details (its summary's `subscriptionEndDate` is the details' `endDate`), with no history.
fn seed_msp(specs: &Specs, provider: &str) -> Result<Vec<MspSubscription>, String> {
    let mut history = Vec::new();
    for name in ["operationPage", "dataStructurePages"] {
        let mut page = specs.named_answer(
            "navigator-msp",
            navigator_msp::operations::GET_SUBSCRIPTION_HISTORY.id,
            "200",
            name,
        )?;
        history.extend(array(page["results"].take()));
    }
    let mut subscriptions = vec![MspSubscription {
        org: provider.to_owned(),
        details: specs.answer(
            "navigator-msp",
            navigator_msp::operations::GET_SUBSCRIPTION.id,
            "200",
        )?,
        history,
    }];
    let mut found = specs.answer(
        "navigator-msp",
        navigator_msp::operations::SEARCH_SUBSCRIPTIONS.id,
        "200",
    )?;
    for mut details in array(found["results"].take()) {
        if let Some(fields) = details.as_object_mut()
            && let Some(end) = fields.remove("subscriptionEndDate")
        {
            fields.insert("endDate".to_owned(), end);
        }
        subscriptions.push(MspSubscription {
            org: provider.to_owned(),
            details,
            history: Vec::new(),
        });
    }
    Ok(subscriptions)
}

/// The order feed of the guide's example, read with the vcpp crate's own Atom parser.
fn seed_feed(atom: &str) -> Result<Vec<FeedEntry>, String> {
    let feed = vcpp::OrderFeed::from_atom(atom.as_bytes())
        .map_err(|e| format!("specs/vcpp.yaml: the order feed example does not parse: {e}"))?;
    let date = |d: Option<chrono::DateTime<chrono::FixedOffset>>| {
        d.map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, false))
    };
    Ok(feed
        .entries
        .into_iter()
        .map(|entry| {
            let known = [
                ("OrderNumber", entry.order_number),
                ("TokenNumber", entry.token_number),
                (
                    "ExternalLineTransactionReference",
                    entry.external_line_transaction_reference,
                ),
                ("LineID", entry.line_id),
                ("ExternalContractID", entry.external_contract_id),
                ("PartID", entry.part_id),
                ("CommitStartDate", date(entry.commit_start_date)),
                ("CommitEndDate", date(entry.commit_end_date)),
            ];
            let content = known
                .into_iter()
                .filter_map(|(key, value)| Some((key.to_owned(), value?)))
                .chain(entry.other)
                .collect();
            FeedEntry {
                id: entry.id.unwrap_or_default(),
                title: entry.title.unwrap_or_default(),
                updated: entry
                    .updated
                    .map(|d| d.with_timezone(&chrono::Utc))
                    .unwrap_or_default(),
                status: entry
                    .status
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                content,
                request_id: None,
            }
        })
        .collect())
}
