//! Every support request, page after page: the list pages with `pageStart`/`pageLimit`
//! offsets, walked by the runtime's offset-paging stream.

use crate::Error;
use crate::builder::ListSupportRequests;
use crate::types::{ErrorResponse, SupportRequest, SupportRequestList};

/// The list answers in either form a live server sends: wrapped (`{"supportTickets": […]}`,
/// as VMware's PowerCLI module reads it) or a bare array (as the 2019 guide implies).
impl SupportRequestList {
    /// The tickets of this page, whichever form it came in.
    pub fn tickets(&self) -> &[SupportRequest] {
        match self {
            SupportRequestList::Page(page) => &page.support_tickets,
            SupportRequestList::Array(tickets) => tickets,
        }
    }

    /// The tickets of this page, whichever form it came in.
    pub fn into_tickets(self) -> Vec<SupportRequest> {
        match self {
            SupportRequestList::Page(page) => page.support_tickets,
            SupportRequestList::Array(tickets) => tickets.0,
        }
    }
}

/// The page size the service uses when none is asked for.
pub const DEFAULT_PAGE_LIMIT: i32 = 100;

vmware_cpn_runtime::offset_paged!(ListSupportRequests => SupportRequest, Error<ErrorResponse>,
    default DEFAULT_PAGE_LIMIT, items |page: SupportRequestList| page.into_tickets());
