//! The six API surfaces, and the operations each serves with hand-written code.
//!
//! A spec describes the real API, so an operation progenitor cannot express (a multipart
//! upload, a request body in two media types, an Atom/XML answer) stays in the spec. It is
//! listed here instead, with the reason: codegen leaves it out of the generated client, the
//! API-surface snapshot marks it as hand-written, and the crate serves it in its own module.
//! A listed operation that is missing from the spec is an error, so the list cannot go stale.

use openapiv3::OpenAPI;

/// One spec and the crate generated from it.
#[derive(Debug)]
pub struct Surface {
    /// The spec's file stem: `specs/<name>.yaml`.
    pub name: &'static str,
    /// Operations the crate serves by hand, with why progenitor cannot.
    pub hand_written: &'static [HandWritten],
}

/// An operation kept in the spec but served by hand-written code in the crate.
#[derive(Debug)]
pub struct HandWritten {
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// Why the generated client cannot serve it.
    pub reason: &'static str,
}

/// Every surface of the SDK, in the order the README lists them.
pub const SURFACES: &[Surface] = &[
    Surface {
        name: "cphub-core",
        hand_written: &[],
    },
    Surface {
        name: "cphub-auth",
        hand_written: &[],
    },
    Surface {
        name: "cphub-billing",
        hand_written: &[],
    },
    Surface {
        name: "cphub-support",
        hand_written: &[HandWritten {
            operation_id: "upload_attachment",
            reason: "multipart/form-data request body",
        }],
    },
    Surface {
        name: "navigator-msp",
        hand_written: &[],
    },
    Surface {
        name: "vcpp",
        hand_written: &[
            HandWritten {
                operation_id: "get_token",
                reason: "served from its own per-operation server (the m0 token root)",
            },
            HandWritten {
                operation_id: "place_order",
                reason: "request body in two media types (JSON and XML)",
            },
            HandWritten {
                operation_id: "get_order_feed",
                reason: "answer in two media types (Atom XML, parsed by hand, and JSON) and a bodiless 304",
            },
        ],
    },
];

impl Surface {
    /// `specs/<name>.yaml`, as messages name the file.
    pub fn display_path(&self) -> String {
        format!("specs/{}.yaml", self.name)
    }

    /// The hand-written entry for an operation, if it is one.
    pub fn hand_written(&self, operation_id: &str) -> Option<&HandWritten> {
        self.hand_written
            .iter()
            .find(|h| h.operation_id == operation_id)
    }

    /// The spec progenitor sees: the document minus the hand-written operations.
    pub fn without_hand_written(&self, spec: &OpenAPI) -> OpenAPI {
        let mut spec = spec.clone();
        crate::load::retain_operations(&mut spec, |_, _, op| {
            op.operation_id
                .as_deref()
                .is_none_or(|id| self.hand_written(id).is_none())
        });
        spec
    }
}
