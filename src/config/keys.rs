//! Every settable key in one table: its section, environment variable, check and display.
//!
//! The file, environment and flag layers, unknown-key messages and `config show` all read
//! this table, so a new key is one row here (plus its field and default in the structs).

use super::Config;
use super::display;
use super::parse::{
    active_rule, attr_expr, batch_size, boolean, concurrency, deactivate_missing, grace_period,
    grace_runs, hook_command, hook_timeout, http_url, ldap_filter, ldap_uri, max_deactivate,
    megabytes, nested_groups, page_size, period, project_names, role_name, run_when, seats,
    seconds, text, username_case, usernames, webhook_retries, webhook_timeout,
};
use super::value::Given;
use secrecy::SecretString;

/// Checks a value and stores it in its field.
pub(super) type Set = fn(&mut Config, &Given) -> Result<(), String>;

/// The effective value as TOML text, or `(unset)`; secrets redacted.
pub(super) type Show = fn(&Config) -> String;

/// One settable key.
pub(super) struct Key {
    /// Dotted name, `section.key`: the field's path in [`Config`] (but for `*_file` keys).
    pub(super) name: &'static str,
    /// Where the environment can give it.
    pub(super) env: Env,
    /// How its value is stored, checked and shown.
    pub(super) kind: Kind,
}

/// How the environment can give a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Env {
    /// It cannot.
    None,
    /// This variable sets it.
    Var(&'static str),
    /// A `key=expression` pair of `LDAP_ATTRIBUTE_MAP` sets it.
    AttributeMap,
}

/// How a key's value is stored, checked and shown.
pub(super) enum Kind {
    /// An ordinary setting, stored in its field.
    Setting {
        /// Checks and stores a value.
        set: Set,
        /// Shows the effective value.
        show: Show,
    },
    /// A secret given inline, never shown; `file` names the key that can give it from a file.
    Secret {
        /// The field holding the secret.
        slot: fn(&mut Config) -> &mut Option<SecretString>,
        /// Shows only whether it is set.
        show: Show,
        /// The `*_file` key of the same secret.
        file: &'static str,
    },
    /// A file holding the secret named `secret`; shown as the path it was read from.
    SecretFile {
        /// The key of the secret this file holds.
        secret: &'static str,
    },
    /// The `[groups.managed]` table, which only the config file can give.
    ManagedGroups,
    /// The `[[roles.rule]]` tables, which only the config file can give.
    RoleRules,
    /// The `[mapping.custom]` table, which only the config file can give.
    CustomMapping,
    /// The `[notify.webhook_headers]` table, which only the config file can give.
    WebhookHeaders,
}

/// Picks how a value is read: `path` resolves relative paths, any other name is a function.
macro_rules! parse {
    (path, $given:ident) => {
        $given.raw.path($given.base_dir)
    };
    ($parse:ident, $given:ident) => {
        $parse(&$given.raw)
    };
}

/// A [`Kind::Setting`] row for the field `section.field`, named after it;
/// `Some(parse)` for optional fields.
macro_rules! setting {
    ($section:ident . $field:ident, $env:expr, Some($parse:ident), $show:path) => {
        setting!(@row $section.$field, $env, [Some] $parse, $show)
    };
    ($section:ident . $field:ident, $env:expr, $parse:ident, $show:path) => {
        setting!(@row $section.$field, $env, [] $parse, $show)
    };
    (@row $section:ident . $field:ident, $env:expr, [$($some:ident)?] $parse:ident, $show:path) => {
        Key {
            name: concat!(stringify!($section), ".", stringify!($field)),
            env: $env,
            kind: Kind::Setting {
                set: |config, given| {
                    let value = parse!($parse, given)?;
                    config.$section.$field = $($some)?(value);
                    Ok(())
                },
                show: |config| $show(&config.$section.$field),
            },
        }
    };
}

/// A [`Kind::Secret`] row for the field `section.field`, and the name of its `*_file` key.
macro_rules! secret {
    ($section:ident . $field:ident, $env:expr) => {
        Key {
            name: concat!(stringify!($section), ".", stringify!($field)),
            env: $env,
            kind: Kind::Secret {
                slot: |config| &mut config.$section.$field,
                show: |config| display::secret(&config.$section.$field),
                file: concat!(stringify!($section), ".", stringify!($field), "_file"),
            },
        }
    };
}

/// The [`Kind::SecretFile`] row `section.field_file` for the secret `section.field`.
macro_rules! secret_file {
    ($section:ident . $field:ident, $env:expr) => {
        Key {
            name: concat!(stringify!($section), ".", stringify!($field), "_file"),
            env: $env,
            kind: Kind::SecretFile {
                secret: concat!(stringify!($section), ".", stringify!($field)),
            },
        }
    };
}

/// The [`Kind::ManagedGroups`] row for the table `section.field`.
macro_rules! managed_groups {
    ($section:ident . $field:ident) => {
        Key {
            name: concat!(stringify!($section), ".", stringify!($field)),
            env: Env::None,
            kind: Kind::ManagedGroups,
        }
    };
}

/// The [`Kind::RoleRules`] row for the array of tables `section.field`.
macro_rules! role_rules {
    ($section:ident . $field:ident) => {
        Key {
            name: concat!(stringify!($section), ".", stringify!($field)),
            env: Env::None,
            kind: Kind::RoleRules,
        }
    };
}

/// The [`Kind::CustomMapping`] row for the table `section.field`.
macro_rules! custom_mapping {
    ($section:ident . $field:ident) => {
        Key {
            name: concat!(stringify!($section), ".", stringify!($field)),
            env: Env::None,
            kind: Kind::CustomMapping,
        }
    };
}

use Env as E;

/// Every key, in the order `config show` and error messages list them. Variable names follow
/// ftrack's and OpenLDAP's own tools.
#[rustfmt::skip]
pub(super) const KEYS: &[Key] = &[
    //       key                        environment                       check               display
    setting!(ldap.uri,                  E::Var("LDAP_URI"),                Some(ldap_uri),     display::url),
    setting!(ldap.bind_dn,              E::Var("LDAP_BIND_DN"),            Some(text),         display::opt),
    secret!(ldap.bind_password,         E::Var("LDAP_BIND_PASSWORD")),
    secret_file!(ldap.bind_password,    E::Var("LDAP_BIND_PASSWORD_FILE")),
    setting!(ldap.user_base_dn,         E::Var("LDAP_USER_BASE_DN"),       Some(text),         display::opt),
    setting!(ldap.user_filter,          E::Var("LDAP_USER_FILTER"),        ldap_filter,        display::toml_string),
    setting!(ldap.group_base_dn,        E::None,                           Some(text),         display::opt),
    setting!(ldap.group_filter,         E::None,                           ldap_filter,        display::toml_string),
    setting!(ldap.starttls,             E::None,                           boolean,            display::literal),
    setting!(ldap.ca_file,              E::Var("LDAPTLS_CACERT"),          Some(path),         display::opt_path),
    setting!(ldap.allow_insecure,       E::None,                           boolean,            display::literal),
    setting!(ldap.tls_verify,           E::None,                           boolean,            display::literal),
    setting!(ldap.page_size,            E::None,                           page_size,          display::literal),
    setting!(ldap.nested_groups,        E::None,                           nested_groups,      display::quoted),
    setting!(ldap.timeout_secs,         E::None,                           seconds,            display::literal),
    setting!(ftrack.server,             E::Var("FTRACK_SERVER"),           Some(http_url),     display::url),
    setting!(ftrack.api_user,           E::Var("FTRACK_API_USER"),         Some(text),         display::opt),
    secret!(ftrack.api_key,             E::Var("FTRACK_API_KEY")),
    secret_file!(ftrack.api_key,        E::Var("FTRACK_API_KEY_FILE")),
    setting!(ftrack.batch_size,         E::None,                           batch_size,         display::literal),
    setting!(ftrack.timeout_secs,       E::None,                           seconds,            display::literal),
    setting!(ftrack.concurrency,        E::None,                           concurrency,        display::literal),
    setting!(ftrack.max_response_mb,    E::None,                           megabytes,          display::literal),
    setting!(mapping.id,                E::AttributeMap,                   attr_expr,          display::expr),
    setting!(mapping.username,          E::AttributeMap,                   attr_expr,          display::expr),
    setting!(mapping.email,             E::AttributeMap,                   attr_expr,          display::expr),
    setting!(mapping.first_name,        E::AttributeMap,                   attr_expr,          display::expr),
    setting!(mapping.last_name,         E::AttributeMap,                   attr_expr,          display::expr),
    setting!(mapping.display_name,      E::AttributeMap,                   attr_expr,          display::expr),
    setting!(mapping.groups,            E::AttributeMap,                   attr_expr,          display::expr),
    setting!(mapping.active,            E::None,                           active_rule,        display::active),
    custom_mapping!(mapping.custom),
    managed_groups!(groups.managed),
    setting!(policy.deactivate_missing, E::None,                           deactivate_missing, display::deactivate_missing),
    setting!(policy.protected_users,    E::None,                           usernames,          display::list),
    setting!(policy.max_deactivate,     E::None,                           max_deactivate,     display::max_deactivate),
    setting!(policy.username_case,      E::None,                           username_case,      display::username_case),
    setting!(policy.deactivate_after,   E::None,                           Some(grace_period), display::opt_quoted),
    setting!(policy.deactivate_after_runs, E::None,                        Some(grace_runs),   display::opt_literal),
    setting!(policy.disabled_immediately, E::None,                         boolean,            display::literal),
    setting!(policy.max_active_users,   E::Var("LDAP2FTRACK_MAX_ACTIVE_USERS"), Some(seats), display::opt_literal),
    setting!(roles.default,             E::None,                           Some(role_name),    display::opt),
    setting!(roles.default_projects,    E::None,                           Some(project_names), display::projects),
    setting!(roles.allow_privileged,    E::None,                           boolean,            display::literal),
    role_rules!(roles.rule),
    setting!(sync.full_every,           E::None,                           period,             display::quoted),
    setting!(sync.overlap,              E::None,                           period,             display::quoted),
    setting!(sync.interval,             E::None,                           period,             display::quoted),
    setting!(state.dir,                 E::Var("LDAP2FTRACK_STATE_DIR"),   path,               display::path),
    Key {
        name: "notify.webhook_url",
        env: E::Var("LDAP2FTRACK_WEBHOOK_URL"),
        kind: Kind::Secret {
            slot: |config| &mut config.notify.webhook_url,
            show: |config| display::webhook_url(&config.notify.webhook_url),
            file: "notify.webhook_url_file",
        },
    },
    secret_file!(notify.webhook_url,    E::Var("LDAP2FTRACK_WEBHOOK_URL_FILE")),
    Key { name: "notify.webhook_headers", env: E::None, kind: Kind::WebhookHeaders },
    setting!(notify.webhook_timeout_secs, E::None,                         webhook_timeout,    display::literal),
    setting!(notify.webhook_retries,    E::None,                           webhook_retries,    display::literal),
    setting!(notify.on_run,             E::None,                           Some(hook_command), display::command),
    setting!(notify.on_run_when,        E::None,                           run_when,           display::quoted),
    setting!(notify.on_blocked,         E::None,                           Some(hook_command), display::command),
    setting!(notify.on_create,          E::None,                           Some(hook_command), display::command),
    setting!(notify.on_deactivate,      E::None,                           Some(hook_command), display::command),
    setting!(notify.hook_timeout_secs,  E::None,                           hook_timeout,       display::literal),
];

impl Key {
    /// The section, `ldap` for `ldap.uri`.
    pub(super) fn section(&self) -> &'static str {
        self.name
            .split_once('.')
            .map_or(self.name, |(section, _)| section)
    }

    /// The name within its section, `uri` for `ldap.uri`.
    pub(super) fn short_name(&self) -> &'static str {
        self.name
            .split_once('.')
            .map_or(self.name, |(_, short)| short)
    }
}

/// The key with this dotted name.
pub(super) fn find(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|key| key.name == name)
}

/// True for keys whose value must never be shown.
pub(super) fn is_secret(name: &str) -> bool {
    find(name).is_some_and(|key| matches!(key.kind, Kind::Secret { .. }))
}

/// Section names, in table order.
pub(super) fn sections() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = KEYS.iter().map(Key::section).collect();
    names.dedup();
    names
}

/// The keys of one section, in table order.
pub(super) fn in_section(section: &str) -> impl Iterator<Item = &'static Key> + '_ {
    KEYS.iter().filter(move |key| key.section() == section)
}

/// True when `name` is a section.
pub(super) fn is_section(name: &str) -> bool {
    in_section(name).next().is_some()
}

/// "unknown section/key; expected one of ..." for a dotted key that names no setting.
pub(super) fn unknown_key_message(name: &str) -> String {
    let (section, _) = name.split_once('.').unwrap_or((name, ""));
    if is_section(section) {
        let keys: Vec<&str> = in_section(section).map(Key::short_name).collect();
        format!("unknown key; expected one of {}", keys.join(", "))
    } else {
        format!("unknown section; expected one of {}", sections().join(", "))
    }
}
