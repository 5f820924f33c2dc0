//! Dates on the command line and in tables.
//!
//! Every date or time parameter (a [`Kind::Time`](crate::model::Kind::Time), found in the
//! specs by the time rule of `vmware_cpn_codegen::cli_model`) takes any of:
//! - RFC 3339: `2026-03-01T12:00:00Z`, `2026-03-01T12:00:00+01:00`;
//! - a day, `YYYY-MM-DD`: its start, midnight UTC;
//! - a month, `YYYY-MM`: its first day's start, UTC (billing periods are months);
//! - an epoch number: milliseconds when it has 12 digits or more (any time after
//!   1973-03-03 in milliseconds has at least 12), else seconds (a 12-digit number of seconds
//!   is past the year 5000).
//!
//! and is sent in the unit the operation expects ([`TimeUnit`]). Tables show the answer's
//! times as UTC `YYYY-MM-DD HH:MM:SSZ` ([`show`]).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::model::TimeUnit;

/// What a date parameter accepts, for help texts and errors.
pub const ACCEPTED: &str =
    "RFC 3339, YYYY-MM-DD, YYYY-MM (the month's start) or epoch seconds or milliseconds";

/// The time a user wrote, by the forms of this module.
pub fn parse(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let bad = || format!("`{text}` is not a date: give {ACCEPTED}");
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let number: i64 = text.parse().map_err(|_| bad())?;
        let time = if text.len() >= 12 {
            Utc.timestamp_millis_opt(number).single()
        } else {
            Utc.timestamp_opt(number, 0).single()
        };
        return time.ok_or_else(bad);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d"))
        .map_err(|_| bad())?;
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(bad)
}

/// A time as the API takes it, in `unit`.
pub fn wire(time: DateTime<Utc>, unit: TimeUnit) -> String {
    match unit {
        TimeUnit::EpochSeconds => time.timestamp().to_string(),
        TimeUnit::EpochMillis | TimeUnit::EpochGuess => time.timestamp_millis().to_string(),
        TimeUnit::Rfc3339 => time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        TimeUnit::HttpDate => time.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
    }
}

/// The value of a date flag as sent: `text` read by [`parse`], written in `unit`.
pub fn to_wire(text: &str, unit: TimeUnit) -> Result<String, String> {
    parse(text).map(|time| wire(time, unit))
}

/// The help text of a date flag.
pub fn help(unit: TimeUnit) -> String {
    let sent = match unit {
        TimeUnit::EpochSeconds => "epoch seconds",
        TimeUnit::EpochMillis | TimeUnit::EpochGuess => "epoch milliseconds",
        TimeUnit::Rfc3339 => "RFC 3339",
        TimeUnit::HttpDate => "an HTTP date",
    };
    format!(" [a date: {ACCEPTED}; sent as {sent}]")
}

/// An answer's time as a table shows it, UTC `YYYY-MM-DD HH:MM:SSZ`; `None` when the value
/// is no time of `unit` (then it shows as it is). An epoch `0` is "no time" in the specs
/// (`subscriptionEndTime`: "0 when open-ended") and shows as it is.
pub fn show(value: &serde_json::Value, unit: TimeUnit) -> Option<String> {
    let time = match value {
        serde_json::Value::Number(n) => {
            let n = n.as_i64().filter(|n| *n > 0)?;
            let millis = match unit {
                TimeUnit::EpochSeconds => n.checked_mul(1000)?,
                TimeUnit::EpochMillis => n,
                // By size: microseconds from 15 digits, milliseconds from 12, else seconds.
                _ if n >= 100_000_000_000_000 => n / 1000,
                _ if n >= 100_000_000_000 => n,
                _ => n.checked_mul(1000)?,
            };
            Utc.timestamp_millis_opt(millis).single()?
        }
        serde_json::Value::String(s) => match unit {
            TimeUnit::HttpDate => DateTime::parse_from_rfc2822(s).ok()?.with_timezone(&Utc),
            _ => DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc),
        },
        _ => return None,
    };
    Some(time.format("%Y-%m-%d %H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_read() {
        let march = "2026-03-01T00:00:00Z";
        for given in [
            march,
            "2026-03-01T01:00:00+01:00",
            "2026-03-01",
            "2026-03",
            "1772323200",
            "1772323200000",
        ] {
            assert_eq!(to_wire(given, TimeUnit::Rfc3339).unwrap(), march, "{given}");
        }
        assert_eq!(
            to_wire("2026-03", TimeUnit::EpochSeconds).unwrap(),
            "1772323200"
        );
        assert_eq!(
            to_wire("2026-03", TimeUnit::EpochMillis).unwrap(),
            "1772323200000"
        );
        assert_eq!(
            to_wire("2016-11-11T20:34:35Z", TimeUnit::HttpDate).unwrap(),
            "Fri, 11 Nov 2016 20:34:35 GMT"
        );
        assert!(to_wire("yesterday", TimeUnit::EpochSeconds).is_err());
        assert!(to_wire("2026-13", TimeUnit::EpochSeconds).is_err());
    }

    #[test]
    fn times_show_as_utc() {
        let v = serde_json::json!(1528386976000i64);
        assert_eq!(
            show(&v, TimeUnit::EpochMillis).unwrap(),
            "2018-06-07 15:56:16Z"
        );
        assert_eq!(
            show(&serde_json::json!(1528386976), TimeUnit::EpochGuess).unwrap(),
            "2018-06-07 15:56:16Z"
        );
        assert_eq!(show(&serde_json::json!(0), TimeUnit::EpochMillis), None);
        assert_eq!(
            show(
                &serde_json::json!("2018-06-07T17:56:16+02:00"),
                TimeUnit::Rfc3339
            )
            .unwrap(),
            "2018-06-07 15:56:16Z"
        );
    }
}
