//! The usage report's CSV as typed rows, parsed as the bytes arrive (`download_usage_report`
//! answers a raw file the spec can only call `format: binary`).
//!
//! The columns come from the spec (its description and its `text/csv` example header); the
//! sources show no row values, so every column is an optional `String` and the numeric ones
//! have parse helpers instead of invented types. A test holds [`UsageRow::COLUMNS`] to the
//! spec's example header.

use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use crate::Error;
use bytes::{Buf, Bytes};
use futures_core::Stream;

use crate::builder::DownloadUsageReport;
use crate::types::ErrorResponse;

/// Declares the row type from the spec's column list: its fields, its column names in the
/// report's order, and the slot each name fills, so the three cannot disagree.
macro_rules! usage_columns {
    ($($field:ident => $name:literal),* $(,)?) => {
        /// One row of the usage report (one SKU of one subscription of one organization).
        ///
        /// A column the report does not carry is `None`; an empty cell is `Some("")`.
        /// Columns this SDK does not know are kept in [`UsageRow::extra`].
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct UsageRow {
            $(
                #[doc = concat!("The `", $name, "` column.")]
                pub $field: Option<String>,
            )*
            /// The columns the spec does not list, as (header name, value), in report order.
            pub extra: Vec<(Arc<str>, String)>,
        }

        impl UsageRow {
            /// The report's columns as the spec names them, in the spec's order.
            pub const COLUMNS: &'static [&'static str] = &[$($name),*];

            /// The field of each [`UsageRow::COLUMNS`] entry, in the same order.
            fn slots(&mut self) -> [&mut Option<String>; UsageRow::COLUMNS.len()] {
                [$(&mut self.$field),*]
            }

            /// The cell of the column named `column` in the report's header: a column the
            /// spec lists or one it does not; `None` when the report has no such column.
            pub fn get(&self, column: &str) -> Option<&str> {
                let known: [&Option<String>; UsageRow::COLUMNS.len()] = [$(&self.$field),*];
                match UsageRow::COLUMNS.iter().position(|name| *name == column) {
                    Some(index) => known[index].as_deref(),
                    None => self.extra(column),
                }
            }
        }
    };
}

usage_columns! {
    org_id => "Org Id",
    org_name => "Org Name",
    org_status => "Org Status",
    tag => "Tag",
    service_id => "Service Id",
    service_name => "Service Name",
    subscription_id => "Subscription Id",
    sku_name => "Sku Name",
    sku_description => "Sku Description",
    datacenter => "Datacenter",
    billable_usage_timestamp => "Billable Usage Timestamp",
    price => "Price ()",
    usage_qty => "Usage Qty",
    commit_qty => "Commit Qty",
    billable_qty => "Billable Qty",
    product_family => "Product Family",
    customer_segment => "Customer Segment",
    cross_reference_sku => "Cross Reference Sku",
}

/// Parses a cell: `None` when the column is absent or the cell empty.
fn parse_cell<T: FromStr>(cell: &Option<String>) -> Option<Result<T, T::Err>> {
    cell.as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::parse)
}

impl UsageRow {
    /// `Price ()` parsed as `T` (such as `f64`, or a decimal type for money); `None` when
    /// absent or empty. The sources give no unit or format, so the type is the caller's.
    pub fn price_as<T: FromStr>(&self) -> Option<Result<T, T::Err>> {
        parse_cell(&self.price)
    }

    /// `Usage Qty` parsed as `T`; `None` when absent or empty.
    pub fn usage_qty_as<T: FromStr>(&self) -> Option<Result<T, T::Err>> {
        parse_cell(&self.usage_qty)
    }

    /// `Commit Qty` parsed as `T`; `None` when absent or empty.
    pub fn commit_qty_as<T: FromStr>(&self) -> Option<Result<T, T::Err>> {
        parse_cell(&self.commit_qty)
    }

    /// `Billable Qty` parsed as `T`; `None` when absent or empty.
    pub fn billable_qty_as<T: FromStr>(&self) -> Option<Result<T, T::Err>> {
        parse_cell(&self.billable_qty)
    }

    /// `Billable Usage Timestamp` parsed as `T` (the JSON report's timestamps are epoch
    /// milliseconds, so `i64` fits what the mock sends); `None` when absent or empty.
    pub fn billable_usage_timestamp_as<T: FromStr>(&self) -> Option<Result<T, T::Err>> {
        parse_cell(&self.billable_usage_timestamp)
    }

    /// The value of a column the spec does not list, by its header name.
    pub fn extra(&self, column: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(name, _)| &**name == column)
            .map(|(_, value)| value.as_str())
    }
}

/// Why a row, or the rest of the report, could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum UsageRowError {
    /// The row has another number of fields than the header; the report goes on.
    FieldCount {
        /// The 1-based line the row starts on.
        line: u64,
        /// The header's number of fields.
        expected: usize,
        /// The row's.
        found: usize,
    },
    /// The row is not UTF-8; the report goes on.
    InvalidUtf8 {
        /// The 1-based line the row starts on.
        line: u64,
    },
    /// The header line is not UTF-8: no row can be named, so the report ends.
    InvalidHeader,
    /// Reading the body failed (connection lost, timeout); the report ends.
    Body(Box<dyn std::error::Error + Send + Sync>),
}

impl std::fmt::Display for UsageRowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UsageRowError::FieldCount {
                line,
                expected,
                found,
            } => write!(
                f,
                "usage report line {line}: {found} fields where the header has {expected}"
            ),
            UsageRowError::InvalidUtf8 { line } => {
                write!(f, "usage report line {line}: not UTF-8")
            }
            UsageRowError::InvalidHeader => write!(f, "usage report header: not UTF-8"),
            UsageRowError::Body(error) => write!(f, "reading the usage report failed: {error}"),
        }
    }
}

impl std::error::Error for UsageRowError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            UsageRowError::Body(error) => Some(&**error),
            _ => None,
        }
    }
}

/// Where each header field goes.
enum Slot {
    Known(usize),
    Extra(Arc<str>),
}

/// What one call to [`Decoder::decode`] reached.
enum Step {
    /// The input is used up inside a record.
    NeedInput,
    /// A whole record is in the buffers.
    Record,
    /// The end of the report.
    End,
}

/// csv-core's incremental reader with growable buffers: a record may span any number of
/// chunks, and only the record being read is held.
struct Decoder {
    reader: csv_core::Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
    out_len: usize,
    ends_len: usize,
    /// The line the record being read starts on.
    record_line: u64,
    /// Line breaks read so far: CRLF, a lone CR and a lone LF each end a line. Counted here
    /// because csv-core counts only LF, and counts the LF of a CRLF only when it reads the
    /// next record (so a CRLF report's rows were named a line too early).
    lines: u64,
    /// Whether the last byte read was a CR (a LF after it ends no further line).
    after_cr: bool,
    /// Whether csv-core has read part of a record (an empty quoted field writes nothing, so
    /// the buffers cannot tell).
    in_record: bool,
    header: Option<Vec<Slot>>,
}

impl Decoder {
    fn new() -> Decoder {
        Decoder {
            reader: csv_core::Reader::new(),
            output: vec![0; 4096],
            ends: vec![0; 32],
            out_len: 0,
            ends_len: 0,
            record_line: 1,
            lines: 0,
            after_cr: false,
            in_record: false,
            header: None,
        }
    }

    /// Counts the line breaks in `bytes`, read in order after everything counted before.
    fn count_lines(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            match byte {
                b'\r' => self.lines += 1,
                b'\n' if !self.after_cr => self.lines += 1,
                _ => {}
            }
            self.after_cr = byte == b'\r';
        }
    }

    /// Feeds `input` (empty only at the end of the body); returns the bytes used.
    fn decode(&mut self, mut input: &[u8]) -> (usize, Step) {
        let total = input.len();
        loop {
            if !self.in_record {
                // Between records: the line breaks ending the last one (and blank lines,
                // which csv-core skips) are counted here, so the record starts on the next.
                let breaks = input
                    .iter()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count();
                self.count_lines(&input[..breaks]);
                input = &input[breaks..];
                if input.is_empty() && total > 0 {
                    return (total, Step::NeedInput);
                }
                self.record_line = self.lines + 1;
            }
            let (result, read, written, ended) = self.reader.read_record(
                input,
                &mut self.output[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            self.count_lines(&input[..read]);
            self.in_record |= read > 0;
            input = &input[read..];
            self.out_len += written;
            self.ends_len += ended;
            match result {
                csv_core::ReadRecordResult::InputEmpty => {
                    return (total - input.len(), Step::NeedInput);
                }
                csv_core::ReadRecordResult::OutputFull => {
                    let grown = self.output.len() * 2;
                    self.output.resize(grown, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    self.in_record = false;
                    return (total - input.len(), Step::Record);
                }
                csv_core::ReadRecordResult::End => return (total - input.len(), Step::End),
            }
        }
    }

    /// The record just read: the header (`None`, or an error if unreadable) or a row.
    fn take(&mut self) -> Option<Result<UsageRow, UsageRowError>> {
        let (out_len, ends_len) = (self.out_len, self.ends_len);
        self.out_len = 0;
        self.ends_len = 0;
        let line = self.record_line;
        let text = std::str::from_utf8(&self.output[..out_len]);
        let ends = &self.ends[..ends_len];
        let fields = || {
            let text = text.as_ref().ok()?;
            Some(ends.iter().scan(0, move |start, &end| {
                let field = &text[*start..end];
                *start = end;
                Some(field)
            }))
        };
        let Some(header) = &self.header else {
            let Some(names) = fields() else {
                return Some(Err(UsageRowError::InvalidHeader));
            };
            let mut taken = [false; UsageRow::COLUMNS.len()];
            let slots = names
                .map(
                    |name| match UsageRow::COLUMNS.iter().position(|c| *c == name) {
                        Some(index) if !taken[index] => {
                            taken[index] = true;
                            Slot::Known(index)
                        }
                        _ => Slot::Extra(name.into()),
                    },
                )
                .collect();
            self.header = Some(slots);
            return None;
        };
        if ends_len != header.len() {
            return Some(Err(UsageRowError::FieldCount {
                line,
                expected: header.len(),
                found: ends_len,
            }));
        }
        let Some(values) = fields() else {
            return Some(Err(UsageRowError::InvalidUtf8 { line }));
        };
        let mut row = UsageRow::default();
        let known = row.slots();
        let mut extra = Vec::new();
        for (slot, value) in header.iter().zip(values) {
            match slot {
                Slot::Known(index) => *known[*index] = Some(value.to_owned()),
                Slot::Extra(name) => extra.push((name.clone(), value.to_owned())),
            }
        }
        row.extra = extra;
        Some(Ok(row))
    }
}

/// The UTF-8 byte-order mark some spreadsheet tools write first.
const BOM: &[u8] = b"\xEF\xBB\xBF";

type BodyStream =
    Pin<Box<dyn Stream<Item = Result<Bytes, Box<dyn std::error::Error + Send + Sync>>> + Send>>;

/// A usage report read as typed rows while it downloads: a [`Stream`] of
/// `Result<UsageRow, UsageRowError>`. Only the chunk and the row being read are held, so a
/// report of any size takes the same memory.
///
/// A bad row is an error item naming its line and the report goes on; a failed body read
/// is the last item.
pub struct UsageReport {
    file_name: Option<String>,
    body: BodyStream,
    chunk: Bytes,
    decoder: Decoder,
    /// Whether the start of the body was checked for a byte-order mark (which may arrive
    /// split across chunks).
    bom_checked: bool,
    body_done: bool,
    done: bool,
}

impl std::fmt::Debug for UsageReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsageReport")
            .field("file_name", &self.file_name)
            .finish_non_exhaustive()
    }
}

impl UsageReport {
    /// Reads the CSV arriving on `body`, such as a report saved to a file earlier.
    pub fn from_stream<S, E>(file_name: Option<String>, body: S) -> UsageReport
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        use futures_util::TryStreamExt;
        UsageReport {
            file_name,
            body: Box::pin(body.map_err(Into::into)),
            chunk: Bytes::new(),
            decoder: Decoder::new(),
            bom_checked: false,
            body_done: false,
            done: false,
        }
    }

    /// The file name the server gave in `Content-Disposition`, if any.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }
}

impl Stream for UsageReport {
    type Item = Result<UsageRow, UsageRowError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            // The first bytes are gathered until a UTF-8 byte-order mark can be told, which a
            // header name must not keep however the chunks fall.
            let deciding_bom = !this.bom_checked && this.chunk.len() < BOM.len();
            // csv-core reads empty input as the end of the data: give it one only then.
            if (this.chunk.is_empty() || deciding_bom) && !this.body_done {
                match ready!(this.body.as_mut().poll_next(cx)) {
                    Some(Ok(chunk)) if this.chunk.is_empty() => this.chunk = chunk,
                    Some(Ok(chunk)) => {
                        let mut joined = Vec::with_capacity(this.chunk.len() + chunk.len());
                        joined.extend_from_slice(&this.chunk);
                        joined.extend_from_slice(&chunk);
                        this.chunk = Bytes::from(joined);
                    }
                    Some(Err(error)) => {
                        this.done = true;
                        return Poll::Ready(Some(Err(UsageRowError::Body(error))));
                    }
                    None => this.body_done = true,
                }
                continue;
            }
            if !this.bom_checked {
                this.bom_checked = true;
                if this.chunk.starts_with(BOM) {
                    this.chunk.advance(BOM.len());
                    continue;
                }
            }
            let (used, step) = this.decoder.decode(&this.chunk);
            this.chunk.advance(used);
            match step {
                Step::NeedInput => {}
                Step::Record => {
                    if let Some(item) = this.decoder.take() {
                        this.done = matches!(item, Err(UsageRowError::InvalidHeader));
                        return Poll::Ready(Some(item));
                    }
                }
                Step::End => this.done = true,
            }
        }
    }
}

/// The `filename` parameter of a `Content-Disposition` value (RFC 6266: a token or a quoted
/// string). Hand-written: it is a dozen lines, where a crate for it would be a dependency
/// for one header.
fn disposition_file_name(value: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("filename") {
            return None;
        }
        let value = value.trim();
        match value.strip_prefix('"') {
            Some(quoted) => {
                let mut name = String::new();
                let mut characters = quoted.chars();
                while let Some(c) = characters.next() {
                    match c {
                        '"' => return Some(name),
                        '\\' => name.extend(characters.next()),
                        c => name.push(c),
                    }
                }
                None
            }
            None => Some(value.to_owned()),
        }
    })
}

impl DownloadUsageReport<'_> {
    /// Sends the request and reads the answer as typed rows while it arrives; the file
    /// name comes from `Content-Disposition`. Fails as [`DownloadUsageReport::send`] does.
    pub async fn rows(self) -> Result<UsageReport, Error<ErrorResponse>> {
        let response = self.send().await?;
        let file_name = response
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|value| value.to_str().ok())
            .and_then(disposition_file_name);
        Ok(UsageReport::from_stream(
            file_name,
            response.into_inner().into_inner(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::disposition_file_name;

    #[test]
    fn the_file_name_is_read_quoted_or_bare() {
        let name = |value| disposition_file_name(value);
        assert_eq!(
            name("attachment; filename=\"usage \\\"1\\\".csv\"").as_deref(),
            Some("usage \"1\".csv")
        );
        assert_eq!(
            name("attachment; FileName=report.csv").as_deref(),
            Some("report.csv")
        );
        assert_eq!(name("attachment"), None);
        assert_eq!(name("attachment; filename=\"unterminated"), None);
    }
}
