//! Every tenant's usage rows in one CSV file with a `tenant` column, from Rust: what
//! `cpn usage export --all-tenants --format csv` does.
//!
//! `cargo run -p cphub-billing --example usage_export [-- FILE [YYYY-MM]]` (FILE by default
//! `usage-export.csv` in the temporary directory) runs against the
//! embedded mock (`vmware-cpn-mock`, with a few generated tenants) unless `CPN_BASE_URL`,
//! `CPN_ORG_ID` and `CPN_REFRESH_TOKEN` name the real service. The tenants are listed with
//! `cphub-core`; each tenant's report is read as typed rows while it downloads
//! (`download_usage_report().rows()`), four tenants at a time, and every row is written as it
//! arrives, so memory does not grow with the number of tenants or rows. A tenant that fails
//! is named at the end and the example exits non-zero.

use chrono::{Months, NaiveDate};
use futures::StreamExt;
use vmware_cpn_runtime::{Auth, Runtime};

/// Tenants read at a time.
const CONCURRENCY: usize = 4;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    // The file named, else `usage-export.csv` in the system's temporary directory.
    let file = args.next().unwrap_or_else(|| {
        std::env::temp_dir()
            .join("usage-export.csv")
            .display()
            .to_string()
    });
    // A month as the report's epoch milliseconds: its start, and the next month's.
    let range = match args.next() {
        Some(month) => {
            let start = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")?;
            let end = start + Months::new(1);
            let ms = |d: NaiveDate| {
                d.and_hms_opt(0, 0, 0)
                    .map(|t| t.and_utc().timestamp_millis())
            };
            Some((ms(start).unwrap_or(0), ms(end).unwrap_or(0)))
        }
        None => None,
    };

    // The real service when configured, else the mock in this process.
    let mut _mock = None;
    let (base, org, token) = match (
        std::env::var("CPN_BASE_URL"),
        std::env::var("CPN_ORG_ID"),
        std::env::var("CPN_REFRESH_TOKEN"),
    ) {
        (Ok(base), Ok(org), Ok(token)) => (base, org, token),
        _ => {
            let config = vmware_cpn_mock::Config::default()
                .tenants(3)
                .usage_report_rows(25);
            let mock = vmware_cpn_mock::MockServer::start_with(config).await?;
            let found = (
                mock.base_url().to_owned(),
                mock.provider_org().to_owned(),
                mock.refresh_token().to_owned(),
            );
            _mock = Some(mock);
            found
        }
    };
    let runtime = Runtime::builder()
        .auth(Auth::csp_refresh_token(&base, token.as_str()))
        .build()?;
    let core = cphub_core::Client::with_runtime(&base, runtime.clone());
    let billing = cphub_billing::Client::with_runtime(&base, runtime);

    let tenants: Vec<String> = core
        .list_tenants()
        .org_id(&org)
        .send()
        .await?
        .into_inner()
        .into_iter()
        .filter_map(|tenant| tenant.id)
        .collect();

    let mut out = csv::Writer::from_path(&file)?;
    let mut header = vec!["tenant"];
    header.extend_from_slice(cphub_billing::UsageRow::COLUMNS);
    out.write_record(&header)?;
    let out = std::cell::RefCell::new(out);

    // Each tenant's rows go to the file as they arrive; a failure ends that tenant only.
    let results: Vec<(String, Result<u64, String>)> = futures::stream::iter(tenants)
        .map(|tenant| {
            let (billing, org, out) = (&billing, &org, &out);
            async move {
                let result = async {
                    let mut report = billing
                        .download_usage_report()
                        .org_id(org.as_str())
                        .tenant_id(tenant.as_str());
                    if let Some((start, end)) = range {
                        report = report.start_time(start).end_time(end);
                    }
                    let mut rows = report.rows().await.map_err(|e| e.to_string())?;
                    let mut written = 0;
                    while let Some(row) = rows.next().await {
                        let row = row.map_err(|e| e.to_string())?;
                        let mut record = vec![tenant.as_str()];
                        record.extend(
                            cphub_billing::UsageRow::COLUMNS
                                .iter()
                                .map(|c| row.get(c).unwrap_or("")),
                        );
                        out.borrow_mut()
                            .write_record(&record)
                            .map_err(|e| e.to_string())?;
                        written += 1;
                    }
                    Ok(written)
                }
                .await;
                (tenant, result)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    out.into_inner().flush()?;

    let rows: u64 = results.iter().filter_map(|(_, r)| r.as_ref().ok()).sum();
    println!("{rows} rows of {} tenants in {file}", results.len());
    let failed: Vec<_> = results.iter().filter(|(_, r)| r.is_err()).collect();
    for (tenant, error) in &failed {
        eprintln!(
            "tenant {tenant}: {}",
            error.as_ref().err().map_or("", |e| e.as_str())
        );
    }
    if !failed.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}
