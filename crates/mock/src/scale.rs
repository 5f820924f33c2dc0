//! A provider at scale: thousands of generated tenants (`Config::tenants`) and usage reports
//! of any number of rows (`Config::usage_report_rows`), streamed so the mock's memory does
//! not grow with the report.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use serde_json::{Value, json};

/// How many bytes of rows go in one chunk of a streamed report.
const CHUNK: usize = 64 * 1024;

/// `count` tenants made from `template` (the spec's organization example), with ids,
/// names and tags of their own so they can be told apart.
pub(crate) fn tenants(template: &Value, count: usize) -> Vec<Value> {
    (0..count)
        .map(|index| {
            let mut tenant = template.clone();
            tenant["id"] = json!(tenant_id(index));
            tenant["name"] = json!(format!("tenant{index:05}"));
            tenant["displayName"] = json!(format!("Tenant {index}"));
            tenant["companyName"] = json!(format!("Tenant {index} Inc."));
            tenant["childOrgIds"] = json!([]);
            tenant
        })
        .collect()
}

/// The id of generated tenant `index`: a version-4 UUID, recognizably generated.
pub fn tenant_id(index: usize) -> String {
    format!("00000000-0000-4000-8000-{index:012}")
}

/// `header` then `rows` lines taken in turn from `lines` (CSV records, each with its line
/// end), in chunks of about 64 KiB. Without `lines`, only the header.
pub(crate) fn repeated_rows(
    header: Bytes,
    lines: Vec<Bytes>,
    rows: u64,
) -> impl Stream<Item = Result<Bytes, std::convert::Infallible>> + Send {
    let total = if lines.is_empty() { 0 } else { rows };
    let lines: Arc<[Bytes]> = lines.into();
    let state = (Some(header), 0u64);
    futures_util::stream::unfold(state, move |(header, sent)| {
        let lines = lines.clone();
        async move {
            if let Some(header) = header {
                return Some((Ok(header), (None, sent)));
            }
            if sent >= total {
                return None;
            }
            let mut chunk = BytesMut::with_capacity(CHUNK + 1024);
            let mut sent = sent;
            while sent < total && chunk.len() < CHUNK {
                chunk.extend_from_slice(&lines[(sent % lines.len() as u64) as usize]);
                sent += 1;
            }
            Some((Ok(chunk.freeze()), (None, sent)))
        }
    })
}
