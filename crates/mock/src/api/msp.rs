//! navigator-msp: an MSP subscription.

use super::known_org;
use crate::App;
use crate::call::{Call, Reply, ok};

pub(crate) fn get_subscription(app: &App, call: &Call) -> Reply {
    known_org(app, call)?;
    let consolidate = call
        .query_as::<bool>("consolidate_offers")?
        .unwrap_or(false);
    let id = call.path("subscriptionId");
    let store = app.store();
    let Some(subscription) = store.msp_subscriptions.iter().find(|s| s["id"] == id) else {
        return Err(call.not_found(format_args!("subscription {id}")));
    };
    let mut subscription = subscription.clone();
    if !consolidate && let Some(fields) = subscription.as_object_mut() {
        // Consolidated offers are sent only when asked for.
        fields.remove("consolidatedOffers");
    }
    ok(subscription)
}
