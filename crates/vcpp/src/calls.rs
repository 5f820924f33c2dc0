//! The vcpp operations progenitor cannot generate (`get_token`, `place_order`,
//! `get_order_feed`), served by hand through the same `Runtime::send` and
//! `vmware_cpn_runtime::answer` as the generated ones, so they fail with the same `Error`.

use chrono::{DateTime, Utc};
use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::header::{ACCEPT, CONTENT_TYPE, IF_MODIFIED_SINCE};
use vmware_cpn_runtime::answer;

use crate::order_feed::OrderFeed;
use crate::order_xml::order_to_xml;
use crate::types::{
    ErrorResponse, OrderFeedJson, OrderRequestEnvelope, OrderResponse, TokenResponse,
};
use crate::{Client, Error};

/// The API root every preset ends in, and the token endpoint beside it (the guide's m3 and
/// m0 middleware stacks on the same host).
const API_ROOT: &str = "/v1/m3/api/vcpp";
const TOKEN_PATH: &str = "/v1/m0/api/token/oauth";

/// The token endpoint of the environment whose API root is `base_url`: production, the
/// development gateway, or a mock serving both roots.
pub fn token_url(base_url: &str) -> Option<String> {
    let host = base_url.trim_end_matches('/').strip_suffix(API_ROOT)?;
    Some(format!("{host}{TOKEN_PATH}"))
}

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
    /// Exchanges the Anypoint Client ID and Client Secret (HTTP Basic) for a bearer token,
    /// valid 20 minutes, at the token endpoint beside this client's API root.
    pub async fn get_token(
        &self,
        client_id: &str,
        client_secret: &str,
    ) -> Result<ResponseValue<TokenResponse>, Error<ErrorResponse>> {
        let url = token_url(self.baseurl()).ok_or_else(|| {
            Error::InvalidRequest(format!(
                "cannot derive the token endpoint from {}: it does not end in {API_ROOT}; \
                 use get_token_at",
                self.baseurl()
            ))
        })?;
        self.get_token_at(&url, client_id, client_secret).await
    }

    /// As [`get_token`](Self::get_token), at an explicit token endpoint URL.
    pub async fn get_token_at(
        &self,
        token_url: &str,
        client_id: &str,
        client_secret: &str,
    ) -> Result<ResponseValue<TokenResponse>, Error<ErrorResponse>> {
        let request = self
            .client()
            .post(token_url)
            .header(ACCEPT, "application/json")
            .basic_auth(client_id, Some(client_secret))
            .build()?;
        let operation = crate::operation("get_token");
        let mut response = self.inner.send(request, &operation).await?;
        answer::redact_also(&mut response, client_secret);
        answer::json_or_error(response, &operation).await
    }

    /// Places an order, sent as JSON. Never retried: an order must not be placed twice.
    pub async fn place_order(
        &self,
        order: &OrderRequestEnvelope,
    ) -> Result<ResponseValue<OrderResponse>, Error<ErrorResponse>> {
        let request = self
            .client()
            .post(format!("{}/order", self.baseurl()))
            .header(ACCEPT, "application/json")
            .json(order)
            .build()?;
        let operation = crate::operation("place_order");
        let response = self.inner.send(request, &operation).await?;
        answer::json_or_error(response, &operation).await
    }

    /// Places an order, sent in the guide's XML form ([`order_to_xml`]); the answer is asked
    /// for as JSON. Never retried.
    pub async fn place_order_xml(
        &self,
        order: &OrderRequestEnvelope,
    ) -> Result<ResponseValue<OrderResponse>, Error<ErrorResponse>> {
        let xml = order_to_xml(order).map_err(|e| Error::InvalidRequest(e.message))?;
        let request = self
            .client()
            .post(format!("{}/order", self.baseurl()))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/xml")
            .body(xml)
            .build()?;
        let operation = crate::operation("place_order");
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
    ) -> Result<(reqwest::Response, vmware_cpn_runtime::Operation), Error<ErrorResponse>> {
        let mut request = self
            .client()
            .get(format!("{}/orderfeed", self.baseurl()))
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
        let operation = crate::operation("get_order_feed");
        let response = self.inner.send(request.build()?, &operation).await?;
        Ok((response, operation))
    }
}
