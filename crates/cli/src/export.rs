//! `cpn usage export --all-tenants`: every tenant's usage report, read as typed rows while it
//! downloads ([`cphub_billing::UsageReport`]), written into one file with a `tenant` column:
//! CSV, JSON lines, or (with the `parquet` feature) Parquet with typed columns.
//!
//! Columns: `tenant` (the tenant's id), then [`UsageRow::COLUMNS`] in the report's order,
//! then `extra`: any column the report has beyond those, as a JSON object (empty when none),
//! so no cell of a report is dropped.
//!
//! - CSV and JSON lines hold every cell as the report's text (JSON lines: `null` for an empty
//!   cell).
//! - Parquet types the columns: strings for ids and names; `Float64` for `Price ()`,
//!   `Usage Qty`, `Commit Qty` and `Billable Qty`; `Timestamp(Millisecond, UTC)` for
//!   `Billable Usage Timestamp` (epoch milliseconds). An empty cell is null; a number or time
//!   that does not parse is null too and its text goes into `extra` under its column's name,
//!   so nothing is lost.
//!
//! Tenants are read `--concurrency` at a time, and each row is written as it arrives: memory
//! is the rows in flight (and, for Parquet, one row group) whatever the number of tenants.
//! Rows of tenants read at the same time interleave in the file. A tenant that fails is
//! named at the end with how many of its rows were written before it failed, and the exit
//! code is non-zero; the file holds the other tenants.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Months};
use clap::{Arg, ArgMatches, Command};
use cphub_billing::{UsageRow, UsageRowError};
use futures::StreamExt;
use futures::future::LocalBoxFuture;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value};

use crate::error::{CliError, from_client_error};
use crate::exec::{Call, Context};
use crate::handwritten::{HandWritten, Serves, org_id, org_id_arg};
use crate::model::ORG_PARAM;

/// `cpn usage export`.
pub struct UsageExport;

/// The header of every format: `tenant`, the report's columns, `extra`.
pub fn header() -> Vec<&'static str> {
    let mut header = vec!["tenant"];
    header.extend_from_slice(UsageRow::COLUMNS);
    header.push("extra");
    header
}

/// The file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Jsonl,
    Parquet,
}

impl HandWritten for UsageExport {
    fn serves(&self) -> Serves {
        Serves::Command {
            group: "usage",
            name: "export",
        }
    }

    fn command(&self, cmd: Command) -> Command {
        cmd.about("Every tenant's usage rows in one file: CSV, JSON lines or Parquet")
            .long_about(
                "Every tenant's usage report, streamed as typed rows into one file with a \
                 `tenant` column first, then the report's columns, then `extra` (any other \
                 column, as a JSON object): CSV, JSON lines, or Parquet with typed columns \
                 (prices and quantities as doubles, the billable usage timestamp as a UTC \
                 timestamp) for DuckDB, Spark or pandas. Failed tenants are listed at the end \
                 and the exit code is non-zero.\n\nExample: cpn usage export --all-tenants \
                 --month 2024-06 --format parquet --output usage-2024-06.parquet",
            )
            .arg(
                Arg::new("all-tenants")
                    .long("all-tenants")
                    .action(clap::ArgAction::SetTrue)
                    .required(true)
                    .help("Every tenant of the organization (the only mode for now)"),
            )
            .arg(org_id_arg())
            .arg(
                Arg::new("month")
                    .long("month")
                    .value_name("YYYY-MM")
                    .help("The month reported, UTC (default: the API's own period)"),
            )
            .arg(
                Arg::new("format")
                    .long("format")
                    .value_name("FORMAT")
                    .value_parser(["csv", "jsonl", "parquet"])
                    .default_value("csv")
                    .help("csv, jsonl (one JSON object a line) or parquet (the `parquet` feature)"),
            )
            .arg(
                Arg::new("output")
                    .long("output")
                    .value_name("FILE")
                    .required(true)
                    .help("The file written (under a temporary name until complete)"),
            )
            .arg(
                Arg::new("concurrency")
                    .long("concurrency")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u16).range(1..))
                    .default_value("4")
                    .help("Tenants read at a time"),
            )
    }

    fn run<'a>(
        &'a self,
        ctx: &'a Context,
        m: &'a ArgMatches,
    ) -> LocalBoxFuture<'a, Result<(), CliError>> {
        Box::pin(export(ctx, m))
    }
}

/// The month `YYYY-MM` as epoch milliseconds: its start and the next month's, UTC.
fn month_range(text: &str) -> Result<(i64, i64), CliError> {
    let start = crate::dates::parse(text).map_err(CliError::Usage)?;
    if start.day() != 1 || start.timestamp() % 86_400 != 0 {
        return Err(CliError::Usage(format!(
            "--month {text}: give a month, YYYY-MM"
        )));
    }
    let end = start
        .checked_add_months(Months::new(1))
        .ok_or_else(|| CliError::Usage(format!("--month {text}: out of range")))?;
    Ok((start.timestamp_millis(), end.timestamp_millis()))
}

async fn export(ctx: &Context, m: &ArgMatches) -> Result<(), CliError> {
    let format = match m.get_one::<String>("format").map(String::as_str) {
        Some("jsonl") => Format::Jsonl,
        Some("parquet") => Format::Parquet,
        _ => Format::Csv,
    };
    if format == Format::Parquet && !cfg!(feature = "parquet") {
        return Err(CliError::Usage(
            "--format parquet needs cpn built with the `parquet` feature: cargo install \
             vmware-cpn-cli --features parquet"
                .into(),
        ));
    }
    let range = m
        .get_one::<String>("month")
        .map(|text| month_range(text))
        .transpose()?;
    let output = PathBuf::from(m.get_one::<String>("output").cloned().unwrap_or_default());
    let concurrency = m.get_one::<u16>("concurrency").copied().unwrap_or(4) as usize;
    let org = org_id(ctx, m).ok_or_else(|| CliError::Usage("--org-id is required".into()))?;

    let target = cphub_billing::operations::DOWNLOAD_USAGE_REPORT;
    let target = crate::sdk::Target::from_operation(&target)
        .ok_or_else(|| CliError::Other("cpn's model lacks the usage report".into()))?;
    let (base, runtime) = ctx.endpoint(&target)?;
    let client = cphub_billing::Client::with_runtime(&base, runtime);

    let mut tenants_call = Call::default();
    tenants_call.path.insert(ORG_PARAM, org.clone());
    let tenants = crate::tenants::list_tenants(ctx, &tenants_call).await?;

    let part = part_name(&output)?;
    let file = std::fs::File::create(&part).map_err(|e| file_error(&part, e))?;
    let sink = RefCell::new(Sink::new(format, std::io::BufWriter::new(file))?);
    let mut remove_part = scopeguard(part.clone());

    // Drawn on stderr only when it is a terminal (indicatif's default), and never with -q.
    let bar = if ctx.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(tenants.len() as u64).with_message("exporting")
    };
    if !ctx.quiet {
        bar.set_style(
            ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} tenants, {prefix} rows")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    }
    let rows_total = std::cell::Cell::new(0u64);
    let results: Vec<(crate::tenants::Tenant, Outcome)> =
        vmware_cpn_runtime::fan_out(tenants, concurrency, |(id, _)| {
            let mut report = client
                .download_usage_report()
                .org_id(org.clone())
                .tenant_id(id.clone());
            if let Some((start, end)) = range {
                report = report.start_time(start).end_time(end);
            }
            let (sink, bar, rows_total) = (&sink, bar.clone(), &rows_total);
            let id = id.clone();
            async move {
                let mut written = 0u64;
                let result = async {
                    let mut rows = report.rows().await.map_err(from_client_error)?;
                    while let Some(row) = rows.next().await {
                        let row = row.map_err(row_error)?;
                        sink.borrow_mut().row(&id, &row)?;
                        written += 1;
                        rows_total.set(rows_total.get() + 1);
                        if rows_total.get() % 1024 == 0 {
                            bar.set_prefix(rows_total.get().to_string());
                        }
                    }
                    Ok(())
                }
                .await;
                bar.inc(1);
                (written, result)
            }
        })
        .collect()
        .await;
    bar.finish_and_clear();
    sink.into_inner().finish()?;
    std::fs::rename(&part, &output).map_err(|e| file_error(&output, e))?;
    remove_part.0 = None;

    let total = results.len();
    let mut failures: Vec<_> = results
        .into_iter()
        .filter_map(|((id, name), (written, result))| {
            result.err().map(|error| (id, name, written, error))
        })
        .collect();
    failures.sort_by(|a, b| a.0.cmp(&b.0));
    if !ctx.quiet {
        eprintln!(
            "wrote {} rows of {} tenants to {}",
            rows_total.get(),
            total - failures.len(),
            output.display()
        );
    }
    if failures.is_empty() {
        return Ok(());
    }
    for (id, name, written, error) in &failures {
        eprintln!("cpn: tenant {id} ({name}): {error} ({written} rows written before it failed)");
    }
    Err(CliError::Tenants {
        failed: failures.len(),
        total,
        code: failures[0].3.exit_code(),
    })
}

/// What became of one tenant: the rows written, and whether its report was read whole.
type Outcome = (u64, Result<(), CliError>);

fn row_error(error: UsageRowError) -> CliError {
    match error {
        UsageRowError::Body(e) => CliError::Network(e.to_string()),
        other => CliError::Other(other.to_string()),
    }
}

fn file_error(path: &Path, error: impl std::fmt::Display) -> CliError {
    CliError::Other(format!("{}: {error}", path.display()))
}

/// `.<name>.part` beside `path`.
fn part_name(path: &Path) -> Result<PathBuf, CliError> {
    let name = path
        .file_name()
        .ok_or_else(|| CliError::Usage(format!("{}: not a file name", path.display())))?;
    let mut part = std::ffi::OsString::from(".");
    part.push(name);
    part.push(".part");
    Ok(path.with_file_name(part))
}

/// Removes the temporary file on an early return.
struct RemoveOnDrop(Option<PathBuf>);

fn scopeguard(path: PathBuf) -> RemoveOnDrop {
    RemoveOnDrop(Some(path))
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

type Out = std::io::BufWriter<std::fs::File>;

/// The file being written, by its format.
enum Sink {
    Csv(Box<csv::Writer<Out>>),
    Jsonl(Out),
    #[cfg(feature = "parquet")]
    Parquet(Box<parquet_sink::ParquetSink>),
}

impl Sink {
    fn new(format: Format, out: Out) -> Result<Sink, CliError> {
        Ok(match format {
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(header()).map_err(csv_error)?;
                Sink::Csv(Box::new(writer))
            }
            Format::Jsonl => Sink::Jsonl(out),
            #[cfg(feature = "parquet")]
            Format::Parquet => Sink::Parquet(Box::new(parquet_sink::ParquetSink::new(out)?)),
            #[cfg(not(feature = "parquet"))]
            Format::Parquet => unreachable!("refused above without the feature"),
        })
    }

    fn row(&mut self, tenant: &str, row: &UsageRow) -> Result<(), CliError> {
        match self {
            Sink::Csv(writer) => {
                let mut record = Vec::with_capacity(UsageRow::COLUMNS.len() + 2);
                record.push(tenant);
                record.extend(UsageRow::COLUMNS.iter().map(|c| row.get(c).unwrap_or("")));
                let extra = extra_json(row.extra.iter().map(|(k, v)| (&**k, v.as_str())));
                record.push(&extra);
                writer.write_record(&record).map_err(csv_error)
            }
            Sink::Jsonl(out) => {
                // serde_json's map keeps insertion order only with `preserve_order`; written
                // by hand, the object keeps the header's order.
                out.write_all(b"{\"tenant\":")?;
                serde_json::to_writer(&mut *out, tenant).map_err(json_error)?;
                for column in UsageRow::COLUMNS {
                    out.write_all(b",")?;
                    serde_json::to_writer(&mut *out, column).map_err(json_error)?;
                    out.write_all(b":")?;
                    serde_json::to_writer(&mut *out, &row.get(column)).map_err(json_error)?;
                }
                let extra: Map<String, Value> = row
                    .extra
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
                    .collect();
                out.write_all(b",\"extra\":")?;
                serde_json::to_writer(&mut *out, &extra).map_err(json_error)?;
                out.write_all(b"}\n")?;
                Ok(())
            }
            #[cfg(feature = "parquet")]
            Sink::Parquet(sink) => sink.row(tenant, row),
        }
    }

    fn finish(self) -> Result<(), CliError> {
        match self {
            Sink::Csv(writer) => {
                let out = writer
                    .into_inner()
                    .map_err(|e| CliError::Other(e.to_string()))?;
                finish_file(out)
            }
            Sink::Jsonl(out) => finish_file(out),
            #[cfg(feature = "parquet")]
            Sink::Parquet(sink) => sink.finish(),
        }
    }
}

fn finish_file(out: Out) -> Result<(), CliError> {
    let file = out
        .into_inner()
        .map_err(|e| CliError::from(e.into_error()))?;
    file.sync_all()?;
    Ok(())
}

/// The extra cells as a JSON object's text; empty when there are none.
fn extra_json<'a>(cells: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let map: Map<String, Value> = cells
        .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
        .collect();
    if map.is_empty() {
        String::new()
    } else {
        Value::Object(map).to_string()
    }
}

fn csv_error(error: csv::Error) -> CliError {
    CliError::Other(format!("writing CSV: {error}"))
}

fn json_error(error: serde_json::Error) -> CliError {
    CliError::Other(format!("writing JSON: {error}"))
}

#[cfg(feature = "parquet")]
mod parquet_sink {
    //! Parquet through Arrow: rows are gathered into column builders and written as a row
    //! group every [`ROW_GROUP`] rows, so memory is one row group.

    use std::sync::Arc;

    use arrow_array::builder::{Float64Builder, StringBuilder, TimestampMillisecondBuilder};
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
    use cphub_billing::UsageRow;
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;

    use super::{CliError, Out, header};

    /// Rows per row group.
    pub const ROW_GROUP: usize = 64 * 1024;

    /// The typed columns: doubles and the timestamp; every other column is a string.
    const DOUBLES: &[&str] = &["Price ()", "Usage Qty", "Commit Qty", "Billable Qty"];
    const TIMESTAMP: &str = "Billable Usage Timestamp";

    enum Column {
        Text(StringBuilder),
        Double(Float64Builder),
        Time(TimestampMillisecondBuilder),
    }

    pub struct ParquetSink {
        schema: SchemaRef,
        columns: Vec<Column>,
        rows: usize,
        writer: ArrowWriter<Out>,
    }

    fn parquet_error(error: impl std::fmt::Display) -> CliError {
        CliError::Other(format!("writing Parquet: {error}"))
    }

    /// The schema of the export.
    pub fn schema() -> SchemaRef {
        let fields: Vec<Field> = header()
            .into_iter()
            .map(|name| {
                let kind = if DOUBLES.contains(&name) {
                    DataType::Float64
                } else if name == TIMESTAMP {
                    DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
                } else {
                    DataType::Utf8
                };
                // Only `tenant` is always there.
                Field::new(name, kind, name != "tenant")
            })
            .collect();
        Arc::new(Schema::new(fields))
    }

    fn builders(schema: &Schema) -> Vec<Column> {
        schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Float64 => Column::Double(Float64Builder::new()),
                DataType::Timestamp(_, _) => {
                    Column::Time(TimestampMillisecondBuilder::new().with_timezone("UTC"))
                }
                _ => Column::Text(StringBuilder::new()),
            })
            .collect()
    }

    impl ParquetSink {
        pub fn new(out: Out) -> Result<ParquetSink, CliError> {
            let schema = schema();
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_max_row_group_row_count(Some(ROW_GROUP))
                .build();
            let writer =
                ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(parquet_error)?;
            Ok(ParquetSink {
                columns: builders(&schema),
                schema,
                rows: 0,
                writer,
            })
        }

        pub fn row(&mut self, tenant: &str, row: &UsageRow) -> Result<(), CliError> {
            let mut extra: Vec<(&str, &str)> =
                row.extra.iter().map(|(k, v)| (&**k, v.as_str())).collect();
            for (i, column) in self.columns.iter_mut().enumerate() {
                let name = self.schema.field(i).name().as_str();
                let cell = match name {
                    "tenant" => Some(tenant),
                    "extra" => None,
                    // An empty cell is null in a typed column.
                    _ => row
                        .get(name)
                        .filter(|c| !c.is_empty() || matches!(column, Column::Text(_))),
                };
                match column {
                    Column::Text(b) if name == "extra" => {
                        let text = super::extra_json(extra.iter().copied());
                        if text.is_empty() {
                            b.append_null()
                        } else {
                            b.append_value(text)
                        }
                    }
                    Column::Text(b) => b.append_option(cell),
                    Column::Double(b) => match cell.map(|c| c.trim().parse::<f64>()) {
                        Some(Ok(v)) => b.append_value(v),
                        Some(Err(_)) => {
                            b.append_null();
                            extra.push((column_name(name), cell.unwrap_or("")));
                        }
                        None => b.append_null(),
                    },
                    Column::Time(b) => match cell.map(|c| c.trim().parse::<i64>()) {
                        Some(Ok(v)) => b.append_value(v),
                        Some(Err(_)) => {
                            b.append_null();
                            extra.push((column_name(name), cell.unwrap_or("")));
                        }
                        None => b.append_null(),
                    },
                }
            }
            self.rows += 1;
            if self.rows >= ROW_GROUP {
                self.flush()?;
            }
            Ok(())
        }

        fn flush(&mut self) -> Result<(), CliError> {
            if self.rows == 0 {
                return Ok(());
            }
            let arrays: Vec<ArrayRef> = self
                .columns
                .iter_mut()
                .map(|c| -> ArrayRef {
                    match c {
                        Column::Text(b) => Arc::new(b.finish()),
                        Column::Double(b) => Arc::new(b.finish()),
                        Column::Time(b) => Arc::new(b.finish()),
                    }
                })
                .collect();
            let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(parquet_error)?;
            self.writer.write(&batch).map_err(parquet_error)?;
            self.writer.flush().map_err(parquet_error)?;
            self.rows = 0;
            Ok(())
        }

        pub fn finish(mut self) -> Result<(), CliError> {
            self.flush()?;
            let out = self.writer.into_inner().map_err(parquet_error)?;
            super::finish_file(out)
        }
    }

    /// The column's name, 'static, for the `extra` object.
    fn column_name(name: &str) -> &'static str {
        UsageRow::COLUMNS
            .iter()
            .copied()
            .find(|c| *c == name)
            .unwrap_or("?")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows read from a report's CSV as `cphub_billing` reads a download.
    fn rows(csv: &'static str) -> Vec<UsageRow> {
        let body = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(csv))]);
        let report = cphub_billing::UsageReport::from_stream(None, body);
        futures::executor::block_on(report.map(|r| r.expect("a row")).collect())
    }

    fn report() -> &'static str {
        "\"Org Id\",\"Price ()\",\"Usage Qty\",\"Billable Usage Timestamp\",\"Region\"\n\
         \"o1\",\"0.25\",\"12\",\"1568180410978\",\"eu\"\n\
         \"o2\",\"n/a\",\"\",\"soon\",\"\"\n"
    }

    fn written(format: Format) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let file = std::fs::File::create(&path).unwrap();
        let mut sink = Sink::new(format, std::io::BufWriter::new(file)).unwrap();
        for row in rows(report()) {
            sink.row("t1", &row).unwrap();
        }
        sink.finish().unwrap();
        (dir, path)
    }

    #[test]
    fn months_are_whole_utc_months_in_milliseconds() {
        assert_eq!(
            month_range("2024-12").unwrap(),
            (1_733_011_200_000, 1_735_689_600_000)
        );
        assert!(month_range("2024-12-02").is_err());
        assert!(month_range("December").is_err());
    }

    #[test]
    fn csv_keeps_every_cell_and_the_other_columns_in_extra() {
        let (_dir, path) = written(Format::Csv);
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], header().join(","));
        assert!(lines[1].starts_with("t1,o1,"), "{}", lines[1]);
        assert!(
            lines[1].contains(",1568180410978,0.25,12,")
                && lines[1].ends_with(",\"{\"\"Region\"\":\"\"eu\"\"}\""),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn json_lines_are_objects_in_the_header_order() {
        let (_dir, path) = written(Format::Jsonl);
        let text = std::fs::read_to_string(path).unwrap();
        let first = text.lines().next().unwrap();
        assert!(
            first.starts_with("{\"tenant\":\"t1\",\"Org Id\":\"o1\","),
            "{first}"
        );
        let value: Value = serde_json::from_str(first).unwrap();
        assert_eq!(value["Price ()"], "0.25");
        assert_eq!(value["Tag"], Value::Null);
        assert_eq!(value["extra"]["Region"], "eu");
        assert_eq!(text.lines().count(), 2);
    }

    #[cfg(feature = "parquet")]
    #[test]
    fn parquet_types_numbers_and_times_and_keeps_what_does_not_parse() {
        use arrow_array::Array;
        use arrow_array::cast::AsArray;
        use arrow_array::types::{Float64Type, TimestampMillisecondType};
        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

        let (_dir, path) = written(Format::Parquet);
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap())
            .unwrap()
            .build()
            .unwrap();
        let batches: Vec<_> = reader.map(Result::unwrap).collect();
        assert_eq!(batches.len(), 1);
        let batch = &batches[0];
        assert_eq!(batch.num_rows(), 2);
        let column = |name: &str| batch.column_by_name(name).unwrap().clone();
        let price = column("Price ()");
        let price = price.as_primitive::<Float64Type>();
        assert_eq!(price.value(0), 0.25);
        assert!(price.is_null(1));
        let qty = column("Usage Qty");
        let qty = qty.as_primitive::<Float64Type>();
        assert_eq!(qty.value(0), 12.0);
        assert!(qty.is_null(1), "an empty cell is null");
        let time = column("Billable Usage Timestamp");
        let time = time.as_primitive::<TimestampMillisecondType>();
        assert_eq!(time.value(0), 1_568_180_410_978);
        assert!(time.is_null(1));
        let extra = column("extra");
        let extra = extra.as_string::<i32>();
        assert_eq!(extra.value(0), r#"{"Region":"eu"}"#);
        let kept: Value = serde_json::from_str(extra.value(1)).unwrap();
        assert_eq!(
            kept,
            serde_json::json!({"Region": "", "Price ()": "n/a", "Billable Usage Timestamp": "soon"})
        );
        let tenant = column("tenant");
        assert_eq!(tenant.as_string::<i32>().value(1), "t1");
    }
}
