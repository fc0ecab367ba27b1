//! The configuration file on arbitrary text: the loader, then what every run does with the
//! result (the policy, the user filter, the LDAP settings) and `config show`.
#![no_main]

use fixtures::text;
use ldap2ftrack::config::{ConfigError, load_text, render_show};
use ldap2ftrack::source::ldap::settings::LdapSettings;
use ldap2ftrack::source::offline::user_filter;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    // The loader reads the file as UTF-8 text; other bytes are refused before parsing.
    let Some(text) = text(data) else { return };
    let config = match load_text(Path::new("fuzz.toml"), text) {
        Ok(config) => config,
        Err(ConfigError::Syntax { line, .. }) => {
            let lines = text.split('\n').count();
            assert!((1..=lines).contains(&line), "line {line} of {lines}");
            return;
        }
        Err(_) => return,
    };
    let _ = config.policy(config.ftrack.api_user.as_deref());
    let filter = user_filter(&config.ldap.user_filter, None);
    assert!(filter.is_ok(), "a loaded user filter parses: {filter:?}");
    let _ = LdapSettings::from_config(&config, config.ldap.user_filter.clone());
    let _ = render_show(&config);
});
