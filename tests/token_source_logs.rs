//! No log line carries a credential or a token of any token source, whatever the exchanges
//! answer: every source logs in, renews after a `401`, is refused by an exchange that echoes
//! its secret, and meets a `200` without a token and an HTML page echoing it, with every
//! crate's logs captured at trace level. A binary of its own: the subscriber is this thread's,
//! and tracing caches per callsite whether anyone listens, which tests running beside it on
//! other threads would settle first.

use std::sync::atomic::Ordering;

use vmware_cpn_test_support::fake_exchanges::{self as fake, Odd};
use vmware_cpn_test_support::logs::Captured;
use vmware_cpn_test_support::runtime;
use vmware_cpn_test_support::token_sources::{ALL, Source, assert_hidden};

#[tokio::test]
async fn no_log_line_of_any_source_carries_a_secret() {
    // Every log line, at every level and from every crate, on this thread.
    let lines = Captured::default();
    let subscriber = lines.subscriber(tracing::Level::TRACE).finish();
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
        let text = lines.text();
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
