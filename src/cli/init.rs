//! `init` options: every answer can be given as a flag (or its environment variable), so that
//! `--no-input` works in scripts.

use clap::Args;
use std::path::PathBuf;

/// `init` options.
#[derive(Debug, Clone, Default, Args)]
pub struct InitArgs {
    /// LDAP server URI: ldaps://HOST, or ldap://HOST with --starttls.
    #[arg(long, value_name = "URI", env = "LDAP_URI")]
    pub uri: Option<String>,
    /// Upgrade an ldap:// connection with StartTLS.
    #[arg(long)]
    pub starttls: bool,
    /// The CA that issued the server's certificate (default: the system's CA store).
    #[arg(long, value_name = "FILE", env = "LDAPTLS_CACERT")]
    pub ca_file: Option<PathBuf>,
    /// The account to bind as (a DN, or name@domain on Active Directory); anonymous when
    /// left out with --no-input.
    #[arg(long, value_name = "DN", env = "LDAP_BIND_DN")]
    pub bind_dn: Option<String>,
    /// A file holding the bind password, named as is in the config (else $LDAP_BIND_PASSWORD
    /// or a prompt without echo, saved to bind_password beside the config).
    #[arg(long, value_name = "FILE", env = "LDAP_BIND_PASSWORD_FILE")]
    pub bind_password_file: Option<PathBuf>,
    /// Where users are searched (default: proposed from the server's naming contexts).
    #[arg(long, value_name = "DN", env = "LDAP_USER_BASE_DN")]
    pub user_base_dn: Option<String>,
    /// Which entries are users (default: proposed for the kind of server).
    #[arg(long, value_name = "EXPR", env = "LDAP_USER_FILTER", value_parser = super::ldap_filter_text)]
    pub user_filter: Option<String>,
    /// Where groups are searched (default: a groups container, when one is found).
    #[arg(long, value_name = "DN")]
    pub group_base_dn: Option<String>,
    /// ftrack server URL.
    #[arg(long, value_name = "URL", env = "FTRACK_SERVER")]
    pub ftrack_server: Option<String>,
    /// ftrack API user.
    #[arg(long, value_name = "USER", env = "FTRACK_API_USER")]
    pub ftrack_api_user: Option<String>,
    /// A file holding the API key, named as is in the config (else $FTRACK_API_KEY or a
    /// prompt without echo, saved to ftrack_api_key beside the config).
    #[arg(long, value_name = "FILE", env = "FTRACK_API_KEY_FILE")]
    pub ftrack_api_key_file: Option<PathBuf>,
    /// Replace an existing config or secret file without asking.
    #[arg(long)]
    pub force: bool,
}
