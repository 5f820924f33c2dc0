//! The usage report read as typed rows while it arrives, from an axum server on 127.0.0.1
//! that sends the CSV in chunks as small as one byte, so every record crosses chunk borders.

use axum::body::Body;
use axum::http::header;
use axum::response::IntoResponse;
use bytes::Bytes;
use cphub_billing::{Client, UsageRow, UsageRowError};
use futures::{StreamExt, TryStreamExt};
use vmware_cpn_test_support::{ORG, Spec, csp_runtime};

/// Serves `chunks` as the usage report file, then, once `cut` fires (if given), an error that
/// cuts the body.
async fn serve(chunks: Vec<Vec<u8>>, cut: Option<tokio::sync::oneshot::Receiver<()>>) -> String {
    let cut = std::sync::Arc::new(std::sync::Mutex::new(cut));
    let app = axum::Router::new().route(
        "/cphub/api/billing/v1/orgs/{org}/usage-report/file",
        axum::routing::get(move || {
            let chunks = chunks.clone();
            let cut = cut.lock().unwrap().take();
            async move {
                let items = futures::stream::iter(chunks)
                    .map(|chunk| Ok(Bytes::from(chunk)))
                    .chain(futures::stream::iter(cut).then(|cut| async move {
                        let _ = cut.await;
                        Err(std::io::Error::other("cut"))
                    }));
                (
                    [
                        (header::CONTENT_TYPE, "text/csv"),
                        (
                            header::CONTENT_DISPOSITION,
                            "attachment; filename=\"usage-report-42.csv\"",
                        ),
                    ],
                    Body::from_stream(items),
                )
                    .into_response()
            }
        }),
    );
    vmware_cpn_test_support::serve(app).await
}

fn one_byte_chunks(text: &[u8]) -> Vec<Vec<u8>> {
    text.iter().map(|byte| vec![*byte]).collect()
}

async fn rows(base: &str) -> cphub_billing::UsageReport {
    Client::with_runtime(base, csp_runtime())
        .download_usage_report()
        .org_id(ORG)
        .rows()
        .await
        .unwrap()
}

#[test]
fn the_row_type_has_the_columns_of_the_spec_example_header() {
    let example = Spec::load("cphub-billing").response_media_example(
        "download_usage_report",
        "200",
        "text/csv",
    );
    let example = example.as_str().expect("a text example");
    let header: Vec<String> = csv::Reader::from_reader(example.as_bytes())
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, UsageRow::COLUMNS);
}

#[tokio::test]
async fn rows_are_typed_across_chunk_borders_with_unknown_columns_kept() {
    // Quoted commas, quotes and a line break inside a cell; "Tag" and most columns absent;
    // a column the spec does not list.
    let csv = "\"Org Id\",\"Sku Name\",\"Price ()\",\"Usage Qty\",\"Region Tier\"\r\n\
               \"t-1\",\"VMC, \"\"i3\"\" host\",\"12.5\",\"\",\"gold\"\r\n\
               \"t-2\",\"two\nlines\",\"x\",\"3\",\"\"\n";
    let base = serve(one_byte_chunks(csv.as_bytes()), None).await;
    let report = rows(&base).await;
    assert_eq!(report.file_name(), Some("usage-report-42.csv"));
    let rows: Vec<UsageRow> = report.try_collect().await.unwrap();

    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].org_id.as_deref(), Some("t-1"));
    assert_eq!(rows[0].sku_name.as_deref(), Some("VMC, \"i3\" host"));
    assert_eq!(rows[0].tag, None);
    assert_eq!(rows[0].usage_qty.as_deref(), Some(""));
    assert_eq!(rows[0].price_as::<f64>().unwrap().unwrap(), 12.5);
    assert!(rows[0].usage_qty_as::<f64>().is_none());
    assert!(rows[0].commit_qty_as::<f64>().is_none());
    assert_eq!(rows[0].extra("Region Tier"), Some("gold"));
    assert_eq!(rows[0].extra.len(), 1);
    assert_eq!(rows[1].sku_name.as_deref(), Some("two\nlines"));
    assert!(rows[1].price_as::<f64>().unwrap().is_err());
    assert_eq!(rows[1].usage_qty_as::<u32>().unwrap().unwrap(), 3);
}

#[tokio::test]
async fn bad_rows_are_errors_naming_their_line_and_the_report_goes_on() {
    let mut csv = b"\"Org Id\",\"Org Name\"\n\"a\",\"A\"\n\"b\"\n\"c\",\"".to_vec();
    csv.extend_from_slice(&[0xff, 0xfe]);
    csv.extend_from_slice(b"\"\n\"d\",\"D\"\n");
    let base = serve(vec![csv], None).await;
    let items: Vec<_> = rows(&base).await.collect().await;

    assert_eq!(items.len(), 4);
    assert_eq!(items[0].as_ref().unwrap().org_id.as_deref(), Some("a"));
    assert!(matches!(
        items[1],
        Err(UsageRowError::FieldCount {
            line: 3,
            expected: 2,
            found: 1
        })
    ));
    assert!(matches!(
        items[2],
        Err(UsageRowError::InvalidUtf8 { line: 4 })
    ));
    assert_eq!(
        items[2].as_ref().unwrap_err().to_string(),
        "usage report line 4: not UTF-8"
    );
    assert_eq!(items[3].as_ref().unwrap().org_name.as_deref(), Some("D"));
}

#[tokio::test]
async fn a_cut_body_is_the_last_item() {
    let (cut, when) = tokio::sync::oneshot::channel();
    let base = serve(vec![b"\"Org Id\"\n\"a\"\n".to_vec()], Some(when)).await;
    let mut report = rows(&base).await;
    let first = report.next().await.unwrap().unwrap();
    assert_eq!(first.org_id.as_deref(), Some("a"));
    cut.send(()).unwrap();
    let rest: Vec<_> = report.collect().await;

    assert_eq!(rest.len(), 1, "{rest:?}");
    assert!(matches!(rest[0], Err(UsageRowError::Body(_))));
}

#[tokio::test]
async fn an_empty_body_has_no_rows() {
    let base = serve(Vec::new(), None).await;
    let items: Vec<_> = rows(&base).await.collect().await;
    assert!(items.is_empty());
}
