//! What a spec change is, and whether it breaks a user of the client crate.

use serde::Serialize;

/// One change to the API a crate exposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// A stable name for the kind of change, such as `operation-removed`.
    pub kind: &'static str,
    /// The operation it affects (`list_tenants (GET /…)`), or `None` for the spec as a whole.
    pub operation: Option<String>,
    /// Where in the operation: `request body .tenantType`, `query limit`, ….
    pub place: String,
    /// What changed, in words.
    pub detail: String,
    /// Whether code using the crate may stop compiling or working.
    pub breaking: bool,
    /// Breaking on the wire only: the Rust API takes it as an addition (code still compiles),
    /// but calls made as before now fail (a parameter or property every request must set).
    /// cargo-semver-checks cannot see these; the report names them.
    pub wire_only: bool,
    /// Why it is classified so, where that is not obvious.
    pub reason: Option<&'static str>,
}

impl Change {
    /// A change of `kind`, breaking or not, described by `detail`.
    pub fn new(kind: &'static str, breaking: bool, detail: impl Into<String>) -> Change {
        Change {
            kind,
            operation: None,
            place: String::new(),
            detail: detail.into(),
            breaking,
            wire_only: false,
            reason: None,
        }
    }

    /// Marks a breaking change that the Rust API shows only as an addition.
    pub fn on_the_wire(mut self) -> Change {
        self.wire_only = true;
        self
    }

    /// Whether the crate's Rust API breaks (what cargo-semver-checks judges).
    pub fn breaks_rust_api(&self) -> bool {
        self.breaking && !self.wire_only
    }

    /// Where in the operation it is.
    pub fn at(mut self, place: impl Into<String>) -> Change {
        self.place = place.into();
        self
    }

    /// Why it is classified so.
    pub fn because(mut self, reason: &'static str) -> Change {
        self.reason = Some(reason);
        self
    }
}

/// Whether a schema is read from a request the user builds or from an answer the user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Request,
    Response,
}

/// The semantic-versioning bump a set of changes needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Nothing changed.
    None,
    /// A fix that changes no API.
    Patch,
    /// New API, nothing broken.
    Minor,
    /// Something broken.
    Major,
}

impl Bump {
    /// Breaking changes need a major bump, anything else a minor one (new API).
    pub fn of(changes: &[Change]) -> Bump {
        if changes.iter().any(|c| c.breaking) {
            Bump::Major
        } else if changes.is_empty() {
            Bump::None
        } else {
            Bump::Minor
        }
    }

    /// The next version after `current`, with Cargo's rule for 0.x: a breaking change bumps
    /// the minor number, an additive one the patch number.
    pub fn next_version(self, current: &str) -> String {
        let parts: Vec<u64> = current.split('.').filter_map(|p| p.parse().ok()).collect();
        let [major, minor, patch] = parts[..] else {
            return current.to_owned();
        };
        match (self, major) {
            (Bump::None, _) => current.to_owned(),
            (Bump::Major, 0) => format!("0.{}.0", minor + 1),
            (Bump::Major, _) => format!("{}.0.0", major + 1),
            (Bump::Minor | Bump::Patch, 0) => format!("0.{minor}.{}", patch + 1),
            (Bump::Minor, _) => format!("{major}.{}.0", minor + 1),
            (Bump::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
        }
    }
}
