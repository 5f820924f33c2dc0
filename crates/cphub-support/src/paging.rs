//! Every support request, page after page: the list pages with `pageStart`/`pageLimit`
//! offsets, walked by the runtime's offset-paging stream.

use futures::{Stream, StreamExt};
use sdk_runtime::paging::offset_pages;

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

impl<'a> ListSupportRequests<'a> {
    /// Every support request that matches this request's filters, fetched in pages of
    /// [`DEFAULT_PAGE_LIMIT`] as the stream is read.
    pub fn stream(
        self,
    ) -> impl Stream<Item = Result<SupportRequest, Error<ErrorResponse>>> + Unpin + 'a {
        self.stream_in_pages_of(DEFAULT_PAGE_LIMIT)
    }

    /// As [`stream`](Self::stream), in pages of `page_limit` tickets (at least 1). This
    /// replaces any `page_start` and `page_limit` set on the request.
    ///
    /// `pageStart` is the 1-based index of a page's first ticket. Paging stops after a page
    /// shorter than `page_limit`, an empty one included. A failed page is yielded as an error
    /// item, and the stream ends there.
    pub fn stream_in_pages_of(
        self,
        page_limit: i32,
    ) -> impl Stream<Item = Result<SupportRequest, Error<ErrorResponse>>> + Unpin + 'a {
        offset_pages(page_limit, move |start, limit| {
            let page = self.clone().page_start(start).page_limit(limit).send();
            async move { page.await.map(|answer| answer.into_inner().into_tickets()) }
        })
        .boxed()
    }
}
