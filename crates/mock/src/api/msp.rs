//! navigator-msp: a provider's MSP subscriptions, their search and their history.

use navigator_msp::types::{SortOperator, SubscriptionSearchRequest, SubscriptionSortKey};
use serde_json::{Value, json};

use super::known_org;
use crate::App;
use crate::api::handlers::navigator_msp::*;
use crate::call::{Call, Reply, ok};
use crate::store::{MspSubscription, Store};

/// The `SubscriptionSummary` of stored `MspSubscriptionDetails`: the properties they share,
/// and the end date under the summary's name.
fn summary(details: &Value) -> Value {
    let mut summary = serde_json::Map::new();
    let shared = [
        "billingEngineSubscriptionId",
        "id",
        "organizationRef",
        "renewalPreference",
        "serviceRef",
        "status",
    ];
    for key in shared {
        if let Some(value) = details.get(key) {
            summary.insert(key.to_owned(), value.clone());
        }
    }
    // The details page names the reference `orgRef`; the summary knows only `organizationRef`.
    if let (None, Some(reference)) = (details.get("organizationRef"), details.get("orgRef")) {
        summary.insert("organizationRef".to_owned(), reference.clone());
    }
    if let Some(end) = details.get("endDate") {
        summary.insert("subscriptionEndDate".to_owned(), end.clone());
    }
    Value::Object(summary)
}

/// The summaries in the sorter's order. Only BILLING_ENGINE_SUBSCRIPTION_ID / ASC is
/// published; an unpublished operator `DESC` reverses it, and an unknown key keeps the
/// stored order rather than refusing a value the spec's open enum allows.
fn sorted(mut found: Vec<Value>, request: Option<&SubscriptionSearchRequest>) -> Vec<Value> {
    let Some(sorter) = request.and_then(|r| r.sorter.as_ref()) else {
        return found;
    };
    if sorter.key != Some(SubscriptionSortKey::BillingEngineSubscriptionId) {
        return found;
    }
    found.sort_by(|a, b| {
        let key = |v: &Value| v["billingEngineSubscriptionId"].as_str().map(str::to_owned);
        key(a).cmp(&key(b))
    });
    if sorter.operator == Some(SortOperator::Unknown("DESC".to_owned())) {
        found.reverse();
    }
    found
}

/// The subscription `id` of the organization `org`, or `404`.
fn subscription_of<'s>(
    store: &'s Store,
    call: &Call,
    org: &str,
    id: &str,
) -> Result<&'s MspSubscription, axum::response::Response> {
    store
        .msp_subscriptions
        .iter()
        .find(|s| s.org == org && s.details["id"] == id)
        .ok_or_else(|| call.not_found(format_args!("subscription {id}")))
}

/// The page `(start, limit)` asks for (the call's paging, with the spec's defaults), or `400`
/// for a start or limit below 1.
fn page(call: &Call, (start, limit): (i64, i64), records: Vec<Value>) -> Reply {
    match page_of(records, start, limit) {
        Some(page) => ok(page),
        None => Err(call.bad_request(format!(
            "page_start ({start}) and page_limit ({limit}) must be at least 1"
        ))),
    }
}

/// The records from the 1-based index `start`, at most `limit` of them: `current` is `start`,
/// `next` the `page_start` of the following page (left out on the last page), and
/// `totalResultsCount` the number of records in all. `None` for a start or limit below 1.
fn page_of(records: Vec<Value>, start: i64, limit: i64) -> Option<Value> {
    let first = usize::try_from(start.checked_sub(1)?).ok()?;
    let size = usize::try_from(limit).ok().filter(|l| *l > 0)?;
    let total = records.len();
    let results: Vec<Value> = records.into_iter().skip(first).take(size).collect();
    let after = first + results.len();
    let mut page = json!({
        "current": start,
        "results": results,
        "totalResultsCount": total,
    });
    if after < total {
        page["next"] = json!(after + 1);
    }
    Some(page)
}

impl Handlers for App {
    async fn get_subscription(&self, call: &Call, params: GetSubscriptionParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let consolidate = params.consolidate_offers.unwrap_or(false);
        let id = params.subscription_id.as_str();
        let store = app.store();
        let subscription = subscription_of(&store, call, &org, id)?;
        let mut subscription = subscription.details.clone();
        if !consolidate && let Some(fields) = subscription.as_object_mut() {
            // Consolidated offers are sent only when asked for.
            fields.remove("consolidatedOffers");
        }
        ok(subscription)
    }

    async fn search_subscriptions(&self, call: &Call, params: SearchSubscriptionsParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        // The body is optional; no filter property is published, so `filters` selects nothing.
        let request: Option<SubscriptionSearchRequest> = if call.body.is_empty() {
            None
        } else {
            Some(call.json()?)
        };
        let store = app.store();
        let found = store
            .msp_subscriptions
            .iter()
            .filter(|s| s.org == org)
            .map(|s| summary(&s.details))
            .collect();
        let found = sorted(found, request.as_ref());
        drop(store);
        page(call, params.page(), found)
    }

    async fn get_subscription_history(
        &self,
        call: &Call,
        params: GetSubscriptionHistoryParams,
    ) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        // The body (SubscriptionHistorySearchRequest) has no published property to act on.
        let id = params.subscription_id.as_str();
        let store = app.store();
        let subscription = subscription_of(&store, call, &org, id)?;
        let history = subscription.history.clone();
        drop(store);
        page(call, params.page(), history)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(ids: &[&str]) -> Vec<Value> {
        ids.iter()
            .map(|id| json!({"billingEngineSubscriptionId": id}))
            .collect()
    }

    fn ids(found: &[Value]) -> Vec<&str> {
        found
            .iter()
            .map(|v| v["billingEngineSubscriptionId"].as_str().unwrap())
            .collect()
    }

    fn search(key: &str, operator: &str) -> SubscriptionSearchRequest {
        serde_json::from_value(json!({"sorter": {"key": key, "operator": operator}})).unwrap()
    }

    #[test]
    fn sorts_by_billing_engine_id_ascending_or_descending() {
        let key = "BILLING_ENGINE_SUBSCRIPTION_ID";
        let found = sorted(records(&["M2", "M3", "M1"]), Some(&search(key, "ASC")));
        assert_eq!(ids(&found), ["M1", "M2", "M3"]);
        let found = sorted(records(&["M2", "M3", "M1"]), Some(&search(key, "DESC")));
        assert_eq!(ids(&found), ["M3", "M2", "M1"]);
    }

    #[test]
    fn without_a_known_sort_key_the_stored_order_stays() {
        let found = sorted(records(&["M2", "M1"]), Some(&search("START_DATE", "ASC")));
        assert_eq!(ids(&found), ["M2", "M1"]);
        assert_eq!(ids(&sorted(records(&["M2", "M1"]), None)), ["M2", "M1"]);
    }

    #[test]
    fn pages_from_a_one_based_record_index() {
        let all = records(&["M1", "M2", "M3"]);
        let first = page_of(all.clone(), 1, 2).unwrap();
        assert_eq!(ids(first["results"].as_array().unwrap()), ["M1", "M2"]);
        assert_eq!((&first["current"], &first["next"]), (&json!(1), &json!(3)));
        assert_eq!(first["totalResultsCount"], 3);
        let last = page_of(all.clone(), 3, 2).unwrap();
        assert_eq!(ids(last["results"].as_array().unwrap()), ["M3"]);
        assert!(last.get("next").is_none(), "the last page has no next");
        let beyond = page_of(all.clone(), 7, 2).unwrap();
        assert_eq!(beyond["results"], json!([]));
        assert!(page_of(all.clone(), 0, 2).is_none());
        assert!(page_of(all, 1, 0).is_none());
    }
}
