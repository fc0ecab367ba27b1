//! The directory read alone, through the library in this process the way `plan` reads it (a
//! current-thread runtime), for its ratio to `ldapsearch` of the same attributes.

use crate::rounds::USER_FILTER;
use crate::slapd::{READER_DN, READER_PASSWORD, Slapd};
use crate::world::PEOPLE;
use ldap2ftrack::source::ldap::read_directory;
use ldap2ftrack::source::ldap::settings::LdapSettings;
use ldap2ftrack::source::ldap::tls::Trust;
use ldap2ftrack::source::mapping_rules::Mapping;
use secrecy::SecretString;
use std::time::{Duration, Instant};

/// What the live plan's configuration says, as the library takes it.
pub fn settings(server: &Slapd) -> LdapSettings {
    LdapSettings {
        uris: vec![server.ldap_uri()],
        bind_dn: Some(READER_DN.to_string()),
        bind_password: Some(SecretString::from(READER_PASSWORD)),
        user_base_dn: PEOPLE.to_string(),
        user_filter: USER_FILTER.to_string(),
        starttls: true,
        trust: Trust::CaFile(server.ca_file()),
        page_size: 1000,
        timeout: Duration::from_secs(300),
        attempts: 1,
        ..LdapSettings::default()
    }
}

/// Times reading and mapping every user, which must number `users`.
pub fn read_time(server: &Slapd, users: usize) -> Duration {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let settings = settings(server);
    let today = jiff::civil::date(2026, 1, 5);
    let start = Instant::now();
    let read = runtime
        .block_on(read_directory(
            &settings,
            &Mapping::default(),
            today,
            &mut |_| {},
        ))
        .expect("the directory is read");
    let elapsed = start.elapsed();
    assert_eq!(read.snapshot.users.len(), users);
    elapsed
}
