//! The diff as Markdown for a pull-request comment, or as JSON.

use serde::Serialize;

use super::model::{Bump, Change};

/// The workspace's version, which every client crate shares (xtask's own, by
/// `version.workspace = true`).
const CRATE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The changes to one spec and what they mean for its crate.
#[derive(Debug, Clone, Serialize)]
pub struct SpecReport {
    /// The spec's name (`cphub-core`).
    pub spec: String,
    /// The crate generated from it (same name as the spec).
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// The bump the changes need.
    pub bump: Bump,
    /// The version after that bump.
    pub next_version: String,
    /// Every change, in the order found.
    pub changes: Vec<Change>,
    /// cargo-semver-checks' verdict on the generated crate, with `--verify`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semver_checks: Option<Verification>,
}

/// What cargo-semver-checks says of one crate, beside our Rust-level verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// The tool and its version.
    pub tool: String,
    /// Whether it finds a change that needs a major release (0.x: a minor one).
    pub breaking: bool,
    /// The lints that failed.
    pub lints: Vec<String>,
    /// Whether it agrees with our verdict on the Rust API (breaking on the wire aside).
    pub agrees: bool,
}

impl SpecReport {
    /// The report of `changes` to `spec`, with the bump they need.
    pub fn new(spec: &str, changes: Vec<Change>) -> SpecReport {
        let bump = Bump::of(&changes);
        SpecReport {
            spec: spec.to_owned(),
            crate_name: spec.to_owned(),
            bump,
            next_version: bump.next_version(CRATE_VERSION),
            changes,
            semver_checks: None,
        }
    }
}

/// The reports as JSON, with the base and whether anything breaks.
pub fn json(base: &str, reports: &[SpecReport]) -> String {
    let breaking = reports.iter().any(|r| r.changes.iter().any(|c| c.breaking));
    serde_json::to_string_pretty(&serde_json::json!({
        "base": base,
        "breaking": breaking,
        "specs": reports,
    }))
    .unwrap_or_default()
}

/// The reports as Markdown, for a pull-request comment.
pub fn markdown(base: &str, reports: &[SpecReport]) -> String {
    let mut out = format!("## API changes since `{base}`\n\n");
    let changed: Vec<&SpecReport> = reports.iter().filter(|r| !r.changes.is_empty()).collect();
    if changed.is_empty() {
        out.push_str("No spec changes the API of any crate.\n");
        return out;
    }
    out.push_str("| crate | breaking | non-breaking | bump |\n| --- | ---: | ---: | --- |\n");
    for report in &changed {
        let breaking = report.changes.iter().filter(|c| c.breaking).count();
        out.push_str(&format!(
            "| `{}` | {breaking} | {} | {} → {} |\n",
            report.crate_name,
            report.changes.len() - breaking,
            bump_word(report.bump),
            report.next_version
        ));
    }
    for report in changed {
        out.push_str(&format!(
            "\n### `{}` (specs/{}.yaml)\n\n",
            report.crate_name, report.spec
        ));
        if let Some(v) = &report.semver_checks {
            let ours = report.changes.iter().any(Change::breaks_rust_api);
            out.push_str(&format!(
                "{}: {} ({}); ours on the Rust API: {}. {}\n\n",
                v.tool,
                if v.breaking {
                    "**breaking**"
                } else {
                    "not breaking"
                },
                if v.lints.is_empty() {
                    "no lint failed".to_owned()
                } else {
                    v.lints.join(", ")
                },
                if ours { "breaking" } else { "not breaking" },
                if v.agrees {
                    "They agree."
                } else {
                    "**They disagree.**"
                },
            ));
        }
        out.push_str("| | change | operation | where | why |\n| --- | --- | --- | --- | --- |\n");
        let mut changes: Vec<&Change> = report.changes.iter().collect();
        changes.sort_by_key(|c| !c.breaking);
        for change in changes {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                match (change.breaking, change.wire_only) {
                    (true, false) => "**breaking**",
                    (true, true) => "**breaking on the wire**",
                    (false, _) => "non-breaking",
                },
                cell(&change.detail),
                change
                    .operation
                    .as_deref()
                    .map(|o| format!("`{}`", cell(o)))
                    .unwrap_or_default(),
                cell(&change.place),
                cell(change.reason.unwrap_or("")),
            ));
        }
    }
    out
}

fn bump_word(bump: Bump) -> &'static str {
    match bump {
        Bump::Major => "breaking",
        Bump::Minor => "additive",
        Bump::Patch => "patch",
        Bump::None => "none",
    }
}

/// Table cells cannot hold `|` or line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
