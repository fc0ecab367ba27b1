//! Process exit codes (see UX.md) and how errors map to them.

use crate::apply::engine::{Ending, Refusal};
use crate::apply::outcome::Outcome;
use crate::config::ConfigError;
use crate::ftrack::error::FtrackError;
use crate::source::ldap::error::DirectoryError;
use crate::state::StateError;

/// Success, or no changes.
pub const OK: i32 = 0;
/// A general error.
pub const ERROR: i32 = 1;
/// `plan --detailed-exitcode`: the plan has changes.
pub const CHANGES_PRESENT: i32 = 2;
/// Some users failed; the rest was applied.
pub const PARTIAL_FAILURE: i32 = 3;
/// A safety limit was hit; nothing was applied.
pub const SAFETY_LIMIT: i32 = 4;
/// The saved plan is stale: ftrack changed since it was made.
pub const STALE_PLAN: i32 = 5;
/// Conflicts are left for a person to resolve (`--fail-on-conflict`).
pub const CONFLICTS: i32 = 6;
/// The directory read was incomplete (`--fail-on-incomplete`).
pub const INCOMPLETE: i32 = 7;
/// Ctrl-C or a signal stopped the run.
pub const INTERRUPTED: i32 = 130;
/// Bad command-line usage.
pub const USAGE: i32 = 64;
/// LDAP or ftrack unreachable, or authentication failed.
pub const UNAVAILABLE: i32 = 69;
/// Another run holds the lock.
pub const LOCKED: i32 = 75;
/// The configuration is invalid.
pub const CONFIG: i32 = 78;

/// The exit code of an apply run (headless, or a commit from the console).
pub fn for_apply(outcome: &Outcome, ending: &Ending, fail_on_conflict: bool) -> i32 {
    match ending {
        Ending::Refused(Refusal::Safety(_)) => return SAFETY_LIMIT,
        Ending::Refused(Refusal::Stale(_)) => return STALE_PLAN,
        Ending::Refused(Refusal::Unavailable(_)) => return UNAVAILABLE,
        Ending::Interrupted => return INTERRUPTED,
        Ending::Finished | Ending::Stopped(_) => {}
    }
    if outcome.summary.failed > 0 || outcome.stopped.is_some() {
        PARTIAL_FAILURE
    } else if fail_on_conflict && outcome.summary.parked > 0 {
        CONFLICTS
    } else {
        OK
    }
}

/// The message for an error that reached the top: each cause after the first, joined with
/// ": ", except causes whose text the message already holds (many errors quote their cause).
pub fn message_for(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

/// The exit code for an error that reached the top.
pub fn code_for(error: &anyhow::Error) -> i32 {
    for cause in error.chain() {
        if let Some(e) = cause.downcast_ref::<ConfigError>() {
            return e.exit_code();
        }
        if let Some(error) = cause.downcast_ref::<DirectoryError>() {
            return if error.is_configuration() {
                CONFIG
            } else {
                UNAVAILABLE
            };
        }
        if let Some(StateError::Locked { .. }) = cause.downcast_ref::<StateError>() {
            return LOCKED;
        }
        if let Some(error) = cause.downcast_ref::<FtrackError>()
            && matches!(
                error,
                FtrackError::Auth { .. }
                    | FtrackError::Transport { .. }
                    | FtrackError::Status { .. }
                    | FtrackError::Redirect { .. }
                    | FtrackError::TooLarge { .. }
            )
        {
            return UNAVAILABLE;
        }
    }
    ERROR
}

#[cfg(test)]
mod tests {
    use super::message_for;
    use anyhow::Context;

    #[test]
    fn a_redirect_or_an_oversized_answer_from_ftrack_is_unavailable() {
        use crate::ftrack::error::FtrackError;
        let redirect = anyhow::Error::new(FtrackError::Redirect {
            url: "https://a/api".into(),
            status: 301,
            location: "https://b/api".into(),
        });
        assert_eq!(super::code_for(&redirect), super::UNAVAILABLE);
        let large = anyhow::Error::new(FtrackError::TooLarge {
            url: "https://a/api".into(),
            limit: 1,
        });
        assert_eq!(super::code_for(&large), super::UNAVAILABLE);
    }

    #[test]
    fn a_cause_already_quoted_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let quoting = anyhow::Error::new(io)
            .context("cannot read: no such file")
            .context("/x.ldif");
        assert_eq!(message_for(&quoting), "/x.ldif: cannot read: no such file");
        let plain: anyhow::Result<()> = Err(anyhow::anyhow!("refused")).context("bind failed");
        assert_eq!(message_for(&plain.unwrap_err()), "bind failed: refused");
    }
}
