//! A typed httpmock helper for the operation this crate serves by hand: the multipart
//! attachment upload, in the style of the generated helpers.

use httpmock::{Method, Mock, MockServer, Then, When};

use crate::types::ErrorResponse;

const UPLOAD: &str = "/cphub/api/support/v1/orgs/[^/]*/support-requests/[^/]*/upload";

/// Uploading an attachment (`POST …/support-requests/{id}/upload`, multipart).
pub struct UploadAttachmentWhen(When);

impl UploadAttachmentWhen {
    /// Matches the method, the path and a multipart body.
    pub fn new(inner: When) -> Self {
        Self(
            inner
                .method(Method::POST)
                .path_matches(regex::Regex::new(&format!("^{UPLOAD}$")).expect("a valid pattern"))
                .header_prefix("content-type", "multipart/form-data"),
        )
    }

    /// Matches the organization.
    pub fn org_id(self, value: &str) -> Self {
        Self(self.0.path_includes(format!("/orgs/{value}/")))
    }

    /// Matches the support request.
    pub fn support_request_id(self, value: &str) -> Self {
        Self(self.0.path_includes(format!("/support-requests/{value}/")))
    }

    /// Matches the file's name, as the `fileDetail` part carries it.
    pub fn file_name(self, value: &str) -> Self {
        Self(
            self.0
                .body_includes(format!("name=\"fileDetail\"\r\n\r\n{value}\r\n")),
        )
    }

    /// Matches bytes the file holds.
    pub fn file_includes(self, bytes: &str) -> Self {
        Self(self.0.body_includes(bytes))
    }

    /// The untyped `When`.
    pub fn into_inner(self) -> When {
        self.0
    }
}

/// The answer to an upload.
pub struct UploadAttachmentThen(Then);

impl UploadAttachmentThen {
    /// Wraps the untyped `Then`.
    pub fn new(inner: Then) -> Self {
        Self(inner)
    }

    /// `200`: the file was attached.
    pub fn ok(self) -> Self {
        Self(self.0.status(200))
    }

    /// An error status with the service's error body (`413` for a file too large, say).
    pub fn error(self, status: u16, value: &ErrorResponse) -> Self {
        Self(
            self.0
                .status(status)
                .header("content-type", "application/json")
                .json_body_obj(value),
        )
    }

    /// The untyped `Then`.
    pub fn into_inner(self) -> Then {
        self.0
    }
}

/// A method per hand-written operation, as [`super::MockServerExt`] has per generated one.
pub trait HandWrittenMockServerExt {
    /// Stubs the attachment upload.
    fn upload_attachment<F: FnOnce(UploadAttachmentWhen, UploadAttachmentThen)>(
        &self,
        config: F,
    ) -> Mock<'_>;
}

impl HandWrittenMockServerExt for MockServer {
    fn upload_attachment<F: FnOnce(UploadAttachmentWhen, UploadAttachmentThen)>(
        &self,
        config: F,
    ) -> Mock<'_> {
        self.mock(|when, then| {
            config(
                UploadAttachmentWhen::new(when),
                UploadAttachmentThen::new(then),
            )
        })
    }
}
