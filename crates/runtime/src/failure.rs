//! What kind of failure an attempt met, and whether it is transient: the one rule that the
//! retry loop ([`RetryPolicy::decide`](crate::RetryPolicy::decide)),
//! [`Error::is_retryable`](crate::Error::is_retryable) and
//! [`AuthError::is_retryable`](crate::AuthError::is_retryable) all read. It imports no other
//! module of this crate, so every one of them can import it.

use reqwest::StatusCode;

/// What went wrong with a request, as far as trying it again is concerned.
///
/// ```
/// # use vmware_cpn_runtime::Failure;
/// # use reqwest::StatusCode;
/// assert!(Failure::Status(StatusCode::SERVICE_UNAVAILABLE).is_transient());
/// assert!(!Failure::Status(StatusCode::NOT_FOUND).is_transient());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// No connection could be made (refused, unreachable, name not found, connect timeout):
    /// nothing was sent.
    NoConnection,
    /// The request was sent, or being sent, and no answer came within the timeout.
    TimedOut,
    /// The connection closed before the answer's status line came.
    Dropped,
    /// The answer's body was cut short.
    CutAnswer,
    /// The server answered with this error status.
    Status(StatusCode),
    /// Anything else: a request that cannot be built or followed (an invalid URL, a redirect
    /// loop), or an answer that does not decode. The same request fails the same way again.
    Other,
}

impl Failure {
    /// What kind of failure a `reqwest` error is.
    pub fn of_transport(error: &reqwest::Error) -> Failure {
        if error.is_connect() {
            // Checked before the timeout: a connect timeout sent nothing.
            Failure::NoConnection
        } else if error.is_timeout() {
            Failure::TimedOut
        } else if let Some(status) = error.status() {
            Failure::Status(status)
        } else if error.is_request() {
            Failure::Dropped
        } else if error.is_body() {
            Failure::CutAnswer
        } else if error.is_decode() {
            // `Response::bytes` reports a cut body as a decode error around the body error;
            // a decode error around anything else (JSON, say) is a body that will not parse.
            match std::error::Error::source(error)
                .and_then(|source| source.downcast_ref::<reqwest::Error>())
            {
                Some(inner) => Failure::of_transport(inner),
                None => Failure::Other,
            }
        } else {
            Failure::Other
        }
    }

    /// Whether the same request may succeed if sent again: no connection, a dropped
    /// connection or a cut answer, a timeout, or `408`, `429`, `502`, `503`, `504`.
    ///
    /// - A timeout is transient. The request may have reached the server, which may have
    ///   acted on it; sending it again is safe only for an idempotent method, and the retry
    ///   loop retries nothing else ([`RetryPolicy::method_is_retryable`]). Retries of timed-out
    ///   attempts stay within [`RetryPolicy::max_elapsed`], so with the default 60 s timeout
    ///   and 30 s budget a call that timed out is not retried; set a shorter timeout, or
    ///   [`RetryPolicy::none`], to choose otherwise.
    /// - `408 Request Timeout` is transient: the server says it did not process the request.
    /// - `429` and the gateway statuses `502`, `503`, `504` are about reaching the service
    ///   or its load, not the request; a `500` is the service failing on this request and
    ///   is not retried, nor is any other `4XX` (a `401` renews the token instead, once).
    ///
    /// [`RetryPolicy::method_is_retryable`]: crate::RetryPolicy::method_is_retryable
    /// [`RetryPolicy::max_elapsed`]: crate::RetryPolicy::max_elapsed
    /// [`RetryPolicy::none`]: crate::RetryPolicy::none
    pub fn is_transient(self) -> bool {
        match self {
            Failure::NoConnection | Failure::TimedOut | Failure::Dropped | Failure::CutAnswer => {
                true
            }
            Failure::Status(status) => matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504),
            Failure::Other => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::Failure;

    #[test]
    fn transient_statuses() {
        for code in [408, 429, 502, 503, 504] {
            let status = reqwest::StatusCode::from_u16(code).unwrap();
            assert!(Failure::Status(status).is_transient(), "{code}");
        }
        for code in [400, 401, 404, 500] {
            let status = reqwest::StatusCode::from_u16(code).unwrap();
            assert!(!Failure::Status(status).is_transient(), "{code}");
        }
    }

    /// A loopback server that reads each request, then does `serve` with the connection.
    async fn server<F, Fut>(serve: F) -> String
    where
        F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buffer = vec![0u8; 16 * 1024];
                let _ = socket.read(&mut buffer).await;
                tokio::spawn(serve(socket));
            }
        });
        format!("http://{address}/")
    }

    fn client() -> reqwest::Client {
        crate::http_client_builder()
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn a_refused_connection_is_no_connection_and_transient() {
        let closed = {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            format!("http://{}/", listener.local_addr().unwrap())
        };
        let error = client().get(closed).send().await.unwrap_err();
        assert_eq!(
            Failure::of_transport(&error),
            Failure::NoConnection,
            "{error:?}"
        );
        assert!(Failure::of_transport(&error).is_transient());
    }

    #[tokio::test]
    async fn a_connection_closed_without_an_answer_is_dropped_and_transient() {
        let base = server(|socket| async move { drop(socket) }).await;
        let error = client().get(base).send().await.unwrap_err();
        assert_eq!(Failure::of_transport(&error), Failure::Dropped, "{error:?}");
        assert!(Failure::of_transport(&error).is_transient());
    }

    #[tokio::test]
    async fn an_answer_that_never_comes_is_timed_out_and_transient() {
        let base = server(|socket| async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(socket);
        })
        .await;
        let error = client().get(base).send().await.unwrap_err();
        assert_eq!(
            Failure::of_transport(&error),
            Failure::TimedOut,
            "{error:?}"
        );
        assert!(Failure::of_transport(&error).is_transient());
    }

    #[tokio::test]
    async fn a_body_cut_short_is_a_cut_answer_and_transient() {
        let base = server(|mut socket| async move {
            let head = "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n[1, 2";
            let _ = socket.write_all(head.as_bytes()).await;
        })
        .await;
        let response = client().get(base).send().await.unwrap();
        let error = response.bytes().await.unwrap_err();
        assert_eq!(
            Failure::of_transport(&error),
            Failure::CutAnswer,
            "{error:?}"
        );
        assert!(Failure::of_transport(&error).is_transient());
    }

    #[tokio::test]
    async fn a_body_that_does_not_decode_is_not_transient() {
        let base = server(|mut socket| async move {
            let answer = "HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nnope";
            let _ = socket.write_all(answer.as_bytes()).await;
        })
        .await;
        let response = client().get(base).send().await.unwrap();
        let error = response.json::<Vec<u32>>().await.unwrap_err();
        assert_eq!(Failure::of_transport(&error), Failure::Other, "{error:?}");
        assert!(!Failure::of_transport(&error).is_transient());
    }

    #[tokio::test]
    async fn an_error_status_is_its_status() {
        let base = server(|mut socket| async move {
            let answer = "HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n\r\n";
            let _ = socket.write_all(answer.as_bytes()).await;
        })
        .await;
        let response = client().get(base).send().await.unwrap();
        let error = response.error_for_status().unwrap_err();
        let expected = Failure::Status(reqwest::StatusCode::REQUEST_TIMEOUT);
        assert_eq!(Failure::of_transport(&error), expected, "{error:?}");
        assert!(Failure::of_transport(&error).is_transient());
    }

    #[tokio::test]
    async fn a_request_that_cannot_be_built_is_not_transient() {
        let error = client().get("http://[::1").send().await.unwrap_err();
        assert_eq!(Failure::of_transport(&error), Failure::Other, "{error:?}");
        assert!(!Failure::of_transport(&error).is_transient());
    }
}
