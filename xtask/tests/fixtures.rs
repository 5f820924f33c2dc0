//! The fixture corpus of `cargo xtask diff` and `cargo xtask lint`: before/after spec pairs
//! with the changes they must report and how each is classified, and specs with the findings
//! each rule must report where.

mod common;

use common::{cases, edited, fixture};

#[test]
fn every_diff_case_reports_exactly_its_changes_so_classified() {
    let base = fixture("base.yaml");
    let cases = cases("diff-cases.yaml");
    assert!(cases.len() >= 30, "the corpus has {} pairs", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let before = edited(&base, &case.before_edits, &case.name);
        let after = edited(&base, &case.edits, &case.name);
        let report = xtask::diff::compare_texts("widgets", "base", Some(&before), Some(&after))
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let mut got: Vec<String> = report
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    c.kind,
                    if c.breaking {
                        "breaking"
                    } else {
                        "non-breaking"
                    }
                )
            })
            .collect();
        let mut want = case.expect.clone();
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!(
                "{}:\n  want {want:?}\n  got  {got:?}\n  {:#?}",
                case.name, report.changes
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_diff_kind_and_both_classifications_are_covered() {
    let cases = cases("diff-cases.yaml");
    let expected: std::collections::BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c.expect.iter().map(String::as_str))
        .collect();
    for kind in [
        "operation-added non-breaking",
        "operation-removed breaking",
        "operation-id-changed breaking",
        "path-changed breaking",
        "method-changed breaking",
        "parameter-added breaking",
        "parameter-added non-breaking",
        "parameter-removed breaking",
        "parameter-required breaking",
        "parameter-optional non-breaking",
        "parameter-moved breaking",
        "type-changed breaking",
        "request-property-added breaking",
        "request-property-added non-breaking",
        "request-property-removed breaking",
        "request-property-required breaking",
        "response-property-added non-breaking",
        "response-property-removed breaking",
        "response-property-required breaking",
        "enum-value-added non-breaking",
        "enum-value-removed breaking",
        "request-content-type-removed breaking",
        "response-content-type-added non-breaking",
        "success-status-added breaking",
        "error-status-added non-breaking",
        "server-removed breaking",
        "security-changed breaking",
        "request-body-added breaking",
        "request-body-removed breaking",
    ] {
        assert!(expected.contains(kind), "no fixture expects {kind}");
    }
}

#[test]
fn a_breaking_diff_bumps_and_explains() {
    let base = fixture("base.yaml");
    let after = base.replace("      enum: [RED, GREEN]", "      enum: [RED, GREEN, BLUE]");
    let report = xtask::diff::compare_texts("widgets", "base", Some(&base), Some(&after)).unwrap();
    assert_eq!(report.bump, xtask::diff::Bump::Minor);
    assert_eq!(report.next_version, "0.1.1");
    let markdown = xtask::diff::markdown("base", &[report]);
    assert!(
        markdown.contains("non-breaking only because the SDK's enums keep values"),
        "{markdown}"
    );

    let after = base.replace("      enum: [RED, GREEN]", "      enum: [RED]");
    let report = xtask::diff::compare_texts("widgets", "base", Some(&base), Some(&after)).unwrap();
    assert_eq!(report.bump, xtask::diff::Bump::Major);
    assert_eq!(report.next_version, "0.2.0");
}

#[test]
fn a_spec_that_does_not_parse_is_named_with_its_side() {
    let base = fixture("base.yaml");
    let broken = base.replace("openapi: 3.0.3", "openapi: [");
    let error =
        xtask::diff::compare_texts("widgets", "abc123", Some(&broken), Some(&base)).unwrap_err();
    assert!(error.contains("specs/widgets.yaml (at abc123)"), "{error}");
    let error =
        xtask::diff::compare_texts("widgets", "abc123", Some(&base), Some(&broken)).unwrap_err();
    assert!(
        error.contains("specs/widgets.yaml (working tree)"),
        "{error}"
    );
}

#[test]
fn every_lint_case_reports_exactly_its_findings_where_they_are() {
    let base = fixture("base.yaml");
    let cases = cases("lint-cases.yaml");
    let mut rules_seen = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for case in &cases {
        let text = edited(&base, &case.edits, &case.name);
        let loaded = vmware_cpn_spec::LoadedSpec::parse("specs/widgets.yaml", &text)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let findings = vmware_cpn_spec::lint::lint(&loaded);
        let got: Vec<String> = findings
            .iter()
            .map(|f| {
                let (line, column) = f.error.location.unwrap_or((0, 0));
                format!("{line}:{column} {}", f.rule)
            })
            .collect();
        rules_seen.extend(findings.iter().map(|f| f.rule));
        if got != case.expect {
            let printed: Vec<String> = findings.iter().map(ToString::to_string).collect();
            failures.push(format!(
                "{}:\n  want {:?}\n  got  {got:?}\n  {printed:#?}",
                case.name, case.expect
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (rule, _) in vmware_cpn_spec::lint::RULES {
        assert!(rules_seen.contains(rule), "no lint case exercises {rule}");
    }
}
