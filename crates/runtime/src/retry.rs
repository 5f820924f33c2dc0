//! When a failed attempt is tried again, and how long to wait first: every rule of it, as
//! [`RetryPolicy::decide`], which the runtime's send loop only carries out.

use std::time::Duration;

use reqwest::{Method, StatusCode};

use crate::failure::Failure;

/// Retries with exponential backoff and full jitter, for idempotent methods only.
///
/// `RetryPolicy::default().max_attempts(5)`: settings added later keep this compiling.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// The backoff before the second attempt; it doubles with each further attempt.
    pub initial_backoff: Duration,
    /// The longest backoff between two attempts.
    pub max_backoff: Duration,
    /// A retry that would start later than this after the first attempt is not made.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The backoff before the second attempt; it doubles with each further attempt.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff between two attempts.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// A retry that would start later than this after the first attempt is not made.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// No retries at all.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Only GET, HEAD, PUT and DELETE are retried. POST and PATCH never are: an order or a
    /// ticket must not be created twice.
    pub fn method_is_retryable(method: &Method) -> bool {
        matches!(
            *method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE
        )
    }

    /// Answers worth another attempt: [`Failure::is_transient`] of the status.
    pub fn status_is_retryable(status: StatusCode) -> bool {
        Failure::Status(status).is_transient()
    }

    /// Transport failures worth another attempt: [`Failure::is_transient`] of the error.
    pub fn error_is_retryable(error: &reqwest::Error) -> bool {
        Failure::of_transport(error).is_transient()
    }

    /// The jittered backoff before attempt `next_attempt` (2 for the first retry).
    pub fn backoff(&self, next_attempt: u32) -> Duration {
        let doublings = next_attempt.saturating_sub(2).min(20);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff);
        // Full jitter: anywhere between nothing and the ceiling, so clients spread out.
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(fastrand::u64(0..=millis))
    }
}

/// What one attempt came to, as far as the retry decision looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempted {
    /// The server answered.
    Answered {
        /// The answer's status.
        status: StatusCode,
        /// The wait its `Retry-After` asks for, if any.
        retry_after: Option<Duration>,
    },
    /// No answer; `retryable` per [`Failure::is_transient`].
    Failed {
        /// Whether the failure is worth another attempt.
        retryable: bool,
    },
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The attempt's outcome is the call's.
    Stop,
    /// Renew the token and send once more, at once.
    RenewToken,
    /// Send again after this wait.
    Retry(Duration),
}

/// The call as the decision sees it, beside the attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallState {
    /// Attempts made so far, this one included (1 for the first).
    pub attempt: u32,
    /// Time since the first attempt started.
    pub elapsed: Duration,
    /// GET, HEAD, PUT or DELETE ([`RetryPolicy::method_is_retryable`]).
    pub idempotent: bool,
    /// The request can be sent again (its body could be copied).
    pub can_resend: bool,
    /// The operation takes the provider's token and it has not been renewed for this call.
    pub may_renew_token: bool,
}

impl RetryPolicy {
    /// The one place that decides: a `401` on an operation that takes the token renews it
    /// once; a transient answer or failure ([`Failure::is_transient`]) of an idempotent
    /// request is tried again after the server's `Retry-After`, else a jittered backoff,
    /// while attempts and the time budget last. Anything else stops.
    pub fn decide(&self, attempted: Attempted, call: CallState) -> Decision {
        let wait = match attempted {
            Attempted::Answered { status, .. }
                if status == StatusCode::UNAUTHORIZED
                    && call.may_renew_token
                    && call.can_resend =>
            {
                return Decision::RenewToken;
            }
            Attempted::Answered {
                status,
                retry_after,
            } if Failure::Status(status).is_transient() => Some(retry_after),
            Attempted::Failed { retryable: true } => Some(None),
            _ => None,
        };
        let Some(asked) = wait else {
            return Decision::Stop;
        };
        if !(call.idempotent && call.can_resend && call.attempt < self.max_attempts) {
            return Decision::Stop;
        }
        let delay = asked.unwrap_or_else(|| self.backoff(call.attempt + 1));
        // A `Retry-After` too large to add (u64::MAX seconds) is past any budget.
        let within_budget = call
            .elapsed
            .checked_add(delay)
            .is_some_and(|at| at <= self.max_elapsed);
        if within_budget {
            Decision::Retry(delay)
        } else {
            Decision::Stop
        }
    }

    /// The pause an answer's `Retry-After` puts on every call of the runtime: only on a
    /// retryable status, and only one this policy would wait out at all.
    pub fn shared_pause(&self, attempted: Attempted) -> Option<Duration> {
        match attempted {
            Attempted::Answered {
                status,
                retry_after,
            } if Failure::Status(status).is_transient() => {
                retry_after.filter(|asked| *asked <= self.max_elapsed)
            }
            _ => None,
        }
    }
}

/// The wait a `Retry-After` header asks for: seconds, or an HTTP date.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    #[test]
    fn only_idempotent_methods_are_retried() {
        for method in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE] {
            assert!(RetryPolicy::method_is_retryable(&method), "{method}");
        }
        for method in [Method::POST, Method::PATCH] {
            assert!(!RetryPolicy::method_is_retryable(&method), "{method}");
        }
    }

    #[test]
    fn backoff_grows_and_stays_under_its_ceiling() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..200 {
            assert!(policy.backoff(2) <= Duration::from_millis(100));
            assert!(policy.backoff(3) <= Duration::from_millis(200));
            assert!(policy.backoff(9) <= Duration::from_millis(350));
        }
        let spread: std::collections::HashSet<_> = (0..50).map(|_| policy.backoff(9)).collect();
        assert!(spread.len() > 1, "backoff is jittered");
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));

        let later = chrono::Utc::now() + chrono::Duration::seconds(120);
        let http_date = later.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&http_date).unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));

        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Fri, 11 Nov 2016 20:34:35 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));

        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    fn call(attempt: u32) -> CallState {
        CallState {
            attempt,
            elapsed: Duration::ZERO,
            idempotent: true,
            can_resend: true,
            may_renew_token: true,
        }
    }

    fn answered(status: u16, retry_after: Option<u64>) -> Attempted {
        Attempted::Answered {
            status: StatusCode::from_u16(status).unwrap(),
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    #[test]
    fn a_401_renews_the_token_once_and_only_when_it_can() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.decide(answered(401, None), call(1)),
            Decision::RenewToken
        );
        let renewed = CallState {
            may_renew_token: false,
            ..call(1)
        };
        assert_eq!(policy.decide(answered(401, None), renewed), Decision::Stop);
        let one_shot = CallState {
            can_resend: false,
            ..call(1)
        };
        assert_eq!(policy.decide(answered(401, None), one_shot), Decision::Stop);
    }

    #[test]
    fn retry_after_is_waited_out_within_the_budget_only() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.decide(answered(503, Some(2)), call(1)),
            Decision::Retry(Duration::from_secs(2))
        );
        let late = CallState {
            elapsed: Duration::from_secs(29),
            ..call(1)
        };
        assert_eq!(policy.decide(answered(503, Some(2)), late), Decision::Stop);
        assert_eq!(
            policy.decide(answered(429, Some(u64::MAX)), call(1)),
            Decision::Stop
        );
        assert_eq!(
            policy.shared_pause(answered(503, Some(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.shared_pause(answered(503, Some(31))), None);
        assert_eq!(policy.shared_pause(answered(500, Some(2))), None);
    }

    #[test]
    fn the_transient_statuses_are_retried_and_no_others() {
        let policy = RetryPolicy::default();
        for code in [408, 429, 502, 503, 504] {
            assert!(
                matches!(
                    policy.decide(answered(code, None), call(1)),
                    Decision::Retry(_)
                ),
                "{code}"
            );
            assert!(RetryPolicy::status_is_retryable(
                StatusCode::from_u16(code).unwrap()
            ));
        }
        for code in [400, 404, 500] {
            assert_eq!(
                policy.decide(answered(code, None), call(1)),
                Decision::Stop,
                "{code}"
            );
        }
        assert_eq!(
            policy.shared_pause(answered(408, Some(2))),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn only_idempotent_resendable_calls_with_attempts_left_are_retried() {
        let policy = RetryPolicy::default();
        let failed = Attempted::Failed { retryable: true };
        assert!(matches!(policy.decide(failed, call(1)), Decision::Retry(_)));
        let post = CallState {
            idempotent: false,
            ..call(1)
        };
        assert_eq!(policy.decide(failed, post), Decision::Stop);
        assert_eq!(
            policy.decide(failed, call(3)),
            Decision::Stop,
            "3 attempts by default"
        );
        assert_eq!(
            policy.decide(Attempted::Failed { retryable: false }, call(1)),
            Decision::Stop
        );
        assert_eq!(policy.decide(answered(500, None), call(1)), Decision::Stop);
        assert_eq!(policy.decide(answered(200, None), call(1)), Decision::Stop);
    }
}
