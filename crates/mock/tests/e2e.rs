//! Every operation of the six specs, called through the generated (and hand-written) clients
//! against the mock, checking that the state carries from one call to the next. The journal
//! then proves the coverage, and checks every JSON request and answer against its spec.

mod common;
// Each surface's steps in a file of their own.
#[path = "e2e/identity.rs"]
mod identity;
#[path = "e2e/msp.rs"]
mod msp;
#[path = "e2e/oauth_apps.rs"]
mod oauth_apps;
#[path = "e2e/tenants.rs"]
mod tenants;
#[path = "e2e/token_sources.rs"]
mod token_sources;

use common::{Sdk, conformance};
use cphub_support::Attachment;
use futures_util::TryStreamExt;
use serde_json::json;
use vmware_cpn_mock::{Config, MockServer};
use vmware_cpn_test_support::typed;

#[tokio::test]
async fn every_operation_of_every_spec_through_the_clients() {
    let config = Config::default()
        .vmware_id("ops@acme.example")
        .record_journal(true);
    let mock = MockServer::start_with(config).await.unwrap();
    let sdk = Sdk::new(&mock);
    let org = mock.provider_org();

    tenants::steps(&sdk, org).await;
    users_and_invitations(&sdk, org).await;
    oauth_apps::operations(&sdk, &mock, org).await;
    token_sources::five_sources(&sdk, &mock, org).await;
    billing(&sdk, org).await;
    support(&sdk, org).await;
    msp::steps(&sdk, org).await;
    vcpp(&sdk).await;

    let exchanges = mock.journal();
    let missing = conformance::operations_never_served(&exchanges);
    assert!(
        missing.is_empty(),
        "never called with success: {missing:#?}"
    );
    let problems = conformance::departures_from_the_specs(&exchanges);
    assert!(
        problems.is_empty(),
        "exchanges that depart from the specs: {problems:#?}"
    );
}

async fn users_and_invitations(sdk: &Sdk, org: &str) {
    let members = sdk.auth.list_users().org_id(org).send().await.unwrap();
    let member = members[0].user.as_ref().unwrap().username.clone().unwrap();
    let invite = |users: &[&str]| {
        typed::<cphub_auth::types::AddUsersRequest>(json!({
            "orgRolesToAdd": ["msp:provider_support_user"],
            "serviceRolesItems": [{"serviceId": "log-insight", "roleNamesToAdd": ["log-intelligence:user"]}],
            "users": users.iter().map(|u| json!({ "username": u })).collect::<Vec<_>>(),
        }))
    };
    let added = sdk
        .auth
        .add_users()
        .org_id(org)
        .body(invite(&["new.admin@acme.example"]))
        .send()
        .await
        .unwrap();
    // Accepted (202); without a VMware ID the user is invited, with a link.
    assert_eq!(added.status().as_u16(), 202);
    let invited = added.invited_users.as_ref().unwrap();
    assert_eq!(invited.users, ["new.admin@acme.example"]);
    assert!(invited.ref_link["new.admin@acme.example"].contains("/invitations/"));
    assert!(added.added_users.as_ref().unwrap().users.is_empty());
    // The POST form of the same operation: a user without a VMware ID, one with, a member.
    let posted = sdk
        .auth
        .add_users_post()
        .org_id(org)
        .body(invite(&[
            "second@acme.example",
            "ops@acme.example",
            &member,
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        posted.added_users.as_ref().unwrap().users,
        ["ops@acme.example", member.as_str()]
    );
    // One refused entry makes a partial success (207), reported per user.
    let partial = sdk
        .auth
        .add_users_post()
        .org_id(org)
        .body(invite(&["third@acme.example", "jimdoe@.com"]))
        .send()
        .await
        .unwrap();
    assert_eq!(partial.status().as_u16(), 207);
    let outcome = partial.added_users.as_ref().unwrap();
    assert_eq!(outcome.failed_users, ["jimdoe@.com"]);
    assert!(outcome.detailed_status["jimdoe@.com"].starts_with("Failed"));
    let members = sdk.auth.list_users().org_id(org).send().await.unwrap();
    let joined = members
        .iter()
        .find(|m| m.user.as_ref().and_then(|u| u.username.as_deref()) == Some("ops@acme.example"))
        .expect("a user with a VMware ID joins at once");
    assert_eq!(
        joined.org_roles.as_ref().unwrap().org_roles[0]
            .id
            .as_ref()
            .map(|r| r.as_str()),
        Some("msp:provider_support_user")
    );
    let service = &joined.service_roles_list[0];
    assert_eq!(service.service_id.as_deref(), Some("log-insight"));
    assert_eq!(
        service.roles[0].role_id.as_deref(),
        Some("log-intelligence:user")
    );

    let invitations = sdk
        .auth
        .list_invitations()
        .org_id(org)
        .send()
        .await
        .unwrap();
    let invited: Vec<_> = invitations
        .iter()
        .filter_map(|i| i.username.clone())
        .collect();
    assert!(invited.contains(&"new.admin@acme.example".to_owned()));
    assert!(invited.contains(&"second@acme.example".to_owned()));
    assert!(
        !invited.contains(&member),
        "a member gets the roles, not an invitation"
    );

    sdk.auth
        .update_user_org_roles()
        .org_id(org)
        .body(typed::<cphub_auth::types::UserRolesUpdate>(json!({
            "users": [{ "username": member }, { "username": "new.admin@acme.example" }],
            "roleNamesToAdd": ["msp:provider_admin"],
            "roleNamesToRemove": ["msp:provider_support_user"],
        })))
        .send()
        .await
        .unwrap();
    let members = sdk.auth.list_users().org_id(org).send().await.unwrap();
    let roles: Vec<String> = members
        .iter()
        .find(|m| m.user.as_ref().and_then(|u| u.username.as_deref()) == Some(member.as_str()))
        .and_then(|m| m.org_roles.as_ref())
        .map(|r| {
            r.org_roles
                .iter()
                .filter_map(|r| r.id.as_ref())
                .map(|id| id.as_str().to_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        roles.contains(&"msp:provider_admin".to_owned()),
        "{roles:?}"
    );
    assert!(
        !roles.contains(&"msp:provider_support_user".to_owned()),
        "{roles:?}"
    );
    let invitations = sdk
        .auth
        .list_invitations()
        .org_id(org)
        .send()
        .await
        .unwrap();
    let invitation = invitations
        .iter()
        .find(|i| i.username.as_deref() == Some("new.admin@acme.example"))
        .unwrap();
    assert_eq!(
        invitation
            .org_roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>(),
        ["msp:provider_admin"]
    );

    let emails =
        |emails: &[&str]| typed::<cphub_auth::types::InvitationEmails>(json!({ "emails": emails }));
    sdk.auth
        .resend_invitations()
        .org_id(org)
        .body(emails(&["new.admin@acme.example"]))
        .send()
        .await
        .unwrap();
    let revoked = sdk
        .auth
        .revoke_invitations()
        .org_id(org)
        .body(emails(&["second@acme.example"]))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status().as_u16(), 202);
    assert_eq!(
        revoked.revoked_users_invitation.as_ref().unwrap().users,
        ["second@acme.example"]
    );
    let invitations = sdk
        .auth
        .list_invitations()
        .org_id(org)
        .send()
        .await
        .unwrap();
    assert!(
        !invitations
            .iter()
            .any(|i| i.username.as_deref() == Some("second@acme.example"))
    );
    identity::operations(sdk, org).await;
}

async fn billing(sdk: &Sdk, org: &str) {
    let report = sdk
        .billing
        .get_usage_report()
        .org_id(org)
        .send()
        .await
        .unwrap();
    let tenant = report[0].org_id.clone().unwrap();
    // One CSV row per SKU, or per subscription without SKUs.
    let rows_expected: usize = report
        .iter()
        .flat_map(|r| &r.services)
        .flat_map(|s| &s.subscriptions)
        .map(|s| s.sku_data.as_ref().map_or(0, |d| d.skus.len()).max(1))
        .sum();
    assert!(rows_expected > 0);

    let file = sdk
        .billing
        .download_usage_report()
        .org_id(org)
        .tenant_id(&tenant)
        .send()
        .await
        .unwrap();
    let disposition = file.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename="),
        "{disposition}"
    );
    let bytes: Vec<u8> = file
        .into_inner()
        .into_inner()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .concat();
    let mut csv = csv::Reader::from_reader(bytes.as_slice());
    let documented = vmware_cpn_test_support::Spec::load("cphub-billing").response_media_example(
        "download_usage_report",
        "200",
        "text/csv",
    );
    let documented = csv::Reader::from_reader(documented.as_str().unwrap().as_bytes())
        .headers()
        .unwrap()
        .clone();
    assert_eq!(csv.headers().unwrap(), &documented, "the spec's columns");
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        rows_expected,
        "the CSV holds the JSON report's records"
    );
    assert!(rows.iter().all(|r| r[0] == tenant));
    assert_eq!(
        &rows[0][2], "ACTIVE",
        "Org Status, from the tenant the record bills"
    );
    assert!(disposition.contains(&tenant), "{disposition}");
    let tenants = sdk.core.list_tenants().org_id(org).send().await.unwrap();
    assert!(
        tenants
            .iter()
            .any(|t| t.id.as_deref() == Some(tenant.as_str())),
        "the billed organization is one of the provider's tenants"
    );

    let subscriptions = sdk
        .billing
        .list_subscriptions()
        .org_id(org)
        .all_tenants(true)
        .send()
        .await
        .unwrap();
    assert!(!subscriptions.is_empty());
}

async fn support(sdk: &Sdk, org: &str) {
    let before = sdk
        .support
        .list_support_requests()
        .org_id(org)
        .send()
        .await
        .unwrap()
        .into_inner()
        .into_tickets()
        .len();
    for n in 1..=3 {
        sdk.support
            .create_support_request()
            .org_id(org)
            .body(typed::<cphub_support::types::SupportRequestCreate>(json!({
                "severity": "3 - Medium", "category": "Billing", "title": format!("Invoice question {n}"),
                "description": "The October invoice lists a SKU twice.", "internalTicketId": format!("ACME-{n}"),
            })))
            .send()
            .await
            .unwrap();
    }
    let all = sdk
        .support
        .list_support_requests()
        .org_id(org)
        .send()
        .await
        .unwrap()
        .into_inner()
        .into_tickets();
    assert_eq!(all.len(), before + 3);
    let page = sdk
        .support
        .list_support_requests()
        .org_id(org)
        .page_start(2)
        .page_limit(2)
        .send()
        .await
        .unwrap()
        .into_inner()
        .into_tickets();
    assert_eq!(page.len(), 2);
    assert_eq!(
        page[0].id, all[1].id,
        "pageStart is the 1-based index of the first record"
    );
    let streamed: Vec<_> = sdk
        .support
        .list_support_requests()
        .org_id(org)
        .stream_in_pages_of(2)
        .try_collect()
        .await
        .unwrap();
    let ids = |tickets: &[cphub_support::types::SupportRequest]| {
        tickets.iter().map(|t| t.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&streamed),
        ids(&all),
        "the paging stream walks the mock's pages"
    );
    let found = sdk
        .support
        .list_support_requests()
        .org_id(org)
        .internal_ticket_id("ACME-2")
        .send()
        .await
        .unwrap()
        .into_inner()
        .into_tickets();
    let id = found[0].id.clone().unwrap();
    assert_eq!(found.len(), 1);

    sdk.support
        .upload_attachment(org, &id, Attachment::from_bytes("invoice.txt", "line 1\n"))
        .await
        .unwrap();
    let updated = sdk
        .support
        .update_support_request()
        .org_id(org)
        .support_request_id(&id)
        .body(typed::<cphub_support::types::SupportRequestUpdate>(json!({
            "additionalDetails": "Invoice attached.", "supportTicketAction": "UPDATE",
        })))
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.additional_details.as_deref(),
        Some("Invoice attached.")
    );
    let ticket = sdk
        .support
        .get_support_request()
        .org_id(org)
        .support_request_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ticket.file_references[0].file_name.as_deref(),
        Some("invoice.txt")
    );
    assert_eq!(
        ticket.additional_details.as_deref(),
        Some("Invoice attached.")
    );

    let reasons = sdk
        .support
        .list_close_reasons()
        .org_id(org)
        .send()
        .await
        .unwrap();
    assert!(!reasons.close_sr_reasons.is_empty());
    let metadata = sdk
        .support
        .get_support_metadata()
        .org_id(org)
        .send()
        .await
        .unwrap();
    assert!(metadata.get("severities").is_some(), "{metadata:?}");
}

async fn vcpp(sdk: &Sdk) {
    let contracts = sdk.vcpp.list_commit_contracts().send().await.unwrap();
    let number = contracts.contract_list[0].contract_number.clone().unwrap();
    let one = sdk
        .vcpp
        .get_commit_contract()
        .contract_number(&number)
        .send()
        .await
        .unwrap();
    assert_eq!(one.contract_list.len(), 1);
    sdk.vcpp
        .list_contract_users()
        .contract_number(&number)
        .send()
        .await
        .unwrap();
    sdk.vcpp
        .list_core_coreless_products()
        .contract_number(&number)
        .send()
        .await
        .unwrap();
    let instances = sdk
        .vcpp
        .list_contract_service_instances()
        .contract_number(&number)
        .send()
        .await
        .unwrap();
    let instance = instances
        .service_list
        .as_ref()
        .unwrap()
        .commit_services_vo_list[0]
        .service_instance_id
        .clone()
        .unwrap();
    sdk.vcpp
        .get_service_instance()
        .service_instance_id(&instance)
        .send()
        .await
        .unwrap();
    sdk.vcpp
        .list_addon_products()
        .service_instance_id(&instance)
        .send()
        .await
        .unwrap();

    // The token operation itself, as a caller would make it by hand.
    let token = sdk
        .vcpp
        .get_token("mock-client-id", "mock-client-secret")
        .await
        .unwrap();
    assert_eq!(token.token_type.as_deref(), Some("bearer"));

    let order = typed::<vcpp::types::OrderRequestEnvelope>(json!({"OrderRequest": {
        "source": "VSPP-EXT-API",
        "orders": {"order": {
            "originalOrderNumber": number, "resellerInfo": {"ID": "1349347"},
            "poType": "ADDON_REQUEST",
            "orderContactList": {"orderContact": {"customerNumber": "9125255974", "emailAddress": "jdoe@vmware.com"}},
            "orderLineList": {"orderLineItem": [{"partNumber": "HCX-ALLCR-03PT0-C1S", "quantity": "1", "SID": instance}]},
        }},
    }}));
    let placed = sdk.vcpp.place_order(&order).await.unwrap();
    let request_id = placed.request_id.clone().unwrap();
    let placed_xml = sdk.vcpp.place_order_xml(&order).await.unwrap();
    assert_ne!(placed_xml.request_id.as_deref(), Some(request_id.as_str()));

    let query = vcpp::OrderFeedQuery::default().request_id(request_id.clone());
    let feed = sdk
        .vcpp
        .get_order_feed(&query)
        .await
        .unwrap()
        .into_inner()
        .unwrap();
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(
        feed.entries[0].part_id.as_deref(),
        Some("HCX-ALLCR-03PT0-C1S")
    );
    assert_eq!(
        feed.entries[0].external_contract_id.as_deref(),
        Some(number.as_str())
    );
    let json_feed = sdk
        .vcpp
        .get_order_feed_json(&query)
        .await
        .unwrap()
        .into_inner()
        .unwrap();
    assert_eq!(
        json_feed["entries"][0]["content"]["PartID"],
        "HCX-ALLCR-03PT0-C1S"
    );

    let later = vcpp::OrderFeedQuery::default()
        .if_modified_since(chrono::Utc::now() + chrono::Duration::hours(1));
    assert!(
        sdk.vcpp
            .get_order_feed(&later)
            .await
            .unwrap()
            .into_inner()
            .is_none()
    );
}

#[tokio::test]
async fn an_order_appears_in_the_feed_once_processed() {
    let config = Config::default().order_processing(std::time::Duration::from_millis(700));
    let mock = MockServer::start_with(config).await.unwrap();
    let sdk = Sdk::new(&mock);
    let order: vcpp::types::OrderRequestEnvelope =
        typed(vmware_cpn_test_support::Spec::load("vcpp").request_example("place_order"));
    let request_id = sdk
        .vcpp
        .place_order(&order)
        .await
        .unwrap()
        .into_inner()
        .request_id;
    let query = vcpp::OrderFeedQuery::default()
        .request_id(request_id.expect("the order answer has a requestId"));
    let entries = |feed: Option<vcpp::OrderFeed>| feed.unwrap().entries.len();

    let pending = sdk.vcpp.get_order_feed(&query).await.unwrap().into_inner();
    assert_eq!(entries(pending), 0, "not processed yet");
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let processed = sdk.vcpp.get_order_feed(&query).await.unwrap().into_inner();
    assert_eq!(entries(processed), 1);
}
