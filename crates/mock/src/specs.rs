//! The six specs, embedded at build time, parsed with the spec crate's loader: the routes and the
//! seed state both come from them.

use axum::http::Uri;
use serde_json::Value;
use vmware_cpn_spec::LoadedSpec;
use vmware_cpn_spec::load::{BodyOf, OperationRef};

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/specs/", $name, ".yaml")))),*]
    };
}

/// Every spec's name and text.
const EMBEDDED: &[(&str, &str)] = embedded!(
    "cphub-core",
    "cphub-auth",
    "cphub-billing",
    "cphub-support",
    "navigator-msp",
    "vcpp",
);

pub(crate) struct Specs {
    loaded: Vec<(&'static str, LoadedSpec)>,
}

impl Specs {
    /// The embedded specs, parsed once per process: every mock of a test run shares them.
    pub(crate) fn embedded() -> Result<&'static Specs, String> {
        static PARSED: std::sync::OnceLock<Result<Specs, String>> = std::sync::OnceLock::new();
        PARSED
            .get_or_init(Specs::load)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parses every embedded spec; a surface of the SDK with no embedded spec is an error, so
    /// the mock cannot silently lag behind a new surface.
    fn load() -> Result<Specs, String> {
        let mut loaded = Vec::new();
        for surface in vmware_cpn_spec::SURFACES {
            let (name, text) = EMBEDDED
                .iter()
                .find(|(name, _)| *name == surface.name)
                .ok_or_else(|| format!("the spec of {} is not embedded", surface.name))?;
            let spec =
                LoadedSpec::parse(format!("specs/{name}.yaml"), text).map_err(|e| e.to_string())?;
            loaded.push((*name, spec));
        }
        Ok(Specs { loaded })
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'static str, &LoadedSpec)> {
        self.loaded.iter().map(|(name, spec)| (*name, spec))
    }

    pub(crate) fn get(&self, surface: &str) -> Result<&LoadedSpec, String> {
        self.loaded
            .iter()
            .find(|(name, _)| *name == surface)
            .map(|(_, spec)| spec)
            .ok_or_else(|| format!("no spec named {surface}"))
    }

    /// An operation of a surface, with its spec.
    pub(crate) fn operation(
        &self,
        surface: &str,
        operation_id: &str,
    ) -> Option<(&LoadedSpec, OperationRef<'_>)> {
        let spec = self.get(surface).ok()?;
        Some((spec, spec.operation(operation_id)?))
    }

    /// The path of a surface's API root: its spec's first server's path (`/v1/m3/api/vcpp`).
    pub(crate) fn root_path(&self, surface: &str) -> Result<String, String> {
        let spec = self.get(surface)?;
        Ok(url_path(spec.spec.servers.first().map(|s| s.url.as_str())))
    }

    /// The surface whose API root (its spec's first server's path) holds `path`, the longest
    /// root first.
    pub(crate) fn surface_at(&self, path: &str) -> Option<&'static str> {
        self.loaded
            .iter()
            .filter_map(|(name, spec)| {
                let root = url_path(spec.spec.servers.first().map(|s| s.url.as_str()));
                let inside = !root.is_empty()
                    && path
                        .strip_prefix(root.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
                inside.then_some((root.len(), *name))
            })
            .max_by_key(|(length, _)| *length)
            .map(|(_, name)| name)
    }

    /// The path the mock serves `operation_id` at.
    pub(crate) fn path_of(&self, surface: &str, operation_id: &str) -> Result<String, String> {
        let spec = self.get(surface)?;
        let operation = spec
            .operation(operation_id)
            .ok_or_else(|| format!("{}: no operation {operation_id}", spec.file))?;
        Ok(served_at(spec, &operation))
    }

    /// The path of the server `operation_id` is served from (`/v1/m0/api` for the VCPP token).
    pub(crate) fn server_path_of(
        &self,
        surface: &str,
        operation_id: &str,
    ) -> Result<String, String> {
        let spec = self.get(surface)?;
        let operation = spec
            .operation(operation_id)
            .ok_or_else(|| format!("{}: no operation {operation_id}", spec.file))?;
        Ok(url_path(operation.server_url(&spec.spec)))
    }

    /// The JSON example of the `status` answer of `operation_id`.
    pub(crate) fn answer(
        &self,
        surface: &str,
        operation_id: &str,
        status: &str,
    ) -> Result<Value, String> {
        self.answer_in(surface, operation_id, status, "application/json")
    }

    /// The example of the `status` answer of `operation_id` in `media_type`.
    pub(crate) fn answer_in(
        &self,
        surface: &str,
        operation_id: &str,
        status: &str,
        media_type: &str,
    ) -> Result<Value, String> {
        let spec = self.get(surface)?;
        spec.example(operation_id, BodyOf::Response { status, media_type })
            .ok_or_else(|| {
                format!(
                    "{}: {operation_id} has no example of its {status} {media_type} answer",
                    spec.file
                )
            })
    }

    /// The named example `name` of the `status` JSON answer of `operation_id`.
    pub(crate) fn named_answer(
        &self,
        surface: &str,
        operation_id: &str,
        status: &str,
        name: &str,
    ) -> Result<Value, String> {
        let spec = self.get(surface)?;
        let body = BodyOf::Response {
            status,
            media_type: "application/json",
        };
        spec.named_example(operation_id, body, name).ok_or_else(|| {
            format!(
                "{}: {operation_id} has no {status} example named {name}",
                spec.file
            )
        })
    }

    /// The `enum` values of the component schema `name`, as the spec crate reads them, to refuse
    /// what the spec does not allow.
    pub(crate) fn enum_values(&self, surface: &str, name: &str) -> Vec<String> {
        let Ok(spec) = self.get(surface) else {
            return Vec::new();
        };
        vmware_cpn_spec::open_enum::collect(spec, &spec.spec)
            .unwrap_or_default()
            .into_iter()
            .find(|e| e.schema_name == name)
            .map(|e| e.variants.into_iter().map(|(wire, _)| wire).collect())
            .unwrap_or_default()
    }
}

/// Where the mock serves an operation: the path of its server plus its path template. The
/// mock serves every surface under one host, so only the servers' paths are kept.
pub(crate) fn served_at(spec: &LoadedSpec, operation: &OperationRef<'_>) -> String {
    format!(
        "{}{}",
        url_path(operation.server_url(&spec.spec)),
        operation.path
    )
}

fn url_path(url: Option<&str>) -> String {
    url.and_then(|url| url.parse::<Uri>().ok())
        .map(|uri| uri.path().trim_end_matches('/').to_owned())
        .unwrap_or_default()
}
