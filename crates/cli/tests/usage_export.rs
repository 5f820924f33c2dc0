//! `cpn usage export --all-tenants` against the mock: every tenant's rows in one file with a
//! `tenant` column, as CSV, JSON lines and (with the `parquet` feature) Parquet read back and
//! compared row by row with the CSV; a failing tenant is named, the exit code is non-zero and
//! the other tenants are written.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use common::Env;
use serde_json::Value;
use vmware_cpn_mock::{Config, Fault};

/// A mock with tenants at scale and long reports.
fn env() -> Env {
    Env::start_with(
        Config::default()
            .tenants(4)
            .usage_report_rows(40)
            .record_journal(true),
    )
}

fn export(env: &Env, format: &str, file: &Path, extra: &[&str]) -> Output {
    env.cpn()
        .args(["usage", "export", "--all-tenants", "--format", format])
        .arg("--output")
        .arg(file)
        .args(extra)
        .output()
        .expect("cpn runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn tenant_ids(env: &Env) -> Vec<String> {
    env.json(&["tenants", "list"])
        .as_array()
        .expect("a list of tenants")
        .iter()
        .map(|t| t["id"].as_str().expect("a tenant id").to_owned())
        .collect()
}

/// The export's header.
fn header() -> Vec<String> {
    let mut header = vec!["tenant".to_owned()];
    header.extend(
        cphub_billing::UsageRow::COLUMNS
            .iter()
            .map(|c| c.to_string()),
    );
    header.push("extra".to_owned());
    header
}

/// A CSV file's records, header first.
fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

/// Each tenant's rows as `cpn usage download --tenant-id` gives them, in the export's
/// columns (the report's own header maps its cells; other columns go into `extra`).
fn downloaded(env: &Env, ids: &[String]) -> BTreeMap<String, Vec<Vec<String>>> {
    let columns = cphub_billing::UsageRow::COLUMNS;
    ids.iter()
        .map(|id| {
            let out = env.ok(&["usage", "download", "--tenant-id", id]);
            let mut records = csv_records(&out.stdout);
            let rows = if records.is_empty() {
                Vec::new()
            } else {
                let head = records.remove(0);
                records
                    .into_iter()
                    .map(|record| {
                        let cell = |name: &str| {
                            head.iter()
                                .position(|h| h.trim_start_matches('\u{feff}') == name)
                                .map(|i| record[i].clone())
                                .unwrap_or_default()
                        };
                        let mut row = vec![id.clone()];
                        row.extend(columns.iter().map(|c| cell(c)));
                        let extra: serde_json::Map<String, Value> = head
                            .iter()
                            .zip(&record)
                            .filter(|(h, _)| !columns.contains(&h.trim_start_matches('\u{feff}')))
                            .map(|(h, v)| (h.clone(), Value::String(v.clone())))
                            .collect();
                        row.push(if extra.is_empty() {
                            String::new()
                        } else {
                            Value::Object(extra).to_string()
                        });
                        row
                    })
                    .collect()
            };
            (id.clone(), rows)
        })
        .collect()
}

/// The export's rows grouped by tenant, each tenant's in the order written.
fn by_tenant(rows: Vec<Vec<String>>) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut tenants: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for row in rows {
        tenants.entry(row[0].clone()).or_default().push(row);
    }
    tenants
}

#[test]
fn csv_holds_every_tenants_rows_as_downloaded() {
    let env = env();
    let ids = tenant_ids(&env);
    assert!(ids.len() >= 5, "{ids:?}");
    let file = env.dir.path().join("usage.csv");
    let out = export(&env, "csv", &file, &["--concurrency", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut records = csv_records(&std::fs::read(&file).unwrap());
    assert_eq!(records.remove(0), header());
    let expected = downloaded(&env, &ids);
    let rows: usize = expected.values().map(Vec::len).sum();
    assert!(rows >= 40, "the mock's reports have rows: {rows}");
    let mut got = by_tenant(records);
    for id in &ids {
        assert_eq!(
            got.remove(id).unwrap_or_default(),
            expected[id],
            "tenant {id}"
        );
    }
    assert!(got.is_empty(), "rows of unknown tenants: {:?}", got.keys());
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".part")), "{names:?}");
}

#[test]
fn json_lines_hold_the_same_rows_tenant_first() {
    let env = env();
    let csv_file = env.dir.path().join("usage.csv");
    let jsonl_file = env.dir.path().join("usage.jsonl");
    let flags = ["--concurrency", "1"];
    let out = export(&env, "csv", &csv_file, &flags);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = export(&env, "jsonl", &jsonl_file, &flags);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut csv_rows = csv_records(&std::fs::read(&csv_file).unwrap());
    csv_rows.remove(0);
    let text = std::fs::read_to_string(&jsonl_file).unwrap();
    let header = header();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), csv_rows.len());
    for (line, csv_row) in lines.iter().zip(&csv_rows) {
        assert!(line.starts_with("{\"tenant\":"), "{line}");
        let object: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
        assert_eq!(object.len(), header.len(), "{line}");
        for (name, cell) in header.iter().zip(csv_row) {
            let value = &object[name.as_str()];
            let text = match value {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                Value::Object(map) if map.is_empty() => String::new(),
                other => other.to_string(),
            };
            assert_eq!(&text, cell, "{name} in {line}");
        }
    }
}

#[test]
fn a_failing_tenant_is_named_and_the_others_are_written() {
    let env = env();
    let ids = tenant_ids(&env);
    let reference = env.dir.path().join("reference.csv");
    let out = export(&env, "csv", &reference, &["--concurrency", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut whole = csv_records(&std::fs::read(&reference).unwrap());
    whole.remove(0);
    let whole = by_tenant(whole);

    // The first tenant's report is refused; with one tenant at a time it is the first one.
    env.mock
        .inject("download_usage_report", Fault::status(404), 1);
    let file = env.dir.path().join("usage.csv");
    let out = export(&env, "csv", &file, &["--concurrency", "1"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "an HTTP failure: {err}");
    let victim = &ids[0];
    assert!(
        err.contains(&format!("tenant {victim}")) && err.contains(&format!("1 of {}", ids.len())),
        "{err}"
    );
    let mut records = csv_records(&std::fs::read(&file).unwrap());
    assert_eq!(records.remove(0), header());
    let mut got = by_tenant(records);
    assert!(!got.contains_key(victim), "{victim} has rows");
    let mut expected = whole;
    expected.remove(victim);
    got.retain(|_, rows| !rows.is_empty());
    assert_eq!(got, expected);
}

#[test]
fn a_month_is_sent_as_its_range_and_a_day_is_refused() {
    let env = env();
    let file = env.dir.path().join("usage.csv");
    let out = export(&env, "csv", &file, &["--month", "2019-09"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let journal = env.mock.journal();
    let report = journal
        .iter()
        .rev()
        .find(|e| e.operation_id == "download_usage_report")
        .expect("a usage report call");
    let seen = &report.uri;
    // 2019-09-01T00:00:00Z and 2019-10-01T00:00:00Z in milliseconds.
    assert!(
        seen.contains("1567296000000") && seen.contains("1569888000000"),
        "{seen}"
    );
    let out = export(&env, "csv", &file, &["--month", "2019-09-03"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_without_the_feature_is_a_usage_error_naming_it() {
    let env = env();
    let file = env.dir.path().join("usage.parquet");
    let out = export(&env, "parquet", &file, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--features parquet"),
        "{}",
        stderr(&out)
    );
    assert!(!file.exists());
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_reads_back_as_the_csv_row_by_row() {
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, TimestampMillisecondType};
    use arrow_schema::DataType;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let env = env();
    let csv_file = env.dir.path().join("usage.csv");
    let parquet_file = env.dir.path().join("usage.parquet");
    let flags = ["--concurrency", "1"];
    let out = export(&env, "csv", &csv_file, &flags);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = export(&env, "parquet", &parquet_file, &flags);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut csv_rows = csv_records(&std::fs::read(&csv_file).unwrap());
    assert_eq!(csv_rows.remove(0), header());
    assert!(!csv_rows.is_empty());

    let reader =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&parquet_file).unwrap())
            .unwrap()
            .build()
            .unwrap();
    let mut n = 0;
    for batch in reader {
        let batch = batch.unwrap();
        let names: Vec<String> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, header());
        for r in 0..batch.num_rows() {
            let csv_row = &csv_rows[n];
            for (c, column) in batch.columns().iter().enumerate() {
                let cell = csv_row[c].as_str();
                let name = &names[c];
                match column.data_type() {
                    DataType::Float64 => {
                        let array = column.as_primitive::<Float64Type>();
                        let got = array.is_valid(r).then(|| array.value(r));
                        assert_eq!(got, cell.parse::<f64>().ok(), "{name}, row {n}");
                    }
                    DataType::Timestamp(_, tz) => {
                        assert_eq!(tz.as_deref(), Some("UTC"));
                        let array = column.as_primitive::<TimestampMillisecondType>();
                        let got = array.is_valid(r).then(|| array.value(r));
                        assert_eq!(got, cell.parse::<i64>().ok(), "{name}, row {n}");
                    }
                    DataType::Utf8 => {
                        let array = column.as_string::<i32>();
                        let got = if array.is_valid(r) {
                            array.value(r)
                        } else {
                            ""
                        };
                        assert_eq!(got, cell, "{name}, row {n}");
                    }
                    other => panic!("{name}: {other}"),
                }
            }
            n += 1;
        }
    }
    assert_eq!(n, csv_rows.len());
}
