//! The usage report's rows over generated reports (quoted commas, doubled quotes, CR and LF in
//! quoted cells, a byte-order mark, empty cells, columns the spec does not list, rows with too
//! few or too many fields, LF, CRLF or CR line endings), fed whole, split at every position,
//! and in 1-byte chunks: rows and errors are what the `csv` crate reads from the whole file,
//! and an error's line is where its row starts, counting CRLF, CR and LF as one line break
//! each (the `csv` crate counts LF only, and a CRLF's LF late, so lines are counted here).

use bytes::Bytes;
use cphub_billing::{UsageReport, UsageRow, UsageRowError};
use futures::StreamExt;
use proptest::prelude::*;

#[derive(Debug, Clone, Copy)]
enum Ending {
    Lf,
    CrLf,
    Cr,
}

#[derive(Debug, Clone)]
struct Report {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    ending: Ending,
    bom: bool,
}

/// A cell: anything a report may hold, quoting included.
fn cell() -> impl Strategy<Value = String> {
    "[a-z0-9 ,\"\r\né.]{0,6}"
}

fn report() -> impl Strategy<Value = Report> {
    let known = prop::sample::subsequence(UsageRow::COLUMNS.to_vec(), 1..5);
    let unknown = prop::collection::btree_set("[A-Z][a-z]{1,5}( [a-z]{1,3})?", 0..3);
    (known, unknown)
        .prop_flat_map(|(known, unknown)| {
            let header: Vec<String> = known
                .iter()
                .map(|c| c.to_string())
                .chain(unknown.into_iter().map(|u| format!("X {u}")))
                .collect();
            let width = header.len();
            let row = prop::collection::vec(cell(), width.saturating_sub(1).max(1)..=width + 1);
            (
                Just(header).prop_shuffle(),
                prop::collection::vec(row, 0..5),
                prop::sample::select(vec![Ending::Lf, Ending::CrLf, Ending::Cr]),
                any::<bool>(),
            )
        })
        .prop_map(|(header, rows, ending, bom)| Report {
            header,
            rows,
            ending,
            bom,
        })
}

impl Report {
    fn bytes(&self) -> Vec<u8> {
        let terminator = match self.ending {
            Ending::Lf => csv::Terminator::Any(b'\n'),
            Ending::CrLf => csv::Terminator::CRLF,
            Ending::Cr => csv::Terminator::Any(b'\r'),
        };
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .terminator(terminator)
            .from_writer(Vec::new());
        writer.write_record(&self.header).unwrap();
        for row in &self.rows {
            writer.write_record(row).unwrap();
        }
        let mut bytes = if self.bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        bytes.extend(writer.into_inner().unwrap());
        bytes
    }
}

/// One item of the report, comparable: a row as (column, cell) pairs in header order, or an
/// error's kind and line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Row(Vec<(String, Option<String>)>),
    FieldCount {
        line: u64,
        expected: usize,
        found: usize,
    },
}

/// The 1-based line of the byte at `at`: CRLF, CR and LF each end one line.
fn line_at(bytes: &[u8], at: usize) -> u64 {
    let mut lines = 1;
    let mut after_cr = false;
    for &byte in &bytes[..at] {
        match byte {
            b'\r' => lines += 1,
            b'\n' if !after_cr => lines += 1,
            _ => {}
        }
        after_cr = byte == b'\r';
    }
    lines
}

/// What the `csv` crate reads from the whole file, in the SDK's terms.
fn oracle(bytes: &[u8]) -> Vec<Item> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let at = reader.position().byte() as usize;
        if !reader.read_record(&mut record).unwrap() {
            break;
        }
        // The record starts after the line breaks its reader had not yet passed.
        let start = at
            + bytes[at..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        records.push((line_at(bytes, start), record.clone()));
    }
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return Vec::new();
    };
    let header: Vec<String> = header.iter().map(str::to_owned).collect();
    records
        .map(|(line, record)| {
            if record.len() != header.len() {
                Item::FieldCount {
                    line,
                    expected: header.len(),
                    found: record.len(),
                }
            } else {
                Item::Row(
                    header
                        .iter()
                        .cloned()
                        .zip(record.iter().map(|c| Some(c.to_owned())))
                        .collect(),
                )
            }
        })
        .collect()
}

/// What the SDK reads from `chunks`.
fn read(header: &[String], chunks: Vec<Vec<u8>>) -> Vec<Item> {
    let body = futures::stream::iter(
        chunks
            .into_iter()
            .map(|chunk| Ok::<_, std::io::Error>(Bytes::from(chunk))),
    );
    let items: Vec<_> =
        futures::executor::block_on(UsageReport::from_stream(None, body).collect::<Vec<_>>());
    items
        .into_iter()
        .map(|item| match item {
            Ok(row) => Item::Row(
                header
                    .iter()
                    .map(|name| (name.clone(), row.get(name).map(str::to_owned)))
                    .collect(),
            ),
            Err(UsageRowError::FieldCount {
                line,
                expected,
                found,
            }) => Item::FieldCount {
                line,
                expected,
                found,
            },
            Err(other) => panic!("unexpected error: {other}"),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_chunking_reads_what_the_whole_file_says(report in report()) {
        let bytes = report.bytes();
        let expected = oracle(&bytes);
        prop_assert_eq!(&read(&report.header, vec![bytes.clone()]), &expected, "whole");
        for at in 0..=bytes.len() {
            let chunks = vec![bytes[..at].to_vec(), bytes[at..].to_vec()];
            prop_assert_eq!(&read(&report.header, chunks), &expected, "split at {}", at);
        }
        let bytes_one_by_one = bytes.iter().map(|b| vec![*b]).collect();
        prop_assert_eq!(&read(&report.header, bytes_one_by_one), &expected, "1-byte chunks");
    }
}

/// The defects this property found, pinned: a CRLF report's bad row is named on its own
/// line, a CR report's too, and a BOM split across chunks is no part of the first column.
#[test]
fn crlf_and_cr_lines_and_a_split_bom() {
    for (ending, text) in [
        ("LF", "Org Id,Tag\n1,a\n2\n"),
        ("CRLF", "Org Id,Tag\r\n1,a\r\n2\r\n"),
        ("CR", "Org Id,Tag\r1,a\r2\r"),
    ] {
        let items = read(&["Org Id".into()], vec![text.as_bytes().to_vec()]);
        assert_eq!(
            items[1],
            Item::FieldCount {
                line: 3,
                expected: 2,
                found: 1
            },
            "{ending}"
        );
    }
    let bom = b"\xEF\xBB\xBFOrg Id,Tag\n1,a\n".to_vec();
    let chunks = vec![bom[..1].to_vec(), bom[1..2].to_vec(), bom[2..].to_vec()];
    let items = read(&["Org Id".into()], chunks);
    assert_eq!(
        items,
        vec![Item::Row(vec![("Org Id".into(), Some("1".into()))])]
    );
}
