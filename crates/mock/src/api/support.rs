//! cphub-support: tickets, their paging and filters, updates, and attachments.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cphub_support::types::{SupportRequestCreate, SupportRequestUpdate};
use serde_json::{Value, json};

use super::known_org;
use crate::App;
use crate::api::handlers::cphub_support::*;
use crate::call::{Call, Reply, ok};

fn ticket_index(app: &App, call: &Call, org: &str) -> Result<usize, Response> {
    let id = call.path("supportRequestId");
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
        let index = ticket_index(app, call, &org)?;
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
        let index = ticket_index(app, call, &org)?;
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
        ticket_index(app, call, &org)?;
        let boundary = multer::parse_boundary(call.content_type()).map_err(|e| {
            call.error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("expected multipart/form-data: {e}"),
            )
        })?;
        let body = call.body.clone();
        let stream =
            futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
        let mut multipart = multer::Multipart::new(stream, boundary);
        let (mut detail, mut file) = (None, None);
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) => {
                    return Err(call.bad_request(format!("the multipart body is malformed: {e}")));
                }
            };
            let name = field.name().map(str::to_owned);
            let file_name = field.file_name().map(str::to_owned);
            let bytes = field
                .bytes()
                .await
                .map_err(|e| call.bad_request(format!("the multipart body is malformed: {e}")))?;
            match name.as_deref() {
                Some("fileDetail") => detail = Some(String::from_utf8_lossy(&bytes).into_owned()),
                Some("uploadedInputStream") => file = Some((file_name, bytes.len())),
                _ => {}
            }
        }
        let Some((file_name, size)) = file else {
            return Err(call.bad_request("the part uploadedInputStream is required"));
        };
        let name = detail
            .filter(|d| !d.is_empty())
            .or(file_name)
            .unwrap_or_else(|| "attachment".to_owned());
        let index = ticket_index(app, call, &org)?;
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
