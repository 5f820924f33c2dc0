//! Placing orders and reading the order feed (`place_order`, `get_order_feed`): operations
//! progenitor cannot generate (a request body in two media types; an Atom or JSON answer and
//! a bodiless `304`), served through the same `Runtime::send` and `vmware_cpn_runtime::answer`
//! as the generated ones, so they fail with the same `Error`.

use chrono::{DateTime, Utc};
use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::header::{ACCEPT, CONTENT_TYPE, IF_MODIFIED_SINCE};
use vmware_cpn_runtime::answer;

use crate::order_feed::OrderFeed;
use crate::order_xml::order_to_xml;
use crate::types::{ErrorResponse, OrderFeedJson, OrderRequestEnvelope, OrderResponse};
use crate::{Client, Error, operations};

/// An HTTP date (`Fri, 11 Nov 2016 20:34:35 GMT`), as `If-Modified-Since` carries it.
pub(crate) fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Filters of the order feed.
///
/// `OrderFeedQuery::default().request_id(id)`: filters added later keep this compiling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrderFeedQuery {
    /// Only orders changed since then (`If-Modified-Since`); the service answers `304` when
    /// none did.
    pub if_modified_since: Option<DateTime<Utc>>,
    /// Only the order placed with this `requestId` (from the order answer).
    pub request_id: Option<String>,
}

impl OrderFeedQuery {
    /// Only orders changed since `at`.
    pub fn if_modified_since(mut self, at: DateTime<Utc>) -> Self {
        self.if_modified_since = Some(at);
        self
    }

    /// Only the order placed with this `requestId`.
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }
}

impl Client {
    /// Places an order, sent as JSON. Never retried: an order must not be placed twice.
    pub async fn place_order(
        &self,
        order: &OrderRequestEnvelope,
    ) -> Result<ResponseValue<OrderResponse>, Error<ErrorResponse>> {
        let body = serde_json::to_vec(order).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        self.send_order("application/json", body).await
    }

    /// Places an order, sent in the guide's XML form ([`order_to_xml`]); the answer is asked
    /// for as JSON. Never retried.
    pub async fn place_order_xml(
        &self,
        order: &OrderRequestEnvelope,
    ) -> Result<ResponseValue<OrderResponse>, Error<ErrorResponse>> {
        let xml = order_to_xml(order).map_err(|e| Error::InvalidRequest(e.message))?;
        self.send_order("application/xml", xml.into_bytes()).await
    }

    /// Posts an order body in `content_type`, asking for the answer as JSON.
    async fn send_order(
        &self,
        content_type: &'static str,
        body: Vec<u8>,
    ) -> Result<ResponseValue<OrderResponse>, Error<ErrorResponse>> {
        let operation = operations::PLACE_ORDER;
        let request = self
            .client()
            .post(
                operation
                    .url(self.baseurl(), &[])
                    .map_err(Error::InvalidRequest)?,
            )
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .build()?;
        let response = self.inner.send(request, &operation).await?;
        answer::json_or_error(response, &operation).await
    }

    /// The order feed in its default Atom form, parsed. `None` when the service answers
    /// `304 Not Modified` to [`OrderFeedQuery::if_modified_since`]. A body that is not an
    /// order feed is [`Error::InvalidAnswer`], its source the [`AtomError`](crate::AtomError).
    pub async fn get_order_feed(
        &self,
        query: &OrderFeedQuery,
    ) -> Result<ResponseValue<Option<OrderFeed>>, Error<ErrorResponse>> {
        let (response, operation) = self.order_feed(query, "application/atom+xml").await?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            let headers = response.headers().clone();
            return Ok(ResponseValue::new(None, status, headers));
        }
        if !status.is_success() {
            return Err(answer::error(response, &operation).await);
        }
        let (status, headers, body) = answer::bytes(response, &operation).await?;
        match OrderFeed::from_atom(&body) {
            Ok(feed) => Ok(ResponseValue::new(Some(feed), status, headers)),
            Err(error) => Err(answer::invalid(&operation, (status, headers, body), error)),
        }
    }

    /// The order feed asked for as `application/json`, kept as the JSON the service sends.
    /// `None` on `304 Not Modified`.
    pub async fn get_order_feed_json(
        &self,
        query: &OrderFeedQuery,
    ) -> Result<ResponseValue<Option<OrderFeedJson>>, Error<ErrorResponse>> {
        let (response, operation) = self.order_feed(query, "application/json").await?;
        if response.status() == reqwest::StatusCode::NOT_MODIFIED {
            let headers = response.headers().clone();
            return Ok(ResponseValue::new(None, response.status(), headers));
        }
        let answer: ResponseValue<OrderFeedJson> =
            answer::json_or_error(response, &operation).await?;
        let (status, headers) = (answer.status(), answer.headers().clone());
        Ok(ResponseValue::new(
            Some(answer.into_inner()),
            status,
            headers,
        ))
    }

    async fn order_feed(
        &self,
        query: &OrderFeedQuery,
        accept: &'static str,
    ) -> Result<(vmware_cpn_runtime::Received, vmware_cpn_runtime::Operation), Error<ErrorResponse>>
    {
        let mut request = self
            .client()
            .get(
                operations::GET_ORDER_FEED
                    .url(self.baseurl(), &[])
                    .map_err(Error::InvalidRequest)?,
            )
            .header(ACCEPT, accept);
        // The VCPP guide (§4.8) lists the date as the query parameter `if-Modified-Since`;
        // HTTP names it a header. Which one the gateway reads is unknown, so both carry it.
        if let Some(since) = query.if_modified_since {
            let since = http_date(since);
            request = request
                .query(&[("if-Modified-Since", since.as_str())])
                .header(IF_MODIFIED_SINCE, since);
        }
        if let Some(request_id) = &query.request_id {
            request = request.query(&[("requestId", request_id)]);
        }
        let operation = operations::GET_ORDER_FEED;
        let response = self.inner.send(request.build()?, &operation).await?;
        Ok((response, operation))
    }
}
