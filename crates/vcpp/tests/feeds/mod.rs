//! Generated Atom order feeds, for the parser's property tests and the chunked-body ones:
//! any namespace prefixes, escaped text, CDATA, comments, self-closed elements, empty feeds,
//! and mutations that damage them.

use chrono::{DateTime, FixedOffset, TimeZone};
use proptest::prelude::*;
use quick_xml::escape::escape;
use vcpp::{AtomLink, OrderFeed, OrderFeedEntry, OrderFeedStatus};

pub(crate) const ATOM: &str = "http://www.w3.org/2005/Atom";
pub(crate) const ORDER: &str = "http://www.vmware.com/orderfeed";

/// How a feed is written, beside what it says.
#[derive(Debug, Clone)]
pub(crate) struct Style {
    declaration: bool,
    /// `None`: Atom is the default namespace.
    atom_prefix: Option<&'static str>,
    order_prefix: &'static str,
    cdata: bool,
    comments: bool,
    self_close_empty: bool,
}

pub(crate) fn style() -> impl Strategy<Value = Style> {
    (
        any::<bool>(),
        prop::option::of(prop::sample::select(vec!["a", "atom", "x1"])),
        prop::sample::select(vec!["order", "o", "ns1"]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(declaration, atom_prefix, order_prefix, cdata, comments, self_close_empty)| Style {
                declaration,
                atom_prefix,
                order_prefix,
                cdata,
                comments,
                self_close_empty,
            },
        )
}

/// Text as a feed carries it: no control characters, and no surrounding blanks (the parser
/// trims them).
pub(crate) fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>&'\"é中_.:/-]{0,16}".prop_map(|s| s.trim().to_owned())
}

pub(crate) fn date() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (0_i64..4_000_000_000, -12_i32..=12).prop_map(|(seconds, hours)| {
        FixedOffset::east_opt(hours * 3600)
            .unwrap()
            .timestamp_opt(seconds, 0)
            .unwrap()
    })
}

pub(crate) fn link() -> impl Strategy<Value = AtomLink> {
    (prop::option::of(text()), text()).prop_map(|(rel, href)| {
        let mut link = AtomLink::default();
        link.rel = rel;
        link.href = href;
        link
    })
}

pub(crate) fn entry() -> impl Strategy<Value = (OrderFeedEntry, Vec<(String, String)>)> {
    let pairs = prop::collection::vec(
        prop_oneof![
            (
                prop::sample::select(vec![
                    "OrderNumber",
                    "TokenNumber",
                    "ExternalLineTransactionReference",
                    "LineID",
                    "ExternalContractID",
                    "PartID",
                ])
                .prop_map(str::to_owned),
                text()
            ),
            (
                prop::sample::select(vec!["CommitStartDate", "CommitEndDate"])
                    .prop_map(str::to_owned),
                date().prop_map(|d| d.to_rfc3339())
            ),
            ("[A-Za-z][A-Za-z0-9]{0,10}", text()),
        ],
        0..6,
    );
    (
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(date()),
        prop::collection::vec(link(), 0..2),
        prop::option::of(text()),
        pairs,
    )
        .prop_map(|(id, title, updated, links, status, pairs)| {
            let mut entry = OrderFeedEntry::default();
            entry.id = id;
            entry.title = title;
            entry.updated = updated;
            entry.links = links;
            entry.status = status.map(OrderFeedStatus::from);
            for (key, value) in &pairs {
                set(&mut entry, key, value);
            }
            (entry, pairs)
        })
}

/// What the parser should make of a key/value pair.
pub(crate) fn set(entry: &mut OrderFeedEntry, key: &str, value: &str) {
    let value = value.to_owned();
    match key {
        "OrderNumber" => entry.order_number = Some(value),
        "TokenNumber" => entry.token_number = Some(value),
        "ExternalLineTransactionReference" => {
            entry.external_line_transaction_reference = Some(value);
        }
        "LineID" => entry.line_id = Some(value),
        "ExternalContractID" => entry.external_contract_id = Some(value),
        "PartID" => entry.part_id = Some(value),
        "CommitStartDate" => entry.commit_start_date = DateTime::parse_from_rfc3339(&value).ok(),
        "CommitEndDate" => entry.commit_end_date = DateTime::parse_from_rfc3339(&value).ok(),
        _ => {
            entry.other.insert(key.to_owned(), value);
        }
    }
}

pub(crate) type Feed = (OrderFeed, Vec<Vec<(String, String)>>);

pub(crate) fn feed() -> impl Strategy<Value = Feed> {
    (
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(date()),
        prop::collection::vec(link(), 0..2),
        prop::collection::vec(entry(), 0..4),
    )
        .prop_map(|(id, title, updated, links, entries)| {
            let (entries, pairs) = entries.into_iter().unzip();
            let mut feed = OrderFeed::default();
            feed.id = id;
            feed.title = title;
            feed.updated = updated;
            feed.links = links;
            feed.entries = entries;
            (feed, pairs)
        })
}

pub(crate) struct Writer<'s> {
    style: &'s Style,
    out: String,
}

impl Writer<'_> {
    fn atom(&self, name: &str) -> String {
        match self.style.atom_prefix {
            Some(prefix) => format!("{prefix}:{name}"),
            None => name.to_owned(),
        }
    }

    fn order(&self, name: &str) -> String {
        format!("{}:{name}", self.style.order_prefix)
    }

    fn leaf(&mut self, name: &str, value: &str) {
        if self.style.comments {
            self.out.push_str("<!-- a comment -->");
        }
        if value.is_empty() && self.style.self_close_empty {
            self.out.push_str(&format!("<{name}/>"));
        } else if self.style.cdata && !value.contains("]]>") {
            self.out
                .push_str(&format!("<{name}><![CDATA[{value}]]></{name}>"));
        } else {
            self.out
                .push_str(&format!("<{name}>{}</{name}>", escape(value)));
        }
        self.out.push('\n');
    }

    fn link(&mut self, link: &AtomLink) {
        let name = self.atom("link");
        let rel = link
            .rel
            .as_ref()
            .map(|rel| format!(" rel=\"{}\"", escape(rel)))
            .unwrap_or_default();
        self.out
            .push_str(&format!("<{name}{rel} href=\"{}\"/>", escape(&link.href)));
    }

    fn common(
        &mut self,
        id: &Option<String>,
        title: &Option<String>,
        updated: &Option<DateTime<FixedOffset>>,
        links: &[AtomLink],
    ) {
        if let Some(title) = title {
            self.leaf(&self.atom("title"), title);
        }
        for link in links {
            self.link(link);
        }
        if let Some(id) = id {
            self.leaf(&self.atom("id"), id);
        }
        if let Some(updated) = updated {
            self.leaf(&self.atom("updated"), &updated.to_rfc3339());
        }
    }
}

pub(crate) fn render((feed, pairs): &Feed, style: &Style) -> String {
    let mut w = Writer {
        style,
        out: String::new(),
    };
    if style.declaration {
        w.out
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    let root = w.atom("feed");
    let atom_ns = match style.atom_prefix {
        Some(prefix) => format!("xmlns:{prefix}=\"{ATOM}\""),
        None => format!("xmlns=\"{ATOM}\""),
    };
    let namespaces = format!("{atom_ns} xmlns:{}=\"{ORDER}\"", style.order_prefix);
    let empty = feed.id.is_none()
        && feed.title.is_none()
        && feed.updated.is_none()
        && feed.links.is_empty()
        && feed.entries.is_empty();
    if empty && style.self_close_empty {
        w.out.push_str(&format!("<{root} {namespaces}/>"));
        return w.out;
    }
    w.out.push_str(&format!("<{root} {namespaces}>\n"));
    w.common(&feed.id, &feed.title, &feed.updated, &feed.links);
    for (entry, pairs) in feed.entries.iter().zip(pairs) {
        let name = w.atom("entry");
        w.out.push_str(&format!("<{name}>"));
        w.common(&entry.id, &entry.title, &entry.updated, &entry.links);
        if let Some(status) = &entry.status {
            w.leaf(&w.order("status"), status.as_str());
        }
        let content = w.order("content");
        w.out.push_str(&format!("<{content}>"));
        for (key, value) in pairs {
            let pair = w.order("entry");
            w.out.push_str(&format!("<{pair}>"));
            w.leaf(&w.order("key"), key);
            w.leaf(&w.order("value"), value);
            w.out.push_str(&format!("</{pair}>"));
        }
        w.out.push_str(&format!("</{content}></{name}>\n"));
    }
    w.out.push_str(&format!("</{root}>\n"));
    w.out
}

/// A valid feed damaged: cut, bytes dropped, inserted or flipped.
#[derive(Debug, Clone)]
pub(crate) enum Mutation {
    Truncate(prop::sample::Index),
    Remove(prop::sample::Index, usize),
    Insert(prop::sample::Index, Vec<u8>),
    Flip(prop::sample::Index, u8),
}

pub(crate) fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        (any::<prop::sample::Index>(), 1_usize..20).prop_map(|(i, n)| Mutation::Remove(i, n)),
        (
            any::<prop::sample::Index>(),
            prop::collection::vec(
                prop_oneof![
                    any::<u8>(),
                    prop::sample::select(b"<>/&;\"'=:![]-?".to_vec())
                ],
                1..8
            )
        )
            .prop_map(|(i, bytes)| Mutation::Insert(i, bytes)),
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
    ]
}

pub(crate) fn apply(body: &mut Vec<u8>, mutation: &Mutation) {
    let at = |index: &prop::sample::Index, len: usize| index.index(len + 1).min(len);
    match mutation {
        Mutation::Truncate(i) => body.truncate(at(i, body.len())),
        Mutation::Remove(i, n) => {
            let start = at(i, body.len());
            let end = (start + n).min(body.len());
            body.drain(start..end);
        }
        Mutation::Insert(i, bytes) => {
            let start = at(i, body.len());
            body.splice(start..start, bytes.iter().copied());
        }
        Mutation::Flip(i, b) if !body.is_empty() => {
            let i = i.index(body.len());
            body[i] ^= b | 1;
        }
        Mutation::Flip(..) => {}
    }
}
