//! The report of `cpn conformance`, in Markdown and JSON, one finding per line. It is built
//! only from what holds no value of an answer: spec and operation names, statuses, the
//! findings' paths, kinds and shapes ([`Finding`]), and why an operation was not called.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use vmware_cpn_spec::schema_check::Finding;

use crate::sdk::Target;

/// One finding, with the operation whose answer it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    spec: &'static str,
    operation: &'static str,
    status: u16,
    path: String,
    kind: &'static str,
    expected: String,
    seen: String,
}

impl Row {
    pub fn of(target: &Target, status: u16, finding: Finding) -> Row {
        Row {
            spec: target.surface.name,
            operation: target.op.id,
            status,
            path: if finding.path.is_empty() {
                "(the answer)".to_owned()
            } else {
                finding.path
            },
            kind: finding.kind.as_str(),
            expected: finding.expected,
            seen: finding.seen,
        }
    }
}

/// An operation called, with the status of its answer.
#[derive(Debug, Clone)]
pub struct Called {
    spec: &'static str,
    operation: &'static str,
    status: u16,
}

impl Called {
    pub fn of(target: &Target, status: u16) -> Called {
        Called {
            spec: target.surface.name,
            operation: target.op.id,
            status,
        }
    }
}

/// An operation safe to call that was not, and why.
#[derive(Debug, Clone)]
pub struct NotCalled {
    spec: &'static str,
    operation: &'static str,
    why: String,
}

impl NotCalled {
    pub fn of(target: &Target, why: &str) -> NotCalled {
        NotCalled {
            spec: target.surface.name,
            operation: target.op.id,
            why: why.to_owned(),
        }
    }
}

/// Everything a run found.
#[derive(Debug)]
pub struct Report {
    specs: Vec<(&'static str, String)>,
    max_calls: usize,
    calls: usize,
    findings: BTreeSet<Row>,
    called: Vec<Called>,
    not_called: Vec<NotCalled>,
}

impl Report {
    pub fn new(max_calls: usize) -> Report {
        Report {
            specs: Vec::new(),
            max_calls,
            calls: 0,
            findings: BTreeSet::new(),
            called: Vec::new(),
            not_called: Vec::new(),
        }
    }

    pub fn spec(&mut self, name: &'static str, version: &str) {
        self.specs.push((name, version.to_owned()));
    }

    pub fn count_call(&mut self) {
        self.calls += 1;
    }

    pub fn calls(&self) -> usize {
        self.calls
    }

    pub fn finding(&mut self, row: Row) {
        self.findings.insert(row);
    }

    pub fn findings(&self) -> usize {
        self.findings.len()
    }

    pub fn called(&mut self, called: Called) {
        self.called.push(called);
    }

    pub fn not_called(&mut self, not_called: NotCalled) {
        self.not_called.push(not_called);
    }

    fn specs_line(&self) -> String {
        let specs: Vec<String> = self
            .specs
            .iter()
            .map(|(name, version)| format!("{name} {version}"))
            .collect();
        specs.join(", ")
    }

    /// The report in Markdown: a summary, then a table of findings, the operations called and
    /// those not called.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        out.push_str("# cpn conformance report\n\n");
        out.push_str(&format!(
            "The live service's answers held against the SDK's specs by `cpn conformance` (cpn \
             {}). Shapes only: no value, id, name or token of an answer is in this report.\n\n",
            env!("CARGO_PKG_VERSION")
        ));
        out.push_str(&format!("- Specs: {}\n", self.specs_line()));
        out.push_str(&format!(
            "- Calls: {} (at most {})\n- Findings: {}\n\n",
            self.calls,
            self.max_calls,
            self.findings.len()
        ));
        out.push_str("## Findings\n\n");
        if self.findings.is_empty() {
            out.push_str("None: every answer matches its spec.\n\n");
        } else {
            out.push_str("| spec | operation | status | path | kind | expected | seen |\n");
            out.push_str("|---|---|---|---|---|---|---|\n");
            for row in &self.findings {
                out.push_str(&format!(
                    "| {} | {} | {} | `{}` | {} | {} | {} |\n",
                    row.spec,
                    row.operation,
                    row.status,
                    cell(&row.path),
                    row.kind,
                    cell(&row.expected),
                    cell(&row.seen)
                ));
            }
            out.push('\n');
        }
        out.push_str("## Called\n\n| spec | operation | status |\n|---|---|---|\n");
        for called in &self.called {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                called.spec, called.operation, called.status
            ));
        }
        if !self.not_called.is_empty() {
            out.push_str("\n## Not called\n\n| spec | operation | why |\n|---|---|---|\n");
            for not in &self.not_called {
                out.push_str(&format!(
                    "| {} | {} | {} |\n",
                    not.spec,
                    not.operation,
                    cell(&not.why)
                ));
            }
        }
        out
    }

    /// The report in JSON: each finding, call and operation not called an object on a line
    /// of its own.
    pub fn json(&self) -> String {
        let findings = self.findings.iter().map(|row| {
            json!({
                "spec": row.spec,
                "operation": row.operation,
                "status": row.status,
                "path": row.path,
                "kind": row.kind,
                "expected": row.expected,
                "seen": row.seen,
            })
        });
        let called = self
            .called
            .iter()
            .map(|c| json!({"spec": c.spec, "operation": c.operation, "status": c.status}));
        let not_called = self
            .not_called
            .iter()
            .map(|n| json!({"spec": n.spec, "operation": n.operation, "why": n.why}));
        let specs: Vec<Value> = self
            .specs
            .iter()
            .map(|(name, version)| json!({"name": name, "version": version}))
            .collect();
        let mut out = String::from("{\n");
        out.push_str(&format!(
            "  \"tool\": {},\n  \"specs\": {},\n  \"calls\": {},\n  \"maxCalls\": {},\n",
            json!(format!("cpn {}", env!("CARGO_PKG_VERSION"))),
            Value::Array(specs),
            self.calls,
            self.max_calls
        ));
        out.push_str(&format!("  \"findings\": {},\n", lines(findings)));
        out.push_str(&format!("  \"called\": {},\n", lines(called)));
        out.push_str(&format!("  \"notCalled\": {}\n}}\n", lines(not_called)));
        out
    }
}

/// A JSON array with each element on a line of its own.
fn lines(items: impl Iterator<Item = Value>) -> String {
    let items: Vec<String> = items.map(|item| format!("    {item}")).collect();
    if items.is_empty() {
        "[]".to_owned()
    } else {
        format!("[\n{}\n  ]", items.join(",\n"))
    }
}

/// A Markdown table cell: a `|` would end it, a line break would end the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
