//! Offset paging as a stream of items, which progenitor generates only for Dropshot's token
//! paging. The clients' `stream()` methods are generated from each spec's `x-paging` over
//! [`offset_pages`]; `cpn --all` walks it too.

use std::future::Future;

/// Every item of an offset-paged list, fetched as the stream is read: `fetch(start, limit)`
/// gets the page whose first item has the 1-based index `start`. Paging stops after a page
/// shorter than `limit` (an empty one included). A failed page is yielded as an error item,
/// and the stream ends there.
pub fn offset_pages<T, E, F, Fut>(limit: i32, mut fetch: F) -> impl Stream<Item = Result<T, E>>
where
    F: FnMut(i32, i32) -> Fut,
    Fut: Future<Output = Result<Vec<T>, E>>,
{
    let limit = limit.max(1);
    let pages = futures_util::stream::try_unfold(Some(1_i32), move |start| {
        let page = start.map(|start| (start, fetch(start, limit)));
        async move {
            let Some((start, page)) = page else {
                return Ok(None);
            };
            let items = page.await?;
            let received = i32::try_from(items.len()).unwrap_or(i32::MAX);
            let next = if received < limit {
                None
            } else {
                start.checked_add(received)
            };
            Ok(Some((
                futures_util::stream::iter(items.into_iter().map(Ok)),
                next,
            )))
        }
    });
    futures_util::TryStreamExt::try_flatten(pages)
}

/// The stream a client crate's builder of an offset-paged operation returns.
pub use futures_core::Stream;

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn pages_until_a_short_page_asking_for_each_start() {
        let mut asked = Vec::new();
        let items: Vec<Result<i32, ()>> = offset_pages(2, |start, limit| {
            asked.push((start, limit));
            let page: Vec<i32> = (start..start + limit).filter(|n| *n <= 5).collect();
            async move { Ok(page) }
        })
        .collect()
        .await;
        assert_eq!(items, [Ok(1), Ok(2), Ok(3), Ok(4), Ok(5)]);
        assert_eq!(asked, [(1, 2), (3, 2), (5, 2)]);
    }

    #[tokio::test]
    async fn an_error_is_the_last_item() {
        let items: Vec<Result<i32, &str>> = offset_pages(1, |start, _| async move {
            if start == 1 {
                Ok(vec![1])
            } else {
                Err("page 2 failed")
            }
        })
        .collect()
        .await;
        assert_eq!(items, [Ok(1), Err("page 2 failed")]);
    }
}
