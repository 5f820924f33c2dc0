//! The XML form of an order, as the guide's appendices write it: the same elements, namespaces
//! and prefixes (`ns0` on the envelope, `ns1` declared on each order part, `ns2` on the
//! reseller ID), for integrations that must send XML.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::types::OrderRequestEnvelope;

const FULFILLMENT: &str = "http://www.vmware.com/OrderFulfillment";
const ORDER: &str = "http://www.vmware.com/order";
const ENTITLEMENT: &str = "http://www.vmware.com/it/mw/entitlement/common";

/// Why an order has no faithful XML form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrderXmlError {
    /// What the XML cannot carry.
    pub message: String,
}

impl std::fmt::Display for OrderXmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OrderXmlError {}

/// Writes `order` as the guide's XML order (Appendix A), indented by two spaces.
///
/// The XML form has no place for properties beyond the documented ones, so an order whose
/// `extra` maps hold any is an error rather than an order silently sent without them.
pub fn order_to_xml(order: &OrderRequestEnvelope) -> Result<String, OrderXmlError> {
    refuse_extra(order)?;
    let request = &order.order_request;
    let inner = &request.orders.order;
    let mut xml = Xml(Writer::new_with_indent(Vec::new(), b' ', 2));
    xml.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    xml.open("ns0:OrderRequest", Some(("xmlns:ns0", FULFILLMENT)));
    xml.leaf("ns0:source", None, &request.source);
    match request.system_type.as_deref() {
        Some(system_type) if !system_type.is_empty() => {
            xml.leaf("ns0:systemType", None, system_type);
        }
        // The appendix always writes the element, empty.
        _ => xml.event(Event::Empty(BytesStart::new("ns0:systemType"))),
    }
    xml.open("ns0:orders", None);
    xml.open("ns0:order", None);
    let ns1 = Some(("xmlns:ns1", ORDER));
    xml.leaf("ns1:originalOrderNumber", ns1, &inner.original_order_number);
    xml.open("ns1:resellerInfo", ns1);
    xml.leaf(
        "ns2:ID",
        Some(("xmlns:ns2", ENTITLEMENT)),
        &inner.reseller_info.id,
    );
    xml.close("ns1:resellerInfo");
    xml.leaf("ns1:poType", ns1, inner.po_type.as_str());
    xml.open("ns1:orderContactList", ns1);
    xml.open("ns1:orderContact", None);
    let contact = &inner.order_contact_list.order_contact;
    if let Some(email) = &contact.email_address {
        xml.leaf("ns1:emailAddress", None, email);
    }
    if let Some(customer) = &contact.customer_number {
        xml.leaf("ns1:customerNumber", None, customer);
    }
    xml.close("ns1:orderContact");
    xml.close("ns1:orderContactList");
    xml.open("ns1:orderLineList", ns1);
    for line in &inner.order_line_list.order_line_item {
        xml.open("ns1:orderLineItem", None);
        xml.leaf("ns1:partNumber", None, &line.part_number);
        xml.leaf("ns1:quantity", None, &line.quantity);
        if let Some(sid) = &line.sid {
            xml.leaf("ns1:SID", None, sid);
        }
        xml.close("ns1:orderLineItem");
    }
    xml.close("ns1:orderLineList");
    xml.close("ns0:order");
    xml.close("ns0:orders");
    xml.close("ns0:OrderRequest");
    let bytes = xml.0.into_inner();
    Ok(String::from_utf8(bytes).expect("the writer writes the UTF-8 it is given"))
}

fn refuse_extra(order: &OrderRequestEnvelope) -> Result<(), OrderXmlError> {
    let request = &order.order_request;
    let inner = &request.orders.order;
    let contact = &inner.order_contact_list.order_contact;
    let extras = [
        ("OrderRequestEnvelope", &order.extra),
        ("OrderRequest", &request.extra),
        ("Order", &inner.extra),
        ("OrderContact", &contact.extra),
    ]
    .into_iter()
    .chain(
        inner
            .order_line_list
            .order_line_item
            .iter()
            .map(|line| ("OrderLineItem", &line.extra)),
    );
    for (owner, extra) in extras {
        if let Some(name) = extra.keys().next() {
            return Err(OrderXmlError {
                message: format!(
                    "{owner} has the property {name:?}, which the XML order form cannot carry; \
                     send the order as JSON instead"
                ),
            });
        }
    }
    Ok(())
}

/// A writer into memory, which cannot fail on I/O.
struct Xml(Writer<Vec<u8>>);

impl Xml {
    fn event(&mut self, event: Event<'_>) {
        self.0
            .write_event(event)
            .expect("writing XML into a Vec cannot fail");
    }

    fn open(&mut self, name: &str, namespace: Option<(&str, &str)>) {
        let mut start = BytesStart::new(name);
        if let Some(attribute) = namespace {
            start.push_attribute(attribute);
        }
        self.event(Event::Start(start));
    }

    fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    fn leaf(&mut self, name: &str, namespace: Option<(&str, &str)>, text: &str) {
        self.open(name, namespace);
        self.event(Event::Text(BytesText::new(text)));
        self.close(name);
    }
}
