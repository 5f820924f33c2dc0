//! Every command written by hand, listed once: the command tree adds them and reserves their
//! flags from here, and a run finds the one to call here.

use clap::Command;
use vmware_cpn_runtime::Operation;

use crate::client_methods::{
    ExchangeCspApiToken, GetToken, OrderFeed, PlaceOrder, UploadAttachment,
};
use crate::conformance::Conformance;
use crate::export::UsageExport;
use crate::handwritten::{HandWritten, Serves};
use crate::login::{Login, Status};

/// Every hand-written command.
pub const HAND_WRITTEN: &[&dyn HandWritten] = &[
    &UploadAttachment,
    &ExchangeCspApiToken,
    &GetToken,
    &PlaceOrder,
    &OrderFeed,
    &Login,
    &Status,
    &UsageExport,
    &Conformance,
];

/// The command serving `operation`, one the client crate serves by hand.
pub fn serving(operation: &Operation) -> Option<&'static dyn HandWritten> {
    HAND_WRITTEN
        .iter()
        .copied()
        .find(|c| matches!(c.serves(), Serves::Operation(o) if o == *operation))
}

/// The command `cpn <group> <name>` of its own, if one is (in a surface's group or an alias
/// group, such as `cpn usage export`).
pub fn command(group: &str, name: &str) -> Option<&'static dyn HandWritten> {
    HAND_WRITTEN.iter().copied().find(
        |c| matches!(c.serves(), Serves::Command { group: g, name: n } if g == group && n == name),
    )
}

/// The command `cpn <name>` of the root, if one is (`cpn conformance`).
pub fn root_command(name: &str) -> Option<&'static dyn HandWritten> {
    HAND_WRITTEN
        .iter()
        .copied()
        .find(|c| matches!(c.serves(), Serves::Root { name: n } if n == name))
}

/// The commands of the root, built.
pub fn root_commands() -> Vec<Command> {
    HAND_WRITTEN
        .iter()
        .filter_map(|c| match c.serves() {
            Serves::Root { name } => Some(c.command(Command::new(name))),
            _ => None,
        })
        .collect()
}

/// The commands of their own in the group `group`, built.
pub fn commands_in(group: &str) -> Vec<Command> {
    HAND_WRITTEN
        .iter()
        .filter_map(|c| match c.serves() {
            Serves::Command { group: g, name } if g == group => Some(c.command(Command::new(name))),
            _ => None,
        })
        .collect()
}

/// The flags the commands serving operations add to the generated commands: no spec
/// parameter or body field may take them.
pub fn operation_flags() -> Vec<String> {
    let mut flags: Vec<String> = HAND_WRITTEN
        .iter()
        .filter(|c| matches!(c.serves(), Serves::Operation(_)))
        .flat_map(|c| {
            c.command(Command::new("flags"))
                .get_arguments()
                .filter_map(|a| a.get_long().map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect();
    flags.sort();
    flags.dedup();
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SURFACES;
    use crate::sdk::Target;

    #[test]
    fn every_hand_written_operation_has_one_command() {
        for surface in SURFACES {
            for op in surface.operations {
                let target = Target::of(surface, op).expect("a client constant");
                let commands = HAND_WRITTEN
                    .iter()
                    .filter(
                        |c| matches!(c.serves(), Serves::Operation(o) if o == *target.operation),
                    )
                    .count();
                assert_eq!(
                    commands,
                    usize::from(op.hand_written),
                    "{} {}: hand-written commands",
                    surface.name,
                    op.id
                );
            }
        }
    }

    #[test]
    fn commands_of_their_own_are_in_a_surface_or_alias_group() {
        for command in HAND_WRITTEN {
            if let Serves::Command { group, .. } = command.serves() {
                assert!(
                    SURFACES.iter().any(|s| s.command == group)
                        || crate::aliases::ALIASES.iter().any(|a| a.name == group),
                    "{group}"
                );
            }
        }
    }

    #[test]
    fn operation_flags_are_the_hand_written_ones() {
        assert_eq!(
            operation_flags(),
            ["body", "csp-base-url", "file", "json", "print-token", "xml"]
        );
    }
}
