//! `ldap2ftrack config show|validate`.

use super::output::Console;
use crate::cli::{Cli, ConfigCommand};
use crate::config::{self, Config, ConfigError, Origin, Overrides, render_show};
use crate::exit;
use crate::source::ldap::error::DirectoryError;
use crate::source::ldap::settings::LdapSettings;

/// Runs a `config` subcommand.
pub fn run(cli: &Cli, command: &ConfigCommand, console: &Console) -> anyhow::Result<i32> {
    let config = config::load_from_process(cli.config.as_deref(), &Overrides::default())?;
    match command {
        ConfigCommand::Show => print!("{}", render_show(&config)),
        ConfigCommand::Validate => {
            check_ldap(&config)?;
            check_hooks(&config)?;
            super::config_roles::check_static(&config)?;
            let source = cli
                .config
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "defaults and environment".to_string());
            console.say(&format!("configuration is valid ({source})"));
        }
    }
    Ok(exit::OK)
}

/// Every `[notify]` command names a program that can be run here.
fn check_hooks(config: &Config) -> Result<(), ConfigError> {
    let notify = &config.notify;
    let path = std::env::var_os("PATH");
    let hooks = [
        ("notify.on_run", &notify.on_run),
        ("notify.on_blocked", &notify.on_blocked),
        ("notify.on_create", &notify.on_create),
        ("notify.on_deactivate", &notify.on_deactivate),
    ];
    for (key, command) in hooks {
        if let Some(command) = command {
            command
                .check_runnable(path.as_deref())
                .map_err(|message| ConfigError::Invalid {
                    origin: config.origin(key),
                    key: key.to_string(),
                    message,
                })?;
        }
    }
    Ok(())
}

/// With an LDAP server configured, the checks a read would make before connecting (URI
/// schemes, no password over an unencrypted connection, the CA file), so that `validate`
/// fails on a configuration that every read would refuse.
fn check_ldap(config: &Config) -> Result<(), ConfigError> {
    if config.ldap.uri.is_none() {
        return Ok(());
    }
    let checked = LdapSettings::from_config(config, config.ldap.user_filter.clone())
        .and_then(|settings| settings.check());
    checked.map_err(|error| {
        let key = match error {
            DirectoryError::TlsSetup(_) => "ldap.ca_file",
            DirectoryError::Settings(_) if config.ldap.user_base_dn.is_none() => {
                "ldap.user_base_dn"
            }
            _ => "ldap.uri",
        };
        let origin = match config.origin(key) {
            Origin::Default => config.origin("ldap.uri"),
            given => given,
        };
        ConfigError::Invalid {
            origin,
            key: key.to_string(),
            message: error.to_string(),
        }
    })
}
