//! cphub-support: tickets, their paging and filters, updates, and attachments.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use cphub_support::types::{SupportRequestCreate, SupportRequestUpdate};
use futures_util::Stream;
use serde_json::{Value, json};

use super::known_org;
use crate::App;
use crate::api::handlers::cphub_support::*;
use crate::call::{Call, Reply, ok};

/// The index of the ticket `id` (the call's `supportRequestId`) of `org` or a tenant of it,
/// or `404`.
fn ticket_index(app: &App, call: &Call, org: &str, id: &str) -> Result<usize, Response> {
    let store = app.store();
    store
        .tickets
        .iter()
        .position(|t| t["id"] == id && t["orgId"].as_str().is_some_and(|o| store.within(o, org)))
        .ok_or_else(|| call.not_found(format_args!("support request {id}")))
}

fn files_of(ticket: &mut Value) -> &mut Vec<Value> {
    if !ticket["fileReferences"].is_array() {
        ticket["fileReferences"] = json!([]);
    }
    ticket["fileReferences"]
        .as_array_mut()
        .expect("set to an array just above")
}

/// An attachment as the multipart upload carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Upload {
    /// The text of the `fileDetail` part, when sent.
    pub(crate) detail: Option<String>,
    /// The file name of the `uploadedInputStream` part, when it gives one.
    pub(crate) file_name: Option<String>,
    /// The content of the `uploadedInputStream` part.
    pub(crate) content: Bytes,
}

impl Upload {
    /// The name the ticket files it under: `fileDetail`, else the part's file name.
    pub(crate) fn name(&self) -> String {
        self.detail
            .clone()
            .filter(|d| !d.is_empty())
            .or_else(|| self.file_name.clone())
            .unwrap_or_else(|| "attachment".to_owned())
    }
}

/// Reads a `multipart/form-data` upload from its body's chunks, however they are split: the
/// part `uploadedInputStream` is required, `fileDetail` names it, other parts are skipped (a
/// part sent twice counts as its last). The error says what is malformed.
pub(crate) async fn read_upload<S, E>(stream: S, boundary: String) -> Result<Upload, String>
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    let malformed = |e: multer::Error| format!("the multipart body is malformed: {e}");
    let mut multipart = multer::Multipart::new(stream, boundary);
    let (mut detail, mut file) = (None, None);
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().map(str::to_owned);
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(malformed)?;
        match name.as_deref() {
            Some("fileDetail") => detail = Some(String::from_utf8_lossy(&bytes).into_owned()),
            Some("uploadedInputStream") => file = Some((file_name, bytes)),
            _ => {}
        }
    }
    let (file_name, content) = file.ok_or("the part uploadedInputStream is required")?;
    Ok(Upload {
        detail,
        file_name,
        content,
    })
}

impl Handlers for App {
    async fn create_support_request(
        &self,
        call: &Call,
        params: CreateSupportRequestParams,
    ) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let request: SupportRequestCreate = call.json()?;
        let mut store = app.store();
        // A ticket may be opened for a tenant of the organization (`orgId` in the body).
        let owner = request
            .org_id
            .clone()
            .filter(|o| !o.is_empty())
            .unwrap_or(org.clone());
        if !store.within(&owner, &org) {
            return Err(call.bad_request(format!("{owner} is not {org} nor one of its tenants")));
        }
        let id = store.next_ticket;
        store.next_ticket += 1;
        let mut ticket = serde_json::to_value(&request).unwrap_or_default();
        if let Some(fields) = ticket.as_object_mut() {
            // What the create body carries only for the request, not the ticket.
            for key in [
                "userAgreedToEula",
                "phoneNumber",
                "preferredContactMethod",
                "timeZone",
            ] {
                fields.remove(key);
            }
            fields.insert("id".into(), json!(id.to_string()));
            fields.insert("caseId".into(), json!((id % 10_000_000_000).to_string()));
            fields.insert("status".into(), json!("Open"));
            fields.insert("subStatus".into(), json!("New"));
            fields.insert("orgId".into(), json!(owner));
        }
        store.tickets.push(ticket);
        Ok(StatusCode::CREATED.into_response())
    }

    async fn list_support_requests(&self, call: &Call, params: ListSupportRequestsParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let include_tenants = params.include_tenant_orgs.unwrap_or(false);
        // `pageStart` is the 1-based index of the first record (the spec's `x-paging`).
        let (start, limit) = params.page();
        if start < 1 || limit < 1 {
            return Err(call.bad_request("pageStart and pageLimit start at 1"));
        }
        let matches = |ticket: &Value, field: &str, query: &str| {
            call.query(query).is_none_or(|wanted| {
                ticket[field]
                    .as_str()
                    .is_some_and(|v| v.eq_ignore_ascii_case(wanted))
            })
        };
        let subject = params.subject.as_deref().map(str::to_lowercase);
        let store = app.store();
        let page: Vec<&Value> = store
            .tickets
            .iter()
            .filter(|t| {
                let owner = t["orgId"].as_str().unwrap_or_default();
                owner == org || (include_tenants && store.within(owner, &org))
            })
            .filter(|t| matches(t, "category", "category"))
            .filter(|t| matches(t, "severity", "severity"))
            .filter(|t| matches(t, "status", "status"))
            .filter(|t| matches(t, "internalTicketId", "internalTicketId"))
            .filter(|t| {
                subject.as_ref().is_none_or(|s| {
                    t["title"]
                        .as_str()
                        .is_some_and(|title| title.to_lowercase().contains(s))
                })
            })
            .skip(start as usize - 1)
            .take(limit as usize)
            .collect();
        // The live form, as VMware's PowerCLI module reads it (`.supportTickets`).
        ok(serde_json::json!({ "supportTickets": page }))
    }

    /// The metadata has no documented shape; the mock answers what a ticket form needs, drawn
    /// from the tickets it holds.
    async fn get_support_metadata(&self, call: &Call, params: GetSupportMetadataParams) -> Reply {
        let app = self;
        known_org(app, call, &params.org_id)?;
        let store = app.store();
        let distinct = |field: &str| {
            let mut values: Vec<&str> = store
                .tickets
                .iter()
                .filter_map(|t| t[field].as_str())
                .collect();
            values.sort_unstable();
            values.dedup();
            json!(values)
        };
        ok(json!({
            "severities": distinct("severity"),
            "categories": distinct("category"),
            "tenantId": params.tenant_id.as_deref(),
        }))
    }

    async fn get_support_request(&self, call: &Call, params: GetSupportRequestParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let index = ticket_index(app, call, &org, &params.support_request_id)?;
        ok(&app.store().tickets[index])
    }

    async fn update_support_request(
        &self,
        call: &Call,
        params: UpdateSupportRequestParams,
    ) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        let request: SupportRequestUpdate = call.json()?;
        let index = ticket_index(app, call, &org, &params.support_request_id)?;
        let mut store = app.store();
        let ticket = &mut store.tickets[index];
        for (field, value) in [
            ("closeReason", &request.close_reason),
            ("additionalDetails", &request.additional_details),
            ("customerNumber", &request.customer_number),
        ] {
            if let Some(value) = value {
                ticket[field] = json!(value);
            }
        }
        match request.support_ticket_action.as_deref() {
            Some("CLOSE") => ticket["status"] = json!("Closed"),
            Some("REOPEN") => ticket["status"] = json!("Open"),
            _ => {}
        }
        for reference in &request.file_references {
            let reference = serde_json::to_value(reference).unwrap_or_default();
            let removing = reference["action"] == "REMOVE";
            let files = files_of(ticket);
            files.retain(|f| f["fileId"] != reference["fileId"] || reference["fileId"].is_null());
            if !removing {
                files.push(reference);
            }
        }
        ok(ticket.clone())
    }

    async fn list_close_reasons(&self, call: &Call, params: ListCloseReasonsParams) -> Reply {
        let app = self;
        known_org(app, call, &params.org_id)?;
        ok(&app.store().close_reasons)
    }

    /// The multipart upload: the file part `uploadedInputStream` is required, `fileDetail`
    /// names it. The ticket gains a file reference.
    async fn upload_attachment(&self, call: &Call, params: UploadAttachmentParams) -> Reply {
        let app = self;
        let org = known_org(app, call, &params.org_id)?;
        ticket_index(app, call, &org, &params.support_request_id)?;
        let boundary = multer::parse_boundary(call.content_type()).map_err(|e| {
            call.error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("expected multipart/form-data: {e}"),
            )
        })?;
        // The body is whole by now; the reader takes it as a stream all the same, so it reads
        // an upload however its bytes are split (the tests split it every way).
        let body = call.body.clone();
        let stream =
            futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
        let upload = read_upload(stream, boundary)
            .await
            .map_err(|e| call.bad_request(e))?;
        let size = upload.content.len();
        let name = upload.name();
        let index = ticket_index(app, call, &org, &params.support_request_id)?;
        let mut store = app.store();
        files_of(&mut store.tickets[index]).push(json!({
            "fileName": name,
            "fileId": uuid::Uuid::new_v4().to_string(),
            "action": "ADD",
        }));
        tracing::debug!(%name, size, "attachment stored");
        Ok(StatusCode::OK.into_response())
    }
}

#[cfg(test)]
mod tests {
    //! The upload reader over generated multipart bodies (file names, part order, binary
    //! content with line ends and boundary-like bytes, extra parts), fed whole, split at
    //! every point, and one byte at a time: each gives the same upload.

    use std::convert::Infallible;

    use proptest::prelude::*;

    use super::*;

    const BOUNDARY: &str = "Mock-Boundary-7MA4YWxk";

    #[derive(Debug, Clone)]
    enum Part {
        Detail(String),
        File {
            file_name: Option<String>,
            content: Vec<u8>,
            content_type: bool,
        },
        Extra {
            name: &'static str,
            file_name: Option<String>,
            content: Vec<u8>,
        },
    }

    #[derive(Debug, Clone)]
    struct Body {
        preamble: bool,
        parts: Vec<Part>,
    }

    impl Body {
        fn render(&self) -> Vec<u8> {
            let mut out = Vec::new();
            if self.preamble {
                out.extend_from_slice(b"This is a multipart message.\r\n");
            }
            for part in &self.parts {
                let (name, file_name, content_type, content) = match part {
                    Part::Detail(text) => ("fileDetail", None, false, text.as_bytes()),
                    Part::File {
                        file_name,
                        content,
                        content_type,
                    } => (
                        "uploadedInputStream",
                        file_name.as_deref(),
                        *content_type,
                        &content[..],
                    ),
                    Part::Extra {
                        name,
                        file_name,
                        content,
                    } => (*name, file_name.as_deref(), false, &content[..]),
                };
                out.extend_from_slice(
                    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"")
                        .as_bytes(),
                );
                if let Some(file_name) = file_name {
                    out.extend_from_slice(format!("; filename=\"{file_name}\"").as_bytes());
                }
                if content_type {
                    out.extend_from_slice(b"\r\nContent-Type: application/octet-stream");
                }
                out.extend_from_slice(b"\r\n\r\n");
                out.extend_from_slice(content);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
            out
        }

        /// What the reader should make of the body.
        fn upload(&self) -> Upload {
            let mut upload = Upload {
                detail: None,
                file_name: None,
                content: Bytes::new(),
            };
            for part in &self.parts {
                match part {
                    Part::Detail(text) => upload.detail = Some(text.clone()),
                    Part::File {
                        file_name, content, ..
                    } => {
                        upload.file_name = file_name.clone();
                        upload.content = Bytes::from(content.clone());
                    }
                    Part::Extra { .. } => {}
                }
            }
            upload
        }
    }

    /// Whether `bytes`, between the line ends that frame a part's content, holds a delimiter.
    fn holds_delimiter(bytes: &[u8]) -> bool {
        let framed = [b"\r\n", bytes, b"\r\n"].concat();
        let delimiter = format!("\r\n--{BOUNDARY}");
        framed
            .windows(delimiter.len())
            .any(|w| w == delimiter.as_bytes())
    }

    /// Binary content, with line ends and near-delimiters, but no delimiter.
    fn content() -> impl Strategy<Value = Vec<u8>> {
        let near = vec![
            b"\r\n".to_vec(),
            b"\r\n\r\n".to_vec(),
            b"\r\n--".to_vec(),
            format!("\r\n--{}", &BOUNDARY[..BOUNDARY.len() - 1]).into_bytes(),
            format!("\r\n--{}X", &BOUNDARY[..BOUNDARY.len() - 1]).into_bytes(),
            format!("x--{BOUNDARY}--").into_bytes(),
            format!("\r--{BOUNDARY}").into_bytes(),
            format!("\n--{BOUNDARY}").into_bytes(),
            b"--".to_vec(),
        ];
        prop::collection::vec(
            prop_oneof![
                prop::collection::vec(any::<u8>(), 0..12),
                prop::sample::select(near),
            ],
            0..8,
        )
        .prop_map(|pieces| pieces.concat())
        .prop_filter("no delimiter in a part", |c| !holds_delimiter(c))
    }

    fn file_name() -> impl Strategy<Value = String> {
        "[A-Za-z0-9 ._()é-]{0,12}[A-Za-z0-9]"
    }

    fn part_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[A-Za-z0-9 ._é中-]{0,16}",
            "[a-z]{1,4}\r\n[a-z]{0,4}",
            Just(format!("-{BOUNDARY}")),
        ]
        .prop_filter("no delimiter in a part", |t| !holds_delimiter(t.as_bytes()))
    }

    fn body() -> impl Strategy<Value = Body> {
        let file = (prop::option::of(file_name()), content(), any::<bool>()).prop_map(
            |(file_name, content, content_type)| Part::File {
                file_name,
                content,
                content_type,
            },
        );
        let extra = (
            prop::sample::select(vec!["note", "fileDetails", "uploadedInputStream2", "x"]),
            prop::option::of(file_name()),
            content(),
        )
            .prop_map(|(name, file_name, content)| Part::Extra {
                name,
                file_name,
                content,
            });
        (
            any::<bool>(),
            prop::collection::vec(part_text().prop_map(Part::Detail), 0..2),
            file,
            prop::collection::vec(extra, 0..3),
        )
            .prop_flat_map(|(preamble, details, file, extras)| {
                let mut parts = details;
                parts.push(file);
                parts.extend(extras);
                (Just(preamble), Just(parts).prop_shuffle())
            })
            .prop_map(|(preamble, parts)| Body { preamble, parts })
    }

    /// The body damaged: cut, a byte dropped, inserted or flipped.
    fn damage(mut body: Vec<u8>, at: prop::sample::Index, kind: u8, byte: u8) -> Vec<u8> {
        let at = at.index(body.len() + 1);
        match kind % 4 {
            0 => body.truncate(at),
            1 if at < body.len() => {
                body.remove(at);
            }
            2 => body.insert(at, byte),
            _ if at < body.len() => body[at] ^= byte | 1,
            _ => {}
        }
        body
    }

    /// Reads `chunks` as one body.
    fn read(runtime: &tokio::runtime::Runtime, chunks: Vec<&[u8]>) -> Result<Upload, String> {
        let chunks: Vec<Result<Bytes, Infallible>> = chunks
            .into_iter()
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        runtime.block_on(read_upload(
            futures_util::stream::iter(chunks),
            BOUNDARY.to_owned(),
        ))
    }

    /// Every way of splitting `body` in two, and in one-byte chunks: the same as whole.
    fn assert_same_however_split(body: &[u8]) -> Result<Result<Upload, String>, TestCaseError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let whole = read(&runtime, vec![body]);
        for at in 0..=body.len() {
            let split = read(&runtime, vec![&body[..at], &body[at..]]);
            prop_assert_eq!(&split, &whole, "split at {}", at);
        }
        let bytes = read(&runtime, body.chunks(1).collect());
        prop_assert_eq!(&bytes, &whole, "in one-byte chunks");
        Ok(whole)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn an_upload_reads_the_same_however_its_body_is_split(body in body()) {
            let bytes = body.render();
            let whole = assert_same_however_split(&bytes)?;
            prop_assert_eq!(whole, Ok(body.upload()), "{}", String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn a_damaged_upload_reads_the_same_however_its_body_is_split(
            body in body(),
            at in any::<prop::sample::Index>(),
            kind in any::<u8>(),
            byte in any::<u8>(),
        ) {
            let _ = assert_same_however_split(&damage(body.render(), at, kind, byte))?;
        }
    }

    #[test]
    fn an_upload_without_its_file_part_is_an_error() {
        let body = Body {
            preamble: false,
            parts: vec![Part::Detail("a.txt".into())],
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let error = read(&runtime, vec![&body.render()]).unwrap_err();
        assert!(error.contains("uploadedInputStream is required"), "{error}");
    }
}
