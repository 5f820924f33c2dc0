//! The order feed's Atom form, parsed into typed entries.
//!
//! Elements are matched by namespace and local name, not by prefix, so a feed that binds the
//! order namespace to another prefix parses the same. Key/value pairs this SDK does not know
//! are kept in [`OrderFeedEntry::other`]; unknown elements are skipped.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};

const ATOM: &[u8] = b"http://www.w3.org/2005/Atom";
const ORDER: &[u8] = b"http://www.vmware.com/orderfeed";

/// An order feed: the orders processed in the window asked for.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct OrderFeed {
    /// The feed's `id`.
    pub id: Option<String>,
    /// The feed's `title` (`Order Feed`).
    pub title: Option<String>,
    /// When the feed was generated.
    pub updated: Option<DateTime<FixedOffset>>,
    /// The feed's links.
    pub links: Vec<AtomLink>,
    /// One entry per order line.
    pub entries: Vec<OrderFeedEntry>,
}

/// An Atom `link`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AtomLink {
    /// `rel`, such as `Self`.
    pub rel: Option<String>,
    /// `href`, possibly empty as in the guide's sample.
    pub href: String,
}

/// One processed order (line) of the feed.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct OrderFeedEntry {
    /// The entry's `id`.
    pub id: Option<String>,
    /// The entry's `title`, such as `Order ID:11990536`.
    pub title: Option<String>,
    /// When the entry last changed.
    pub updated: Option<DateTime<FixedOffset>>,
    /// The entry's links.
    pub links: Vec<AtomLink>,
    /// `order:status`; values added later by the service are kept as `Unknown`.
    pub status: Option<OrderFeedStatus>,
    /// `OrderNumber`.
    pub order_number: Option<String>,
    /// `TokenNumber`.
    pub token_number: Option<String>,
    /// `ExternalLineTransactionReference`.
    pub external_line_transaction_reference: Option<String>,
    /// `LineID`.
    pub line_id: Option<String>,
    /// `ExternalContractID`.
    pub external_contract_id: Option<String>,
    /// `PartID`: the SKU ordered.
    pub part_id: Option<String>,
    /// `CommitStartDate`.
    pub commit_start_date: Option<DateTime<FixedOffset>>,
    /// `CommitEndDate`.
    pub commit_end_date: Option<DateTime<FixedOffset>>,
    /// Every other `order:key`/`order:value` pair, as sent.
    pub other: BTreeMap<String, String>,
}

/// The `order:status` of an entry. The guide shows `success`; a value the service adds later
/// is kept as `Unknown`, as every enum of this SDK does. (Hand-written: the Atom feed has no
/// JSON schema for codegen to make it from.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OrderFeedStatus {
    /// `success`
    Success,
    /// A value this SDK does not know yet, as sent.
    Unknown(String),
}

impl OrderFeedStatus {
    /// The value as the feed writes it.
    pub fn as_str(&self) -> &str {
        match self {
            OrderFeedStatus::Success => "success",
            OrderFeedStatus::Unknown(value) => value,
        }
    }

    /// Whether this SDK does not know the value.
    pub fn is_unknown(&self) -> bool {
        matches!(self, OrderFeedStatus::Unknown(_))
    }
}

impl From<String> for OrderFeedStatus {
    fn from(value: String) -> Self {
        match value.as_str() {
            "success" => OrderFeedStatus::Success,
            _ => OrderFeedStatus::Unknown(value),
        }
    }
}

impl std::fmt::Display for OrderFeedStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a body is not an order feed: where, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AtomError {
    /// Byte offset in the body where parsing stopped.
    pub position: u64,
    /// What was wrong.
    pub message: String,
}

impl std::fmt::Display for AtomError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "malformed order feed at byte {}: {}",
            self.position, self.message
        )
    }
}

impl std::error::Error for AtomError {}

/// An element of the feed the parser cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Atom(&'static str),
    Order(&'static str),
    Other,
}

impl Node {
    fn of(namespace: &ResolveResult<'_>, local: &[u8]) -> Node {
        const ATOM_NAMES: &[&str] = &["feed", "entry", "title", "id", "updated", "link"];
        const ORDER_NAMES: &[&str] = &["status", "content", "entry", "key", "value"];
        let (names, wrap): (&[&str], fn(&'static str) -> Node) = match namespace {
            ResolveResult::Bound(Namespace(ns)) if *ns == ATOM => (ATOM_NAMES, Node::Atom),
            ResolveResult::Bound(Namespace(ns)) if *ns == ORDER => (ORDER_NAMES, Node::Order),
            _ => return Node::Other,
        };
        names
            .iter()
            .find(|name| name.as_bytes() == local)
            .map_or(Node::Other, |name| wrap(name))
    }
}

/// The parse in progress: where in the tree it is, and what it has built.
#[derive(Default)]
struct Parser {
    path: Vec<Node>,
    text: String,
    feed: OrderFeed,
    entry: Option<OrderFeedEntry>,
    key: Option<String>,
    value: Option<String>,
}

impl OrderFeed {
    /// Parses the Atom form of the order feed (`application/atom+xml`).
    pub fn from_atom(body: &[u8]) -> Result<OrderFeed, AtomError> {
        let mut reader = NsReader::from_reader(body);
        let mut parser = Parser::default();
        let mut seen_root = false;
        loop {
            let position = reader.buffer_position();
            let error = |message: String| AtomError { position, message };
            let (namespace, event) = reader
                .read_resolved_event()
                .map_err(|e| error(e.to_string()))?;
            match event {
                Event::Start(_) | Event::Empty(_) if parser.path.is_empty() && seen_root => {
                    return Err(error("content after the feed element".into()));
                }
                Event::Start(start) => {
                    let node = Node::of(&namespace, start.local_name().as_ref());
                    if parser.path.is_empty() {
                        if node != Node::Atom("feed") {
                            return Err(error("the root element is not an Atom feed".into()));
                        }
                        seen_root = true;
                    }
                    parser.open(node, &start).map_err(error)?;
                }
                Event::Empty(start) => {
                    let node = Node::of(&namespace, start.local_name().as_ref());
                    if parser.path.is_empty() {
                        // `<feed xmlns="…"/>` is a valid feed: one without entries.
                        if node != Node::Atom("feed") {
                            return Err(error("the root element is not an Atom feed".into()));
                        }
                        seen_root = true;
                    }
                    parser.open(node, &start).map_err(error)?;
                    parser.close().map_err(error)?;
                }
                Event::Text(text) => {
                    let text = text.decode().map_err(|e| error(e.to_string()))?;
                    parser.text.push_str(&text);
                }
                Event::CData(data) => {
                    let text = data.decode().map_err(|e| error(e.to_string()))?;
                    parser.text.push_str(&text);
                }
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            let name = reference.decode().map_err(|e| error(e.to_string()))?;
                            quick_xml::escape::resolve_predefined_entity(&name)
                                .ok_or_else(|| error(format!("unknown entity &{name};")))?
                                .to_owned()
                        }
                    };
                    parser.text.push_str(&resolved);
                }
                Event::End(_) => parser.close().map_err(error)?,
                Event::Eof => {
                    return if seen_root && parser.path.is_empty() {
                        Ok(parser.feed)
                    } else if seen_root {
                        Err(error("the feed ends before its closing tag".into()))
                    } else {
                        Err(error("no feed element".into()))
                    };
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
    }
}

impl Parser {
    fn open(&mut self, node: Node, start: &BytesStart<'_>) -> Result<(), String> {
        self.text.clear();
        self.path.push(node);
        match self.path.as_slice() {
            [Node::Atom("feed"), Node::Atom("entry")] => {
                self.entry = Some(OrderFeedEntry::default());
            }
            [Node::Atom("feed"), Node::Atom("link")] => self.feed.links.push(link(start)?),
            [Node::Atom("feed"), Node::Atom("entry"), Node::Atom("link")] => {
                let link = link(start)?;
                self.current_entry()?.links.push(link);
            }
            [.., Node::Order("content"), Node::Order("entry")] => {
                self.key = None;
                self.value = None;
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), String> {
        let text = std::mem::take(&mut self.text).trim().to_owned();
        match self.path.as_slice() {
            [Node::Atom("feed"), Node::Atom("title")] => self.feed.title = Some(text),
            [Node::Atom("feed"), Node::Atom("id")] => self.feed.id = Some(text),
            [Node::Atom("feed"), Node::Atom("updated")] => {
                self.feed.updated = Some(date("updated", &text)?);
            }
            [Node::Atom("feed"), Node::Atom("entry")] => {
                let entry = self.entry.take().ok_or("an entry closed twice")?;
                self.feed.entries.push(entry);
            }
            [Node::Atom("feed"), Node::Atom("entry"), Node::Atom("title")] => {
                self.current_entry()?.title = Some(text);
            }
            [Node::Atom("feed"), Node::Atom("entry"), Node::Atom("id")] => {
                self.current_entry()?.id = Some(text);
            }
            [
                Node::Atom("feed"),
                Node::Atom("entry"),
                Node::Atom("updated"),
            ] => {
                self.current_entry()?.updated = Some(date("updated", &text)?);
            }
            [
                Node::Atom("feed"),
                Node::Atom("entry"),
                Node::Order("status"),
            ] => {
                self.current_entry()?.status = Some(OrderFeedStatus::from(text));
            }
            [
                ..,
                Node::Order("content"),
                Node::Order("entry"),
                Node::Order("key"),
            ] => {
                self.key = Some(text);
            }
            [
                ..,
                Node::Order("content"),
                Node::Order("entry"),
                Node::Order("value"),
            ] => {
                self.value = Some(text);
            }
            [.., Node::Order("content"), Node::Order("entry")] => {
                let key = self
                    .key
                    .take()
                    .ok_or("an order:entry without an order:key")?;
                let value = self.value.take().unwrap_or_default();
                self.current_entry()?.set(key, value)?;
            }
            _ => {}
        }
        self.path.pop();
        Ok(())
    }

    fn current_entry(&mut self) -> Result<&mut OrderFeedEntry, String> {
        self.entry
            .as_mut()
            .ok_or_else(|| "an element outside any entry".to_owned())
    }
}

impl OrderFeedEntry {
    fn set(&mut self, key: String, value: String) -> Result<(), String> {
        match key.as_str() {
            "OrderNumber" => self.order_number = Some(value),
            "TokenNumber" => self.token_number = Some(value),
            "ExternalLineTransactionReference" => {
                self.external_line_transaction_reference = Some(value);
            }
            "LineID" => self.line_id = Some(value),
            "ExternalContractID" => self.external_contract_id = Some(value),
            "PartID" => self.part_id = Some(value),
            "CommitStartDate" => self.commit_start_date = Some(date(&key, &value)?),
            "CommitEndDate" => self.commit_end_date = Some(date(&key, &value)?),
            _ => {
                self.other.insert(key, value);
            }
        }
        Ok(())
    }
}

fn date(what: &str, text: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(text)
        .map_err(|e| format!("{what} is not an RFC 3339 date ({text:?}): {e}"))
}

fn link(start: &BytesStart<'_>) -> Result<AtomLink, String> {
    let mut link = AtomLink::default();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let value = attribute.unescape_value().map_err(|e| e.to_string())?;
        match attribute.key.as_ref() {
            b"rel" => link.rel = Some(value.into_owned()),
            b"href" => link.href = value.into_owned(),
            _ => {}
        }
    }
    Ok(link)
}
