//! Friendly names for the everyday jobs (`cpn tenants list`, `cpn usage download`, …): each
//! is the generated command of one operation under another name, so it takes the same flags.

use vmware_cpn_runtime::Operation;

use crate::sdk::Target;

/// A group of aliases, such as `tenants`.
pub struct AliasGroup {
    /// The group's subcommand.
    pub name: &'static str,
    /// Its help line.
    pub about: &'static str,
    /// Its commands.
    pub commands: &'static [Alias],
}

/// One alias: `name` runs `operation`, a client's generated constant.
pub struct Alias {
    /// The alias's subcommand.
    pub name: &'static str,
    /// The operation, such as `cphub_core::operations::LIST_TENANTS`.
    pub operation: Operation,
}

impl Alias {
    /// The model's operation it runs. An alias naming an operation the model lacks is a bug
    /// the `aliases_name_operations` test catches.
    pub fn target(&self) -> Target {
        Target::from_operation(&self.operation).expect("alias names an operation of the model")
    }
}

const fn alias(name: &'static str, operation: Operation) -> Alias {
    Alias { name, operation }
}

/// Every alias group.
pub const ALIASES: &[AliasGroup] = &[
    AliasGroup {
        name: "tenants",
        about: "Tenant organizations: list, get, create, update",
        commands: &[
            alias("list", cphub_core::operations::LIST_TENANTS),
            alias("get", cphub_core::operations::GET_ORGANIZATION),
            alias("create", cphub_core::operations::CREATE_TENANT),
            alias("update", cphub_core::operations::UPDATE_TENANT),
        ],
    },
    AliasGroup {
        name: "users",
        about: "Users and invitations of an organization",
        commands: &[
            alias("list", cphub_auth::operations::LIST_USERS),
            alias("invite", cphub_auth::operations::ADD_USERS),
            alias("invitations", cphub_auth::operations::LIST_INVITATIONS),
            alias("set-roles", cphub_auth::operations::UPDATE_USER_ORG_ROLES),
        ],
    },
    AliasGroup {
        name: "usage",
        about: "Usage reports, as JSON or downloaded as CSV",
        commands: &[
            alias("get", cphub_billing::operations::GET_USAGE_REPORT),
            alias("download", cphub_billing::operations::DOWNLOAD_USAGE_REPORT),
        ],
    },
    AliasGroup {
        name: "subscriptions",
        about: "Billing and MSP subscriptions",
        commands: &[
            alias("list", cphub_billing::operations::LIST_SUBSCRIPTIONS),
            alias("get", navigator_msp::operations::GET_SUBSCRIPTION),
            alias("search", navigator_msp::operations::SEARCH_SUBSCRIPTIONS),
            alias(
                "history",
                navigator_msp::operations::GET_SUBSCRIPTION_HISTORY,
            ),
        ],
    },
    AliasGroup {
        name: "tickets",
        about: "Support tickets: list, get, open, update, attach files",
        commands: &[
            alias("list", cphub_support::operations::LIST_SUPPORT_REQUESTS),
            alias("get", cphub_support::operations::GET_SUPPORT_REQUEST),
            alias("create", cphub_support::operations::CREATE_SUPPORT_REQUEST),
            alias("update", cphub_support::operations::UPDATE_SUPPORT_REQUEST),
            alias("attach", cphub_support::operations::UPLOAD_ATTACHMENT),
            alias("metadata", cphub_support::operations::GET_SUPPORT_METADATA),
        ],
    },
    AliasGroup {
        name: "orders",
        about: "VCPP orders: place one, read the order feed",
        commands: &[
            alias("place", vcpp::operations::PLACE_ORDER),
            alias("feed", vcpp::operations::GET_ORDER_FEED),
        ],
    },
];

/// The operation an alias command runs.
pub fn find(group: &str, name: &str) -> Option<Target> {
    ALIASES
        .iter()
        .find(|g| g.name == group)?
        .commands
        .iter()
        .find(|a| a.name == name)
        .map(Alias::target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_name_operations() {
        for group in ALIASES {
            for alias in group.commands {
                assert!(
                    Target::from_operation(&alias.operation).is_some(),
                    "{} {} names {}",
                    group.name,
                    alias.name,
                    alias.operation.id
                );
            }
        }
    }
}
