//! Friendly names for the everyday jobs (`cpn tenants list`, `cpn usage download`, …): each
//! is the generated command of one operation under another name, so it takes the same flags.

use crate::model::{self, Op, SurfaceModel};

/// A group of aliases, such as `tenants`.
pub struct AliasGroup {
    /// The group's subcommand.
    pub name: &'static str,
    /// Its help line.
    pub about: &'static str,
    /// Its commands.
    pub commands: &'static [Alias],
}

/// One alias: `name` runs `operation` of the surface whose subcommand is `surface`.
pub struct Alias {
    /// The alias's subcommand.
    pub name: &'static str,
    /// The surface's subcommand, such as `core`.
    pub surface: &'static str,
    /// The operation id.
    pub operation: &'static str,
}

impl Alias {
    /// The surface and operation it runs. An alias naming an operation the specs no longer
    /// have is a bug the `aliases_name_operations` test catches.
    pub fn target(&self) -> (&'static SurfaceModel, &'static Op) {
        let surface = model::surface(self.surface).expect("alias names a surface");
        let op = model::operation(surface, self.operation).expect("alias names an operation");
        (surface, op)
    }
}

const fn alias(name: &'static str, surface: &'static str, operation: &'static str) -> Alias {
    Alias {
        name,
        surface,
        operation,
    }
}

/// Every alias group.
pub const ALIASES: &[AliasGroup] = &[
    AliasGroup {
        name: "tenants",
        about: "Tenant organizations: list, get, create, update",
        commands: &[
            alias("list", "core", "list_tenants"),
            alias("get", "core", "get_organization"),
            alias("create", "core", "create_tenant"),
            alias("update", "core", "update_tenant"),
        ],
    },
    AliasGroup {
        name: "users",
        about: "Users and invitations of an organization",
        commands: &[
            alias("list", "auth", "list_users"),
            alias("invite", "auth", "add_users"),
            alias("invitations", "auth", "list_invitations"),
            alias("set-roles", "auth", "update_user_org_roles"),
        ],
    },
    AliasGroup {
        name: "usage",
        about: "Usage reports, as JSON or downloaded as CSV",
        commands: &[
            alias("get", "billing", "get_usage_report"),
            alias("download", "billing", "download_usage_report"),
        ],
    },
    AliasGroup {
        name: "subscriptions",
        about: "Billing and MSP subscriptions",
        commands: &[
            alias("list", "billing", "list_subscriptions"),
            alias("get", "msp", "get_subscription"),
            alias("search", "msp", "search_subscriptions"),
            alias("history", "msp", "get_subscription_history"),
        ],
    },
    AliasGroup {
        name: "tickets",
        about: "Support tickets: list, get, open, update, attach files",
        commands: &[
            alias("list", "support", "list_support_requests"),
            alias("get", "support", "get_support_request"),
            alias("create", "support", "create_support_request"),
            alias("update", "support", "update_support_request"),
            alias("attach", "support", "upload_attachment"),
            alias("metadata", "support", "get_support_metadata"),
        ],
    },
    AliasGroup {
        name: "orders",
        about: "VCPP orders: place one, read the order feed",
        commands: &[
            alias("place", "vcpp", "place_order"),
            alias("feed", "vcpp", "get_order_feed"),
        ],
    },
];

/// The surface and operation an alias command runs.
pub fn find(group: &str, name: &str) -> Option<(&'static SurfaceModel, &'static Op)> {
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
                let surface = model::surface(alias.surface).expect(alias.surface);
                assert!(
                    model::operation(surface, alias.operation).is_some(),
                    "{} {} names {}",
                    group.name,
                    alias.name,
                    alias.operation
                );
            }
        }
    }
}
