//! The six specs, embedded at build time, parsed with codegen's loader: the routes and the
//! seed state both come from them.

use codegen::LoadedSpec;
use codegen::load::BodyOf;
use serde_json::Value;

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs/", $name, ".yaml")))),*]
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
        for surface in codegen::SURFACES {
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

    fn get(&self, surface: &str) -> Result<&LoadedSpec, String> {
        self.loaded
            .iter()
            .find(|(name, _)| *name == surface)
            .map(|(_, spec)| spec)
            .ok_or_else(|| format!("no spec named {surface}"))
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

    /// The `enum` values of the component schema `name`, to refuse what the spec does not
    /// allow.
    pub(crate) fn enum_values(&self, surface: &str, name: &str) -> Vec<String> {
        let Ok(spec) = self.get(surface) else {
            return Vec::new();
        };
        let schema = spec
            .spec
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
            .and_then(|s| s.as_item());
        match schema.map(|s| &s.schema_kind) {
            Some(openapiv3::SchemaKind::Type(openapiv3::Type::String(string))) => {
                string.enumeration.iter().flatten().cloned().collect()
            }
            _ => Vec::new(),
        }
    }
}
