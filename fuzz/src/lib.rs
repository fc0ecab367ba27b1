//! The bundled demo studio, loaded once per fuzzing process, so targets can run what the
//! product runs after reading untrusted input (plan with decisions, check a saved plan).

use ldap2ftrack::config::{Config, load_text};
use ldap2ftrack::demo_data;
use ldap2ftrack::model::{DirectorySnapshot, FtrackSnapshot, Links};
use ldap2ftrack::reconcile::{Plan, Policy};
use ldap2ftrack::source::entry::RawEntry;
use ldap2ftrack::source::ldif::parse_ldif;
use std::path::Path;
use std::sync::OnceLock;

/// The demo's configuration, inputs and plan.
pub struct Demo {
    /// The demo configuration (managed groups, policy).
    pub config: Config,
    /// The demo directory, mapped.
    pub directory: DirectorySnapshot,
    /// The demo ftrack users and groups.
    pub ftrack: FtrackSnapshot,
    /// The demo's identity links.
    pub links: Links,
    /// The demo's policy, with its API user.
    pub policy: Policy,
    /// The demo's plan.
    pub plan: Plan,
    /// The first entries of the demo LDIF, unmapped.
    pub entries: Vec<RawEntry>,
}

/// The demo studio; a broken demo is a bug of its own, so this panics with the reason.
pub fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let config = load_text(Path::new("assets/demo/config.toml"), demo_data::CONFIG)
            .expect("the demo configuration loads");
        let links = demo_data::link_records()
            .expect("the demo links load")
            .into_iter()
            .map(|r| (r.directory_id, r.ftrack_id))
            .collect();
        let mut entries = parse_ldif("directory.ldif", demo_data::DIRECTORY.as_bytes())
            .expect("the demo LDIF parses");
        entries.truncate(24);
        Demo {
            directory: demo_data::directory(&config).expect("the demo directory loads"),
            ftrack: demo_data::ftrack().expect("the demo ftrack snapshot loads"),
            policy: config.policy(Some(demo_data::API_USER)),
            plan: demo_data::plan(&config).expect("the demo plans"),
            links,
            config,
            entries,
        }
    })
}

/// The input as text, as the product reads these files (`None` when it is not UTF-8).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}
