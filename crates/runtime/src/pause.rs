//! One back-off shared by every call of a runtime: when the server answers `429` or `503`
//! with `Retry-After`, no call of that runtime is sent again before then, so 64 calls in
//! flight wait once together instead of each finding out with a refusal of its own.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The instant before which no request is sent, as nanoseconds after `epoch` (0: none).
/// An atomic rather than a lock: every request reads it.
#[derive(Debug)]
pub(crate) struct SharedPause {
    epoch: Instant,
    until: AtomicU64,
}

impl SharedPause {
    pub(crate) fn new() -> SharedPause {
        SharedPause {
            epoch: Instant::now(),
            until: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Whether a pause is on now: what every request checks before it waits.
    pub(crate) fn is_on(&self) -> bool {
        let until = self.until.load(Ordering::Acquire);
        until != 0 && self.now() < until
    }

    /// Waits out the pause, if one is on (and any extension of it made meanwhile).
    pub(crate) async fn wait(&self) {
        loop {
            let until = self.until.load(Ordering::Acquire);
            if until == 0 {
                return;
            }
            let now = self.now();
            if now >= until {
                return;
            }
            tokio::time::sleep(Duration::from_nanos(until - now)).await;
        }
    }

    /// Holds every request back for `delay` from now; a longer pause already on is kept.
    pub(crate) fn pause_for(&self, delay: Duration) {
        let delay = u64::try_from(delay.as_nanos()).unwrap_or(u64::MAX);
        let until = self.now().saturating_add(delay).max(1);
        self.until.fetch_max(until, Ordering::AcqRel);
    }
}
