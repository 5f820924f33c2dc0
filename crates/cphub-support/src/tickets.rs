//! The support-request list answers in either form a live server sends: wrapped
//! (`{"supportTickets": […]}`, as VMware's PowerCLI module reads it) or a bare array (as the
//! 2019 guide implies). Paging over it is generated from the spec's `x-paging`.

use crate::types::{SupportRequest, SupportRequestList};

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
