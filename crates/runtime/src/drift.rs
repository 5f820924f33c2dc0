//! Drift while working: a client's answer that carries what its spec does not declare (a new
//! property, a new enum value) decodes anyway, kept in `extra` or as `Unknown`. So that a
//! provider learns the spec is behind before something breaks, the first such answer of an
//! operation, per place and kind, in this process, is one `tracing` event at warn level, target
//! [`DRIFT_TARGET`], naming the operation, the JSON path and the kind, never a value.
//!
//! Nothing is checked unless a subscriber listens to that target at warn level: the check
//! parses the answer a second time and reads the client's spec, which is parsed once, the first
//! time it is needed.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use vmware_cpn_spec::LoadedSpec;
use vmware_cpn_spec::answer_check::{declared_response, is_json};
use vmware_cpn_spec::schema_check::{FindingKind, findings};

use crate::Operation;

/// The `tracing` target of drift events.
pub const DRIFT_TARGET: &str = "vmware_cpn::drift";

/// A client's spec, as its crate carries it: the text its code was generated from, read only
/// when something needs it (drift tracing, `cpn conformance`).
#[derive(Clone, Copy)]
pub struct Spec {
    /// The spec's name, such as `cphub-core`.
    pub name: &'static str,
    /// The YAML text.
    pub text: &'static str,
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spec").field("name", &self.name).finish()
    }
}

impl PartialEq for Spec {
    fn eq(&self, other: &Spec) -> bool {
        self.name == other.name
    }
}

impl Eq for Spec {}

impl Spec {
    /// The spec parsed, once per process; `None` when its text does not parse (the build of
    /// a client checks that it does).
    pub fn parsed(&self) -> Option<&'static LoadedSpec> {
        static PARSED: Mutex<Vec<(&str, Option<&LoadedSpec>)>> = Mutex::new(Vec::new());
        let mut parsed = PARSED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, spec)) = parsed.iter().find(|(name, _)| *name == self.name) {
            return *spec;
        }
        // Leaked: one per client crate, kept for the life of the process.
        let spec = LoadedSpec::parse(format!("specs/{}.yaml", self.name), self.text)
            .ok()
            .map(|spec| &*Box::leak(Box::new(spec)));
        parsed.push((self.name, spec));
        spec
    }
}

/// Checks a JSON answer of `operation` (a success, or an error body that decoded) when a
/// subscriber listens for drift.
pub(crate) fn trace(operation: &Operation, status: u16, body: &[u8]) {
    if !tracing::enabled!(target: DRIFT_TARGET, tracing::Level::WARN) {
        return;
    }
    let Some(loaded) = operation.spec.parsed() else {
        return;
    };
    let Some(op) = loaded.operation(operation.id) else {
        return;
    };
    let Some(schema) = declared_response(&loaded.spec, op.operation, status)
        .and_then(|response| response.content.iter().find(|(media, _)| is_json(media)))
        .and_then(|(_, media)| media.schema.as_ref())
    else {
        return;
    };
    let Ok(value) = serde_json::from_slice(body) else {
        return;
    };
    for finding in findings(&loaded.spec, schema, &value) {
        if finding.kind.is_kept_silently() && first_time(operation.id, &finding.path, finding.kind)
        {
            let path = if finding.path.is_empty() {
                "/"
            } else {
                &finding.path
            };
            tracing::warn!(
                target: DRIFT_TARGET,
                operation = operation.id,
                spec = operation.spec.name,
                path,
                kind = finding.kind.as_str(),
                "the answer holds {} its spec does not declare; it is kept (`extra`, `Unknown`); \
                 `cpn conformance` makes a report to send",
                match finding.kind {
                    FindingKind::UnknownEnumValue => "an enum value",
                    _ => "a property",
                },
            );
        }
    }
}

/// An operation, a place in its answers and a kind of drift: reported once.
type Reported = (&'static str, String, FindingKind);

/// Whether this operation, place and kind are reported for the first time in this process.
fn first_time(operation: &'static str, path: &str, kind: FindingKind) -> bool {
    static SEEN: OnceLock<Mutex<HashSet<Reported>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    seen.insert((operation, path.to_owned(), kind))
}
