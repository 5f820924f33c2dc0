//! The same call for every item (tenant, subscription, ticket), a bounded number at a time.

use std::future::Future;

use futures_core::Stream;
use futures_util::StreamExt;

/// Runs `call` once per item of `items`, at most `limit` at a time (at least one), and
/// yields each `(item, output)` as soon as its call completes, in completion order.
///
/// A failed call is one item of the stream, not its end: the output is the call's own
/// `Result`, so the other items go on. Items are taken from `items` only as calls finish,
/// so thousands of items cost no more memory than `limit` calls.
///
/// Calls through one [`Runtime`](crate::Runtime) share its back-off: when one is answered
/// `429` or `503` with `Retry-After`, every call of that runtime waits that long before its
/// next request, instead of each being refused in turn.
///
/// `call` gets the item by reference and returns a future that must not borrow it (pass the
/// id by value, as the builders' setters take it).
///
/// ```no_run
/// use futures_util::StreamExt;
/// # struct Client;
/// # struct Organization { display_name: Option<String> }
/// # impl Client { async fn get_organization(&self, _: String) -> Result<Organization, String> { Err(String::new()) } }
/// # async fn example(client: Client, tenants: Vec<String>) {
/// // With a generated client: `|tenant| client.get_organization().org_id(tenant).send()`.
/// let mut results = vmware_cpn_runtime::fan_out(tenants, 64, |tenant| {
///     client.get_organization(tenant.clone())
/// });
/// while let Some((tenant, result)) = results.next().await {
///     match result {
///         Ok(organization) => println!("{tenant}: {:?}", organization.display_name),
///         Err(error) => eprintln!("{tenant}: {error}"),
///     }
/// }
/// # }
/// ```
pub fn fan_out<I, F, Fut>(
    items: I,
    limit: usize,
    mut call: F,
) -> impl Stream<Item = (I::Item, Fut::Output)>
where
    I: IntoIterator,
    F: FnMut(&I::Item) -> Fut,
    Fut: Future,
{
    futures_util::stream::iter(items)
        .map(move |item| {
            let pending = call(&item);
            async move { (item, pending.await) }
        })
        .buffer_unordered(limit.max(1))
}
