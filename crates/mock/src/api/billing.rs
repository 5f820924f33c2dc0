//! cphub-billing: the usage report (JSON, and CSV from the same records) and subscriptions.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use cphub_billing::UsageRow;
use serde_json::Value;

use super::known_org;
use crate::api::handlers::cphub_billing::*;
use crate::call::{Call, Reply, ok};
use crate::{App, scale};

/// The filters both forms of the usage report take.
struct UsageFilter {
    tenant_id: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    service_ids: Option<Vec<String>>,
}

/// Both forms of the report take the same parameters (their types are the spec's, read and
/// checked before the handler runs; the flags the mock does not act on are left).
macro_rules! usage_filter_from {
    ($($params:ident),*) => {$(
        impl From<$params> for UsageFilter {
            fn from(params: $params) -> UsageFilter {
                UsageFilter {
                    tenant_id: params.tenant_id,
                    start_time: params.start_time,
                    end_time: params.end_time,
                    service_ids: params
                        .service_ids
                        .map(|ids| ids.split(',').map(|id| id.trim().to_owned()).collect()),
                }
            }
        }
    )*};
}

usage_filter_from!(GetUsageReportParams, DownloadUsageReportParams);

impl UsageFilter {
    /// The records of `org` (all of them for the provider, its own for a tenant) that match.
    fn apply(&self, org: &str, provider: bool, records: &[Value]) -> Vec<Value> {
        records
            .iter()
            .filter(|r| provider || r["orgId"] == org)
            .filter(|r| {
                self.tenant_id
                    .as_ref()
                    .is_none_or(|t| r["orgId"] == t.as_str())
            })
            .filter(|r| {
                let created = r["createTimestamp"].as_i64().unwrap_or(i64::MIN);
                let updated = r["updateTimestamp"].as_i64().unwrap_or(i64::MAX);
                self.end_time.is_none_or(|end| created <= end)
                    && self.start_time.is_none_or(|start| updated >= start)
            })
            .map(|r| {
                let mut record = r.clone();
                if let (Some(ids), Some(services)) =
                    (&self.service_ids, record["services"].as_array_mut())
                {
                    services.retain(|s| ids.iter().any(|id| s["serviceDefId"] == id.as_str()));
                }
                record
            })
            .collect()
    }
}

fn usage_records(
    app: &App,
    call: &Call,
    org: &str,
    filter: UsageFilter,
) -> Result<(String, Vec<Value>), Response> {
    let org = known_org(app, call, org)?;
    let store = app.store();
    let provider = org == app.config.provider_org;
    Ok((org.clone(), filter.apply(&org, provider, &store.usage)))
}

/// The `Org Status` and `Tag` columns come from the organization the record bills.
fn org_columns(app: &App, records: &[Value]) -> Vec<(String, String)> {
    let store = app.store();
    records
        .iter()
        .map(|record| {
            let org = record["orgId"].as_str().and_then(|id| store.org(id));
            let field = |name: &str| {
                org.and_then(|o| o[name].as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            (field("status"), field("tag"))
        })
        .collect()
}

/// The header line, and one line per SKU of each subscription of each service of each
/// record (one for a subscription without SKUs), each with its line end.
fn usage_csv(
    records: &[Value],
    orgs: &[(String, String)],
) -> Result<(Bytes, Vec<Bytes>), csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    // The columns of the SDK's row type, which a test holds to the spec's example header.
    writer.write_record(UsageRow::COLUMNS)?;
    writer.flush()?;
    let mut ends = vec![writer.get_ref().len()];
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    for (record, (org_status, tag)) in records.iter().zip(orgs) {
        for service in record["services"].as_array().into_iter().flatten() {
            for subscription in service["subscriptions"].as_array().into_iter().flatten() {
                let skus = subscription["skuData"]["skus"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                // A subscription with no SKU usage yet still has its row.
                let skus = if skus.is_empty() {
                    vec![Value::Null]
                } else {
                    skus
                };
                for sku in &skus {
                    writer.write_record([
                        text(&record["orgId"]),
                        text(&record["orgName"]),
                        org_status.clone(),
                        tag.clone(),
                        text(&service["serviceDefId"]),
                        text(&service["serviceName"]),
                        text(&subscription["sid"]),
                        text(&sku["offerInfo"]["offerName"]),
                        text(&sku["skuDescription"]),
                        text(&sku["regionCode"]),
                        text(&record["updateTimestamp"]),
                        text(&sku["unitPrice"]),
                        text(&sku["totalUsageQuantity"]),
                        text(&sku["totalCommitQuantity"]),
                        text(&sku["totalBillableUsageQuantity"]),
                        text(&sku["productFamily"]),
                        text(&sku["customerSegment"]),
                        text(&sku["crossReferenceSku"]),
                    ])?;
                    writer.flush()?;
                    ends.push(writer.get_ref().len());
                }
            }
        }
    }
    let bytes = Bytes::from(writer.into_inner().map_err(|e| e.into_error())?);
    let lines = ends
        .windows(2)
        .map(|pair| bytes.slice(pair[0]..pair[1]))
        .collect();
    Ok((bytes.slice(..ends[0]), lines))
}

impl Handlers for App {
    async fn get_usage_report(&self, call: &Call, params: GetUsageReportParams) -> Reply {
        let org = params.org_id.clone();
        ok(usage_records(self, call, &org, params.into())?.1)
    }

    async fn download_usage_report(&self, call: &Call, params: DownloadUsageReportParams) -> Reply {
        let app = self;
        let subject = params.tenant_id.clone();
        let (org, records) = usage_records(app, call, &params.org_id.clone(), params.into())?;
        let (header, lines) = usage_csv(&records, &org_columns(app, &records)).map_err(|e| {
            call.error(axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        })?;
        let subject = subject.as_deref().unwrap_or(&org);
        let disposition = format!("attachment; filename=\"usage-report-{subject}.csv\"");
        let body = match app.config.usage_report_rows {
            Some(rows) => Body::from_stream(scale::repeated_rows(header, lines, rows)),
            None => Body::from(
                [header]
                    .into_iter()
                    .chain(lines)
                    .collect::<Vec<_>>()
                    .concat(),
            ),
        };
        let mut response = body.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv"));
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        Ok(response)
    }

    async fn list_subscriptions(&self, call: &Call, params: ListSubscriptionsParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        // The spec (and the 2019 guide) default allTenants to false.
        let all_tenants = params.all_tenants.unwrap_or(false);
        let tenant = params.tenant_id.as_deref();
        let store = app.store();
        let provider = org == app.config.provider_org;
        let records: Vec<&Value> = store
            .subscriptions
            .iter()
            .filter(|r| (provider && all_tenants) || r["orgId"] == org.as_str() || tenant.is_some())
            .filter(|r| tenant.is_none_or(|t| r["orgId"] == t))
            .collect();
        ok(records)
    }
}
