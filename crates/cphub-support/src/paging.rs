//! Every support request, page after page: the list operation pages with
//! `pageStart`/`pageLimit` offsets, which progenitor only pages for Dropshot's token scheme.

use futures::{Stream, StreamExt, TryStreamExt, stream};
use progenitor_client::Error;

use crate::builder::ListSupportRequests;
use crate::types::{ErrorResponse, SupportRequest};

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
        let page_limit = page_limit.max(1);
        let pages = stream::try_unfold(Some(1_i32), move |page_start| {
            let request = self.clone();
            async move {
                let Some(page_start) = page_start else {
                    return Ok::<_, Error<ErrorResponse>>(None);
                };
                let page = request
                    .page_start(page_start)
                    .page_limit(page_limit)
                    .send()
                    .await?
                    .into_inner();
                let received = i32::try_from(page.len()).unwrap_or(i32::MAX);
                let next = if received < page_limit {
                    None
                } else {
                    page_start.checked_add(received)
                };
                Ok(Some((stream::iter(page.into_iter().map(Ok)), next)))
            }
        });
        pages.try_flatten().boxed()
    }
}
