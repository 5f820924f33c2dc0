//! Every subscription of a search, and every transaction of a subscription's history, page
//! after page: both operations page with `page_start`/`page_limit` offsets, walked by the
//! runtime's offset-paging stream.

use crate::Error;

use crate::builder::{GetSubscriptionHistory, SearchSubscriptions};
use crate::types::{
    ErrorResponse, SubscriptionHistoryPage, SubscriptionPage, SubscriptionSummary, TransactionInfo,
};

/// The page size the service uses when none is asked for.
pub const DEFAULT_PAGE_LIMIT: i32 = 100;

vmware_cpn_runtime::offset_paged!(SearchSubscriptions => SubscriptionSummary, Error<ErrorResponse>,
    default DEFAULT_PAGE_LIMIT, items |page: SubscriptionPage| page.results);

// The history's request needs its body, as for `send`: an empty object
// (`serde_json::Map::new()`) asks for everything.
vmware_cpn_runtime::offset_paged!(GetSubscriptionHistory => TransactionInfo, Error<ErrorResponse>,
    default DEFAULT_PAGE_LIMIT, items |page: SubscriptionHistoryPage| page.results);
