//! What the SDK logs, captured: a writer that keeps every line a `tracing` subscriber writes.
//!
//! A subscriber set with `tracing::subscriber::set_default` is the current thread's; a test
//! that reads every crate's logs runs in a binary of its own, since tracing caches per
//! callsite whether anyone listens, which tests beside it on other threads would settle first.

use std::sync::{Arc, Mutex};

use tracing::level_filters::LevelFilter;
use tracing_subscriber::fmt::format::{DefaultFields, Format};
use tracing_subscriber::fmt::{MakeWriter, SubscriberBuilder};

/// Keeps what a `tracing` subscriber writes; its clones share the one buffer.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// A `fmt` subscriber of every crate's events up to `level`, without colours, writing
    /// here: `.finish()` it, after any setting of the test's own.
    pub fn subscriber(
        &self,
        level: tracing::Level,
    ) -> SubscriberBuilder<DefaultFields, Format, LevelFilter, Captured> {
        tracing_subscriber::fmt()
            .with_max_level(level)
            .with_ansi(false)
            .with_writer(self.clone())
    }

    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).expect("log lines are UTF-8")
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}
