//! The six client crates as `cpn` sends through them: each spec's generated operation
//! constants (method, path, whether it takes the token, media type, secrets) and API version.
//! The one place where the command-line model meets the SDK: a command names its operation
//! by the model's surface and id, and is sent as that client's constant.

use progenitor_client::ClientInfo;
use vmware_cpn_runtime::{Operation, Runtime};

use crate::model::{self, Op, SurfaceModel};

/// The service a client calls, which decides its base URL and credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Cloud Partner Navigator (CPHub): the refresh token.
    Navigator,
    /// VCPP: the client credentials.
    Vcpp,
}

/// One client crate.
#[derive(Debug)]
pub struct Client {
    /// The spec it is generated from, such as `cphub-core` (the model's surface name).
    pub spec: &'static str,
    /// Its generated operation constants, in the spec's order.
    pub operations: &'static [Operation],
    /// Its `api-version` header, the spec's version, as the generated client sends it.
    pub api_version: fn() -> &'static str,
    /// The service it calls.
    pub service: Service,
}

/// The six clients.
pub const CLIENTS: &[Client] = &[
    Client {
        spec: "cphub-core",
        operations: cphub_core::OPERATIONS,
        api_version: <cphub_core::Client as ClientInfo<Runtime>>::api_version,
        service: Service::Navigator,
    },
    Client {
        spec: "cphub-auth",
        operations: cphub_auth::OPERATIONS,
        api_version: <cphub_auth::Client as ClientInfo<Runtime>>::api_version,
        service: Service::Navigator,
    },
    Client {
        spec: "cphub-billing",
        operations: cphub_billing::OPERATIONS,
        api_version: <cphub_billing::Client as ClientInfo<Runtime>>::api_version,
        service: Service::Navigator,
    },
    Client {
        spec: "cphub-support",
        operations: cphub_support::OPERATIONS,
        api_version: <cphub_support::Client as ClientInfo<Runtime>>::api_version,
        service: Service::Navigator,
    },
    Client {
        spec: "navigator-msp",
        operations: navigator_msp::OPERATIONS,
        api_version: <navigator_msp::Client as ClientInfo<Runtime>>::api_version,
        service: Service::Navigator,
    },
    Client {
        spec: "vcpp",
        operations: vcpp::OPERATIONS,
        api_version: <vcpp::Client as ClientInfo<Runtime>>::api_version,
        service: Service::Vcpp,
    },
];

/// An operation of the model with the client and constant it is sent as.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The model's surface.
    pub surface: &'static SurfaceModel,
    /// The model's operation: its flags and help.
    pub op: &'static Op,
    /// The client generated from the surface's spec.
    pub client: &'static Client,
    /// The client's constant of the operation.
    pub operation: &'static Operation,
}

impl Target {
    /// The operation `op` of `surface`, as its client's constant; `None` when the client
    /// lacks it (the `every_model_operation_is_a_client_constant` test rules that out).
    pub fn of(surface: &'static SurfaceModel, op: &'static Op) -> Option<Target> {
        let client = CLIENTS.iter().find(|c| c.spec == surface.name)?;
        let operation = client.operations.iter().find(|o| o.id == op.id)?;
        Some(Target {
            surface,
            op,
            client,
            operation,
        })
    }

    /// The model's operation of a client's constant, such as
    /// `cphub_core::operations::LIST_TENANTS`.
    pub fn from_operation(operation: &Operation) -> Option<Target> {
        let client = CLIENTS.iter().find(|c| c.operations.contains(operation))?;
        let surface = model::SURFACES.iter().find(|s| s.name == client.spec)?;
        let op = surface.operations.iter().find(|o| o.id == operation.id)?;
        Target::of(surface, op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_operation_is_a_client_constant_and_back() {
        assert_eq!(CLIENTS.len(), model::SURFACES.len());
        for surface in model::SURFACES {
            for op in surface.operations {
                let target = Target::of(surface, op)
                    .unwrap_or_else(|| panic!("{} {}: no client constant", surface.name, op.id));
                let operation = target.operation;
                assert_eq!(
                    (operation.method, operation.path, operation.takes_token),
                    (op.method, op.path, op.takes_token),
                    "{} {}",
                    surface.name,
                    op.id
                );
            }
        }
        for client in CLIENTS {
            for operation in client.operations {
                let target = Target::from_operation(operation)
                    .unwrap_or_else(|| panic!("{}: not in the model", operation.id));
                assert_eq!(target.client.spec, client.spec);
                assert_eq!(target.op.id, operation.id);
            }
        }
    }
}
