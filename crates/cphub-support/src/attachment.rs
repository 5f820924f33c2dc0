//! `upload_attachment`, by hand: progenitor cannot send `multipart/form-data`.
//!
//! The file is streamed into the request body as it is read, so an upload of any size holds
//! only a few buffers in memory (measured by the `upload_peak_rss` example; see the README).

use std::path::Path;

use futures::TryStream;
use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::multipart::{Form, Part};
use tokio_util::io::ReaderStream;
use vmware_cpn_runtime::answer;

use crate::types::ErrorResponse;
use crate::{Client, Error, operations};

/// The form field holding the file's name, as the spec names it.
const FILE_DETAIL_FIELD: &str = "fileDetail";
/// The form field holding the file's bytes, as the spec names it.
const FILE_FIELD: &str = "uploadedInputStream";

/// How much of a file is read at once when it is streamed from disk.
const READ_CHUNK: usize = 256 * 1024;

/// A file to attach to a support request: its name, media type and a body that is streamed.
pub struct Attachment {
    file_name: String,
    content_type: String,
    length: Option<u64>,
    body: reqwest::Body,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl Attachment {
    /// Opens `path` to be streamed from disk. The file name sent is the path's last
    /// component; the media type is guessed from its extension.
    pub async fn from_path(path: impl AsRef<Path>) -> std::io::Result<Attachment> {
        let path = path.as_ref();
        let file = tokio::fs::File::open(path).await?;
        let length = file.metadata().await?.len();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{} names no file", path.display()),
                )
            })?;
        Ok(Attachment {
            content_type: guess_content_type(&file_name),
            file_name,
            length: Some(length),
            // reqwest reads a `File` 8 KiB at a time, each read a trip to tokio's blocking
            // pool: 3.8× the in-memory upload's time for 50 MiB. Reads of `READ_CHUNK` bring
            // it near the in-memory time, for a few such buffers in memory.
            body: reqwest::Body::wrap_stream(ReaderStream::with_capacity(file, READ_CHUNK)),
        })
    }

    /// Streams the chunks of `stream` as the file `file_name`. Give `length` when it is known,
    /// so the request carries a `Content-Length`.
    pub fn from_stream<S>(
        file_name: impl Into<String>,
        length: Option<u64>,
        stream: S,
    ) -> Attachment
    where
        S: TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        bytes::Bytes: From<S::Ok>,
    {
        let file_name = file_name.into();
        Attachment {
            content_type: guess_content_type(&file_name),
            file_name,
            length,
            body: reqwest::Body::wrap_stream(stream),
        }
    }

    /// A file already in memory.
    pub fn from_bytes(file_name: impl Into<String>, bytes: impl Into<bytes::Bytes>) -> Attachment {
        let file_name = file_name.into();
        let bytes = bytes.into();
        Attachment {
            content_type: guess_content_type(&file_name),
            file_name,
            length: Some(bytes.len() as u64),
            body: reqwest::Body::from(bytes),
        }
    }

    /// Sends the file with this media type instead of the one guessed from its name.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Attachment {
        self.content_type = content_type.into();
        self
    }

    /// The file name that is sent.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The form, or why the media type is not one (becomes `Error::InvalidRequest`).
    fn into_form(self) -> Result<Form, String> {
        let file = match self.length {
            Some(length) => Part::stream_with_length(self.body, length),
            None => Part::stream(self.body),
        }
        .file_name(self.file_name.clone())
        .mime_str(&self.content_type)
        .map_err(|_| {
            format!(
                "{:?} is not a valid media type for {}",
                self.content_type, self.file_name
            )
        })?;
        Ok(Form::new()
            .text(FILE_DETAIL_FIELD, self.file_name)
            .part(FILE_FIELD, file))
    }
}

fn guess_content_type(file_name: &str) -> String {
    mime_guess::from_path(file_name)
        .first_or_octet_stream()
        .essence_str()
        .to_owned()
}

impl Client {
    /// Attaches a file (image or text) to a support request, as the spec's
    /// `upload_attachment` (`POST …/support-requests/{supportRequestId}/upload`).
    ///
    /// Roles: Provider Administrator (`msp:provider_admin`), Provider Support User
    /// (`msp:provider_support_user`) or Tenant Administrator (`msp:tenant_admin`).
    ///
    /// Never retried: the body is a stream that can be read once, and the upload is a `POST`.
    pub async fn upload_attachment(
        &self,
        org_id: &str,
        support_request_id: &str,
        attachment: Attachment,
    ) -> Result<ResponseValue<()>, Error<ErrorResponse>> {
        let operation = operations::UPLOAD_ATTACHMENT;
        let url = operation
            .url(self.baseurl(), &[org_id, support_request_id])
            .map_err(Error::InvalidRequest)?;
        let request = self
            .client()
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .multipart(attachment.into_form().map_err(Error::InvalidRequest)?)
            .build()?;
        let response = self.inner.send(request, &operation).await?;
        answer::empty(response, &operation).await
    }
}
