//! The Atom order feed parser over generated feeds (any namespace prefixes, escaped text,
//! CDATA, comments, self-closed elements, empty feeds) and mutations of them: a valid feed
//! always parses into what it says, and no body makes the parser panic.

mod feeds;

use feeds::*;
use proptest::prelude::*;
use vcpp::OrderFeed;

proptest! {
    #[test]
    fn every_valid_feed_parses_into_what_it_says(feed in feed(), style in style()) {
        let xml = render(&feed, &style);
        let parsed = OrderFeed::from_atom(xml.as_bytes());
        prop_assert_eq!(parsed.as_ref().ok(), Some(&feed.0), "{}\n{:?}", xml, parsed);
    }

    #[test]
    fn no_damaged_feed_makes_the_parser_panic(
        feed in feed(),
        style in style(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut body = render(&feed, &style).into_bytes();
        for mutation in &mutations {
            apply(&mut body, mutation);
        }
        // Either answer is fine; a panic fails the test.
        let _ = OrderFeed::from_atom(&body);
    }

    #[test]
    fn no_bytes_at_all_make_the_parser_panic(body in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = OrderFeed::from_atom(&body);
    }
}

#[test]
fn a_feed_may_start_with_a_byte_order_mark() {
    let xml = "\u{feff}<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title></feed>";
    let feed = OrderFeed::from_atom(xml.as_bytes()).unwrap();
    assert_eq!(feed.title.as_deref(), Some("T"));
}

#[test]
fn a_self_closed_empty_feed_is_a_feed_without_entries() {
    for xml in [
        r#"<feed xmlns="http://www.w3.org/2005/Atom"/>"#,
        r#"<?xml version="1.0"?><a:feed xmlns:a="http://www.w3.org/2005/Atom" />"#,
    ] {
        assert_eq!(
            OrderFeed::from_atom(xml.as_bytes()),
            Ok(OrderFeed::default()),
            "{xml}"
        );
    }
    for xml in [
        r#"<other xmlns="http://www.w3.org/2005/Atom"/>"#,
        r#"<feed/>"#,
        r#"<feed xmlns="http://www.w3.org/2005/Atom"/><feed xmlns="http://www.w3.org/2005/Atom"/>"#,
    ] {
        assert!(OrderFeed::from_atom(xml.as_bytes()).is_err(), "{xml}");
    }
}
