//! A typed httpmock helper for the multipart attachment upload (`upload_attachment`), in the
//! style of the generated helpers, through [`AttachmentMockServerExt`].

use httpmock::{Method, Mock, MockServer, Then, When};

use crate::operations::UPLOAD_ATTACHMENT;
use crate::types::ErrorResponse;

/// The upload's path as a pattern: the parameter `fixed` names is its value, any other
/// parameter any segment.
fn path_pattern(fixed: Option<(&str, &str)>) -> regex::Regex {
    let segments: Vec<String> = UPLOAD_ATTACHMENT
        .path
        .split('/')
        .map(|segment| {
            let parameter = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
            match (parameter, fixed) {
                (Some(name), Some((fixed, value))) if name == fixed => regex::escape(value),
                (Some(_), _) => "[^/]*".to_owned(),
                (None, _) => regex::escape(segment),
            }
        })
        .collect();
    regex::Regex::new(&format!("^{}$", segments.join("/")))
        .expect("escaped segments and `[^/]*` form a valid pattern")
}

/// Uploading an attachment (`upload_attachment`, multipart).
pub struct UploadAttachmentWhen(When);

impl UploadAttachmentWhen {
    /// Matches the method, the path and a multipart body.
    pub fn new(inner: When) -> Self {
        Self(
            inner
                .method(Method::POST)
                .path_matches(path_pattern(None))
                .header_prefix("content-type", "multipart/form-data"),
        )
    }

    /// Matches the organization.
    pub fn org_id(self, value: &str) -> Self {
        Self(self.0.path_matches(path_pattern(Some(("orgId", value)))))
    }

    /// Matches the support request.
    pub fn support_request_id(self, value: &str) -> Self {
        Self(
            self.0
                .path_matches(path_pattern(Some(("supportRequestId", value)))),
        )
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

/// Stubs the attachment upload, as [`super::MockServerExt`] stubs each generated operation.
pub trait AttachmentMockServerExt {
    /// Stubs the attachment upload.
    fn upload_attachment<F: FnOnce(UploadAttachmentWhen, UploadAttachmentThen)>(
        &self,
        config: F,
    ) -> Mock<'_>;
}

impl AttachmentMockServerExt for MockServer {
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
