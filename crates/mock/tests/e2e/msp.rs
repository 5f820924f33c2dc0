//! navigator-msp through its client: a subscription read, the provider's subscriptions
//! searched page after page, and a subscription's history.

use futures_util::TryStreamExt;
use navigator_msp::types::SubscriptionSearchRequest;
use serde_json::json;
use vmware_cpn_test_support::typed;

use crate::common::Sdk;

/// The subscription of the details example, whose history the mock is seeded with.
const DETAILED: &str = "33628-4637-267384";
/// The subscription of the search example.
const SEARCHED: &str = "abdb210c-3459-4487-b0aa-dc64947b8a13";

pub async fn steps(sdk: &Sdk, org: &str) {
    let plain = sdk
        .msp
        .get_subscription()
        .org_id(org)
        .subscription_id(DETAILED)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.id.as_deref(), Some(DETAILED));
    assert!(plain.consolidated_offers.is_empty());
    sdk.msp
        .get_subscription()
        .org_id(org)
        .subscription_id(DETAILED)
        .consolidate_offers(true)
        .send()
        .await
        .unwrap();

    search(sdk, org).await;
    history(sdk, org).await;
}

async fn search(sdk: &Sdk, org: &str) {
    let by_id: SubscriptionSearchRequest = typed(json!({
        "filters": {}, "sorter": {"key": "BILLING_ENGINE_SUBSCRIPTION_ID", "operator": "ASC"}
    }));
    let found: Vec<_> = sdk
        .msp
        .search_subscriptions()
        .org_id(org)
        .body(by_id.clone())
        .stream_in_pages_of(1)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = found.iter().filter_map(|s| s.id.as_deref()).collect();
    assert_eq!(ids, [DETAILED, SEARCHED]);

    // A summary is what the details hold: the details' end date is the summary's.
    let details = sdk
        .msp
        .get_subscription()
        .org_id(org)
        .subscription_id(SEARCHED)
        .send()
        .await
        .unwrap();
    assert_eq!(details.end_date, found[1].subscription_end_date);
    assert_eq!(details.status, found[1].status);

    let page = |start: i32| {
        sdk.msp
            .search_subscriptions()
            .org_id(org)
            .body(by_id.clone())
            .page_start(start)
            .page_limit(1)
            .send()
    };
    let first = page(1).await.unwrap().into_inner();
    assert_eq!(
        (first.current, first.next, first.total_results_count),
        (Some(1), Some(2), Some(2))
    );
    let last = page(2).await.unwrap().into_inner();
    assert_eq!((last.current, last.next), (Some(2), None), "no page after");
    assert_eq!(last.results[0].id.as_deref(), Some(SEARCHED));

    let unknown = sdk
        .msp
        .search_subscriptions()
        .org_id("no-such-org")
        .send()
        .await
        .unwrap_err();
    assert_eq!(unknown.status().map(|s| s.as_u16()), Some(404));
}

async fn history(sdk: &Sdk, org: &str) {
    let of = |id: &'static str| {
        sdk.msp
            .get_subscription_history()
            .org_id(org)
            .subscription_id(id)
            .body(serde_json::Map::new())
    };
    let transactions: Vec<_> = of(DETAILED)
        .stream_in_pages_of(2)
        .try_collect()
        .await
        .unwrap();
    // Both shapes the sources show: the operation page's, then the data-structure pages'.
    assert_eq!(transactions.len(), 3);
    assert!(transactions[0].create_transaction.is_some());
    assert!(transactions[1].subscription_create.is_some());
    assert!(transactions[2].subscription_date_change.is_some());

    let page = of(DETAILED)
        .page_start(3)
        .page_limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.current, Some(3));
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.total_results_count, Some(3));

    let none: Vec<_> = of(SEARCHED).stream().try_collect().await.unwrap();
    assert!(none.is_empty(), "the searched subscription has no history");
    let unknown = of("no-such-subscription").send().await.unwrap_err();
    assert_eq!(unknown.status().map(|s| s.as_u16()), Some(404));

    // A subscription belongs to its organization: a tenant of the provider does not see it.
    let tenants = sdk.core.list_tenants().org_id(org).send().await.unwrap();
    let tenant = tenants[0].id.clone().unwrap();
    let elsewhere = sdk
        .msp
        .get_subscription_history()
        .org_id(&tenant)
        .subscription_id(DETAILED)
        .body(serde_json::Map::new())
        .send()
        .await
        .unwrap_err();
    assert_eq!(elsewhere.status().map(|s| s.as_u16()), Some(404));
    let elsewhere = sdk
        .msp
        .get_subscription()
        .org_id(&tenant)
        .subscription_id(DETAILED)
        .send()
        .await
        .unwrap_err();
    assert_eq!(elsewhere.status().map(|s| s.as_u16()), Some(404));
}
