//! No log line carries a credential or a token of any token source, whatever the exchanges
//! answer: every source logs in, renews after a `401`, is refused by an exchange that echoes
//! its secret, and meets a `200` without a token and an HTML page echoing it, with every
//! crate's logs captured at trace level. A binary of its own: the subscriber is this thread's,
//! and tracing caches per callsite whether anyone listens, which tests running beside it on
//! other threads would settle first.

#[path = "token_sources.rs"]
mod token_sources;
#[path = "token_sources_fake.rs"]
mod token_sources_fake;

use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use token_sources::{ALL, Source, assert_hidden};
use token_sources_fake::{self as fake, Odd};
use vmware_cpn_test_support::runtime;

/// Collects every log line, at every level and from every crate, on this thread.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_log_line_of_any_source_carries_a_secret() {
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The current-thread test runtime runs the clients, the sources and the fake on this
    // thread.
    let _guard = tracing::subscriber::set_default(subscriber);

    for source in ALL {
        let (base, fake) = fake::start().await;
        fake.first_valid_exchange.store(2, Ordering::SeqCst);
        let (auth, _) = source.auth(&base, &fake, false);
        let logged_in = runtime(auth);
        // Logged in, refused with a 401, renewed.
        source.call(&base, &logged_in).await.unwrap();

        let (refused, _) = source.auth(&base, &fake, true);
        let error = source.call(&base, &runtime(refused)).await.unwrap_err();
        tracing::error!(%error, "the call failed");

        if source != Source::Vault {
            fake.play([Odd::NoTokenEchoing, Odd::HtmlEchoing]);
            let (auth, _) = source.auth(&base, &fake, false);
            let odd = runtime(auth);
            for _ in 0..2 {
                let error = source.call(&base, &odd).await.unwrap_err();
                tracing::error!(%error, "the call failed");
            }
        }
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        assert!(
            text.contains("new token"),
            "{source:?}: the renewal was logged: {text}"
        );
        if source != Source::Vault {
            assert!(
                text.contains("[REDACTED]"),
                "{source:?}: the echoing answers were logged: {text}"
            );
        }
        assert_hidden(source, &text, &fake);
    }
}
