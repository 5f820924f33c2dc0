//! The orders the mock takes, read from either body form: the JSON envelope, or the XML of
//! the guide's appendices.

use vcpp::types::OrderRequestEnvelope;

/// An order as the mock keeps it, from either body form.
pub(crate) struct PlacedOrder {
    pub(crate) original_order_number: String,
    pub(crate) po_type: String,
    /// Part number, quantity, and the service instance (`SID`) of each line.
    pub(crate) lines: Vec<(String, String, Option<String>)>,
}

/// The order of a JSON body, already checked by its generated type.
pub(crate) fn order_from_json(envelope: OrderRequestEnvelope) -> PlacedOrder {
    let order = &envelope.order_request.orders.order;
    let lines = order
        .order_line_list
        .order_line_item
        .iter()
        .map(|line| {
            (
                line.part_number.clone(),
                line.quantity.clone(),
                line.sid.clone(),
            )
        })
        .collect();
    PlacedOrder {
        original_order_number: order.original_order_number.clone(),
        po_type: order.po_type.as_str().to_owned(),
        lines,
    }
}

/// Reads the order XML of the guide's appendices by local names, whatever the prefixes;
/// entity and character references in values are resolved.
pub(crate) fn order_from_xml(body: &[u8]) -> Result<PlacedOrder, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut order = PlacedOrder {
        original_order_number: String::new(),
        po_type: String::new(),
        lines: Vec::new(),
    };
    let mut buffer = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buffer)
            .map_err(|e| e.to_string())?
        {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if path.is_empty() && name != "OrderRequest" {
                    return Err(format!("the root element is {name}, not OrderRequest"));
                }
                if name == "orderLineItem" {
                    order.lines.push((String::new(), String::new(), None));
                }
                path.push(name);
                text.clear();
            }
            Event::Empty(empty) if path.is_empty() => {
                let name = String::from_utf8_lossy(empty.local_name().as_ref()).into_owned();
                return Err(format!("the root element is {name}, not OrderRequest"));
            }
            Event::Text(part) => text.push_str(&part.decode().map_err(|e| e.to_string())?),
            Event::CData(part) => text.push_str(&part.decode().map_err(|e| e.to_string())?),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = reference.decode().map_err(|e| e.to_string())?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity &{name};"))?
                            .to_owned()
                    }
                };
                text.push_str(&resolved);
            }
            Event::End(_) => {
                let value = std::mem::take(&mut text).trim().to_owned();
                let line = order.lines.last_mut();
                match (path.pop().as_deref(), line) {
                    (Some("originalOrderNumber"), _) => order.original_order_number = value,
                    (Some("poType"), _) => order.po_type = value,
                    (Some("partNumber"), Some(line)) => line.0 = value,
                    (Some("quantity"), Some(line)) => line.1 = value,
                    (Some("SID"), Some(line)) => line.2 = Some(value),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    if !path.is_empty() {
        return Err("the document ends inside an element".to_owned());
    }
    if order.original_order_number.is_empty() {
        return Err("originalOrderNumber is required".to_owned());
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_orders_are_read_by_local_name_with_references_resolved() {
        let xml = br#"<?xml version="1.0"?>
            <a:OrderRequest xmlns:a="urn:a" xmlns:b="urn:b"><a:orders><a:order>
              <b:originalOrderNumber>12&amp;34</b:originalOrderNumber>
              <b:poType>ADDON_REQUEST</b:poType>
              <b:orderLineList><b:orderLineItem>
                <b:partNumber>HCX&#45;A<![CDATA[<1>]]></b:partNumber>
                <b:quantity> 2 </b:quantity><b:SID>M1</b:SID>
              </b:orderLineItem></b:orderLineList>
            </a:order></a:orders></a:OrderRequest>"#;
        let order = order_from_xml(xml).unwrap();
        assert_eq!(order.original_order_number, "12&34");
        assert_eq!(order.po_type, "ADDON_REQUEST");
        assert_eq!(
            order.lines,
            [("HCX-A<1>".to_owned(), "2".to_owned(), Some("M1".to_owned()))]
        );
    }

    #[test]
    fn bad_xml_orders_are_errors() {
        for (xml, says) in [
            (&b"<Order/>"[..], "root element"),
            (b"<OrderRequest><orders>", "ends inside"),
            (
                b"<OrderRequest><poType>&nope;</poType></OrderRequest>",
                "unknown entity",
            ),
            (b"<OrderRequest></OrderRequest>", "originalOrderNumber"),
        ] {
            let error = order_from_xml(xml).err().unwrap();
            assert!(error.contains(says), "{error}");
        }
    }
}
