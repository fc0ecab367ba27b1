//! Bare `ldap2ftrack` before anything is configured: where to start, instead of a failed read.

use crate::cli::Cli;
use crate::config::{self, CONFIG_ENV, Overrides};

/// The three lines a first run prints.
const FIRST_STEPS: &str = "\
No configuration yet. Try the console on a demo studio: ldap2ftrack demo
Write a configuration for your LDAP and ftrack servers: ldap2ftrack init
Read README.md (in the sources, or /usr/share/doc/ldap2ftrack/README.md)";

/// True when nothing is configured: no `-c`, no `LDAP2FTRACK_CONFIG`, and no LDAP or ftrack
/// setting from the environment.
pub fn unconfigured(cli: &Cli) -> anyhow::Result<bool> {
    if cli.config.is_some() || std::env::var_os(CONFIG_ENV).is_some_and(|v| !v.is_empty()) {
        return Ok(false);
    }
    let config = config::load_from_process(None, &Overrides::default())?;
    Ok(!config.sets_any_in("ldap") && !config.sets_any_in("ftrack"))
}

/// Prints the first steps; returns the exit code of a missing configuration.
pub fn explain() -> i32 {
    eprintln!("{FIRST_STEPS}");
    crate::exit::CONFIG
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_first_steps_are_three_lines_that_fit_80_columns() {
        let lines: Vec<&str> = super::FIRST_STEPS.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines.iter().all(|line| line.chars().count() <= 80),
            "{lines:?}"
        );
        assert!(lines[0].ends_with("ldap2ftrack demo") && lines[1].ends_with("ldap2ftrack init"));
    }
}
