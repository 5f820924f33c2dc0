//! The six API surfaces: one spec and the crate generated from it each.
//!
//! What a surface serves, and how, is read from its spec: operations the generated client
//! cannot serve carry `x-hand-written` with the reason (see [`crate::extensions`]).

/// One spec and the crate generated from it.
#[derive(Debug)]
pub struct Surface {
    /// The spec's file stem: `specs/<name>.yaml`.
    pub name: &'static str,
}

/// Every surface of the SDK, in the order the README lists them.
pub const SURFACES: &[Surface] = &[
    Surface { name: "cphub-core" },
    Surface { name: "cphub-auth" },
    Surface {
        name: "cphub-billing",
    },
    Surface {
        name: "cphub-support",
    },
    Surface {
        name: "navigator-msp",
    },
    Surface { name: "vcpp" },
];

impl Surface {
    /// `specs/<name>.yaml`, as messages name the file.
    pub fn display_path(&self) -> String {
        format!("specs/{}.yaml", self.name)
    }
}
