//! Every subscription of a search, and every transaction of a subscription's history, page
//! after page: both operations page with `page_start`/`page_limit` offsets, walked by the
//! runtime's offset-paging stream.

use crate::Error;
use futures::{Stream, StreamExt};
use sdk_runtime::paging::offset_pages;

use crate::builder::{GetSubscriptionHistory, SearchSubscriptions};
use crate::types::{ErrorResponse, SubscriptionSummary, TransactionInfo};

/// The page size the service uses when none is asked for.
pub const DEFAULT_PAGE_LIMIT: i32 = 100;

impl<'a> SearchSubscriptions<'a> {
    /// Every subscription this search finds, fetched in pages of [`DEFAULT_PAGE_LIMIT`] as
    /// the stream is read.
    pub fn stream(
        self,
    ) -> impl Stream<Item = Result<SubscriptionSummary, Error<ErrorResponse>>> + Unpin + 'a {
        self.stream_in_pages_of(DEFAULT_PAGE_LIMIT)
    }

    /// As [`stream`](Self::stream), in pages of `page_limit` subscriptions (at least 1). This
    /// replaces any `page_start` and `page_limit` set on the request.
    ///
    /// `page_start` is the 1-based index of a page's first record. Paging stops after a page
    /// shorter than `page_limit`, an empty one included. A failed page is yielded as an error
    /// item, and the stream ends there.
    pub fn stream_in_pages_of(
        self,
        page_limit: i32,
    ) -> impl Stream<Item = Result<SubscriptionSummary, Error<ErrorResponse>>> + Unpin + 'a {
        offset_pages(page_limit, move |start, limit| {
            let page = self.clone().page_start(start).page_limit(limit).send();
            async move { page.await.map(|answer| answer.into_inner().results) }
        })
        .boxed()
    }
}

impl<'a> GetSubscriptionHistory<'a> {
    /// Every transaction of the subscription's history, fetched in pages of
    /// [`DEFAULT_PAGE_LIMIT`] as the stream is read. The request needs its body, as for
    /// [`send`](Self::send): an empty object (`serde_json::Map::new()`) asks for everything.
    pub fn stream(
        self,
    ) -> impl Stream<Item = Result<TransactionInfo, Error<ErrorResponse>>> + Unpin + 'a {
        self.stream_in_pages_of(DEFAULT_PAGE_LIMIT)
    }

    /// As [`stream`](Self::stream), in pages of `page_limit` transactions (at least 1). This
    /// replaces any `page_start` and `page_limit` set on the request.
    ///
    /// `page_start` is the 1-based index of a page's first record. Paging stops after a page
    /// shorter than `page_limit`, an empty one included. A failed page is yielded as an error
    /// item, and the stream ends there.
    pub fn stream_in_pages_of(
        self,
        page_limit: i32,
    ) -> impl Stream<Item = Result<TransactionInfo, Error<ErrorResponse>>> + Unpin + 'a {
        offset_pages(page_limit, move |start, limit| {
            let page = self.clone().page_start(start).page_limit(limit).send();
            async move { page.await.map(|answer| answer.into_inner().results) }
        })
        .boxed()
    }
}
