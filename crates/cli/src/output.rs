//! Printing answers: JSON when piped, a table for lists on a terminal, or as asked
//! (`--output json|table|csv`, `--field PATH`). Secrets are redacted before anything prints.
//!
//! Columns: a table shows the operation's default columns (`Op::columns`, chosen from the
//! list item schema by the column rule of `vmware_cpn_codegen::cli_model`: identity, names,
//! status, type, then the schema's order, at most 8); an answer without them (no item schema,
//! `--all-tenants` results) gets the same rule applied to its items' scalar properties by
//! name. `--wide` shows every scalar property, `--columns a,b.c` these (dotted paths). CSV has
//! every scalar property unless `--columns` is given. Times (`SurfaceModel::times`) show in
//! tables as UTC `YYYY-MM-DD HH:MM:SSZ` ([`crate::dates::show`]); JSON and CSV keep the raw
//! values.

use std::io::{IsTerminal, Write};

use serde_json::Value;

use crate::dates;
use crate::error::CliError;
use crate::model::TimeUnit;

/// How answers are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON, pretty on a terminal.
    Json,
    /// A table (lists), or JSON (single objects).
    Table,
    /// CSV, a header row and one row per item.
    Csv,
}

/// The printing settings of one run.
#[derive(Debug, Clone)]
pub struct Printer {
    /// The format asked for, if any.
    pub format: Option<Format>,
    /// `--field`.
    pub field: Option<String>,
    /// Property names to redact.
    pub secrets: Vec<&'static str>,
    /// Properties that are times, and their unit: shown as dates in tables.
    pub times: Vec<(&'static str, TimeUnit)>,
    /// `--wide`: every column in tables.
    pub wide: bool,
    /// `--columns`: these columns, in tables and CSV.
    pub columns: Option<Vec<String>>,
    /// The operation's default table columns.
    pub default_columns: &'static [&'static str],
}

/// At most this many columns in a default table (the codegen's `MAX_COLUMNS`).
const MAX_COLUMNS: usize = 8;

/// Property names redacted whatever the spec says: credentials by any other name.
const ALWAYS_SECRET: &[&str] = &[
    "access_token",
    "accessToken",
    "refresh_token",
    "refreshToken",
    "id_token",
    "client_secret",
    "clientSecret",
    "password",
];

/// The redaction marker, as the SDK's `Secret` prints.
pub const REDACTED: &str = "[REDACTED]";

impl Printer {
    /// Replaces the value of every secret property, at any depth.
    pub fn redact(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    if ALWAYS_SECRET.contains(&key.as_str()) || self.secrets.contains(&key.as_str())
                    {
                        *item = Value::String(REDACTED.into());
                    } else {
                        self.redact(item);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.redact(i)),
            _ => {}
        }
    }

    /// Prints an answer to stdout.
    pub fn print(&self, mut value: Value) -> Result<(), CliError> {
        self.redact(&mut value);
        let mut out = std::io::stdout().lock();
        let text = self.render(&value, std::io::stdout().is_terminal())?;
        out.write_all(text.as_bytes())?;
        Ok(())
    }

    /// The text printed for `value` (already redacted).
    pub fn render(&self, value: &Value, terminal: bool) -> Result<String, CliError> {
        if let Some(path) = &self.field {
            let picked: Vec<String> = match list_items(value) {
                Some(items) => items
                    .iter()
                    .filter_map(|i| pick(i, path))
                    .map(plain)
                    .collect(),
                None => pick(value, path).map(plain).into_iter().collect(),
            };
            if picked.is_empty() {
                return Err(CliError::Usage(format!("the answer has no field `{path}`")));
            }
            return Ok(picked.join("\n") + "\n");
        }
        let format = self.format.unwrap_or(if terminal {
            Format::Table
        } else {
            Format::Json
        });
        Ok(match (format, list_items(value)) {
            (Format::Table, Some(items)) => self.table(items),
            (Format::Csv, Some(items)) => self.csv(items)?,
            (Format::Csv, None) => self.csv(std::slice::from_ref(value))?,
            (Format::Json, _) if !terminal => format!("{value}\n"),
            _ => format!(
                "{}\n",
                serde_json::to_string_pretty(value).unwrap_or_default()
            ),
        })
    }
}

/// The items of a list answer: an array, or an object whose one array of objects holds the
/// page (`{"supportTickets": […]}`, `{"results": […], "next": …}`); an empty array counts
/// only when it is the object's one property. An object with other fields (a tenant's
/// `childOrgIds`, a ticket's `fileReferences`) is one item, not a list.
pub fn list_items(value: &Value) -> Option<&[Value]> {
    match value {
        Value::Array(items) => Some(items),
        Value::Object(map) => {
            // Beside the page, only counters (`current`, `next`, `totalResultsCount`).
            let counters = map
                .values()
                .filter(|v| v.is_number() || v.is_null())
                .count();
            let mut arrays = map.values().filter_map(Value::as_array).filter(|items| {
                if items.is_empty() {
                    map.len() == 1
                } else {
                    items.iter().all(Value::is_object)
                }
            });
            let first = arrays.next()?;
            (arrays.next().is_none() && counters + 1 == map.len()).then_some(first.as_slice())
        }
        _ => None,
    }
}

/// A dotted path into a value: `id`, `orgRef.id`, `0.id`.
fn pick<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| match v {
        Value::Array(items) => items.get(key.parse::<usize>().ok()?),
        Value::Object(map) => map.get(key),
        _ => None,
    })
}

/// A value as a cell: strings without quotes, the rest as compact JSON.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The columns of a list: the scalar top-level properties, in first-seen order.
fn columns(items: &[Value]) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for item in items {
        if let Value::Object(map) = item {
            for (key, value) in map {
                if !matches!(value, Value::Object(_) | Value::Array(_)) && !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
    }
    columns
}

/// The default columns of a list without declared ones: the column rule, by name.
fn by_rule(all: Vec<String>) -> Vec<String> {
    let ends = |name: &str, suffix: &str| name.len() > suffix.len() && name.ends_with(suffix);
    let is_name = |name: &str| matches!(name, "name" | "displayName" | "title" | "subject");
    // A `…Name` is a name only when the item has none of the above (as the codegen's rule).
    let has_names = all.iter().any(|c| is_name(c));
    // The identity: `id`, else the first `…Id` (or `…_id`).
    let identity = all
        .iter()
        .find(|c| *c == "id")
        .or_else(|| all.iter().find(|c| ends(c, "Id") || ends(c, "_id")))
        .cloned();
    let rank = |name: &str| {
        if identity.as_deref() == Some(name) {
            0
        } else if is_name(name) {
            2
        } else if !has_names && ends(name, "Name") {
            3
        } else if name == "status" || ends(name, "Status") {
            4
        } else if matches!(name, "type" | "kind") || ends(name, "Type") || ends(name, "Kind") {
            5
        } else {
            6
        }
    };
    let mut ranked: Vec<(usize, String)> = all.into_iter().map(|c| (rank(&c), c)).collect();
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked
        .into_iter()
        .take(MAX_COLUMNS)
        .map(|(_, c)| c)
        .collect()
}

fn cells(item: &Value, columns: &[String], show: impl Fn(&str, &Value) -> String) -> Vec<String> {
    if columns.is_empty() {
        return vec![plain(item)];
    }
    columns
        .iter()
        .map(|c| pick(item, c).map(|v| show(c, v)).unwrap_or_default())
        .collect()
}

impl Printer {
    /// The columns of a table of `items`.
    fn table_columns(&self, items: &[Value]) -> Vec<String> {
        if let Some(columns) = &self.columns {
            return columns.clone();
        }
        let all = columns(items);
        if self.wide {
            return all;
        }
        let declared: Vec<String> = self
            .default_columns
            .iter()
            .filter(|c| all.iter().any(|a| a == *c))
            .map(|c| (*c).to_owned())
            .collect();
        if declared.is_empty() {
            by_rule(all)
        } else {
            declared
        }
    }

    /// A cell of a table: times as UTC dates.
    fn table_cell(&self, column: &str, value: &Value) -> String {
        let leaf = column.rsplit('.').next().unwrap_or(column);
        self.times
            .iter()
            .find(|(name, _)| *name == leaf)
            .and_then(|(_, unit)| dates::show(value, *unit))
            .unwrap_or_else(|| plain(value))
    }

    fn table(&self, items: &[Value]) -> String {
        let columns = self.table_columns(items);
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::NOTHING);
        if !columns.is_empty() {
            table.set_header(columns.clone());
        }
        for item in items {
            table.add_row(cells(item, &columns, |c, v| self.table_cell(c, v)));
        }
        format!("{table}\n")
    }

    /// CSV by the `csv` crate: a header row, then one row per item, fields quoted when
    /// needed; every column unless `--columns`, raw values.
    fn csv(&self, items: &[Value]) -> Result<String, CliError> {
        let columns = self.columns.clone().unwrap_or_else(|| columns(items));
        let mut out = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let failed = |e: csv::Error| CliError::Other(format!("CSV: {e}"));
        if !columns.is_empty() {
            out.write_record(&columns).map_err(failed)?;
        }
        for item in items {
            out.write_record(cells(item, &columns, |_, v| plain(v)))
                .map_err(failed)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| CliError::Other(format!("CSV: {e}")))?;
        String::from_utf8(bytes).map_err(|e| CliError::Other(format!("CSV: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn printer(format: Option<Format>, field: Option<&str>) -> Printer {
        Printer {
            format,
            field: field.map(str::to_owned),
            secrets: vec!["secretThing"],
            times: vec![("createTimestamp", TimeUnit::EpochMillis)],
            wide: false,
            columns: None,
            default_columns: &[],
        }
    }

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let mut value = json!({"a": [{"access_token": "t0k3n", "secretThing": "x", "ok": 1}]});
        printer(None, None).redact(&mut value);
        assert_eq!(
            value,
            json!({"a": [{"access_token": REDACTED, "secretThing": REDACTED, "ok": 1}]})
        );
    }

    #[test]
    fn json_when_piped_table_on_a_terminal() {
        let value = json!([{"id": "a", "name": "x"}, {"id": "b", "name": "y,z"}]);
        let p = printer(None, None);
        assert_eq!(p.render(&value, false).unwrap(), format!("{value}\n"));
        let table = p.render(&value, true).unwrap();
        assert!(table.contains("id") && table.contains("y,z"), "{table}");
        let csv = printer(Some(Format::Csv), None)
            .render(&value, false)
            .unwrap();
        assert_eq!(csv, "id,name\na,x\nb,\"y,z\"\n");
    }

    #[test]
    fn csv_quotes_quotes_and_line_breaks() {
        let value = json!([{"a": "say \"hi\"", "b": "one\ntwo", "c": 3}, {"a": "plain"}]);
        let csv = printer(Some(Format::Csv), None)
            .render(&value, false)
            .unwrap();
        assert_eq!(csv, "a,b,c\n\"say \"\"hi\"\"\",\"one\ntwo\",3\nplain,,\n");
    }

    #[test]
    fn a_wrapped_page_is_a_list_and_fields_are_picked() {
        let value = json!({"supportTickets": [{"id": 1}, {"id": 2}], "count": 2});
        let p = printer(None, Some("id"));
        assert_eq!(p.render(&value, false).unwrap(), "1\n2\n");
        let one = json!({"orgRef": {"id": "o"}});
        assert_eq!(
            printer(None, Some("orgRef.id")).render(&one, true).unwrap(),
            "o\n"
        );
        assert!(printer(None, Some("nope")).render(&one, true).is_err());
        let ticket = json!({"id": "t", "fileReferences": [{"fileName": "a"}]});
        assert_eq!(
            printer(None, Some("id")).render(&ticket, false).unwrap(),
            "t\n"
        );
        let page = json!({"results": [{"id": "s"}], "next": 2, "current": 1});
        assert_eq!(
            printer(None, Some("id")).render(&page, false).unwrap(),
            "s\n"
        );
        let tenant = json!({"id": "t", "childOrgIds": ["a"]});
        assert_eq!(
            printer(None, Some("id")).render(&tenant, false).unwrap(),
            "t\n"
        );
    }

    #[test]
    fn tables_show_default_wide_or_chosen_columns_and_times_as_dates() {
        let value = json!([{
            "companyName": "Acme", "createTimestamp": 1528386976000i64, "displayName": "A",
            "id": "t1", "orgRef": {"id": "o"}, "status": "ACTIVE",
        }]);
        let mut p = printer(Some(Format::Table), None);
        p.default_columns = &["id", "displayName", "createTimestamp"];
        let table = p.render(&value, false).unwrap();
        let head: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(head, ["id", "displayName", "createTimestamp"], "{table}");
        assert!(table.contains("2018-06-07 15:56:16Z"), "{table}");
        p.wide = true;
        let table = p.render(&value, false).unwrap();
        assert!(
            table.contains("companyName") && !table.contains("orgRef"),
            "{table}"
        );
        p.columns = Some(vec!["orgRef.id".into(), "id".into()]);
        let table = p.render(&value, false).unwrap();
        let head: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(head, ["orgRef.id", "id"], "{table}");
        // No declared columns: the rule by name; identity, names and status first.
        let table = printer(Some(Format::Table), None)
            .render(&value, false)
            .unwrap();
        let head: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(head[..3], ["id", "displayName", "status"], "{table}");
        // CSV: every column and the raw value.
        let csv = printer(Some(Format::Csv), None)
            .render(&value, false)
            .unwrap();
        assert!(csv.starts_with("companyName,createTimestamp,displayName,id,status\n"));
        assert!(csv.contains("1528386976000"), "{csv}");
    }
}
