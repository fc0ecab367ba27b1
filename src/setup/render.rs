//! The commented configuration file `init` writes; pure.

use super::detect::DirectoryKind;
use super::propose::Proposal;
use std::fmt::Write as _;

/// How the directory is reached, as the file will say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdapAccess {
    /// The server URI(s).
    pub uri: String,
    /// Upgrade `ldap://` with StartTLS.
    pub starttls: bool,
    /// The CA bundle, as written in the file.
    pub ca_file: Option<String>,
    /// Who binds (anonymous when none).
    pub bind_dn: Option<String>,
    /// The file holding the bind password, as written in the file.
    pub bind_password_file: Option<String>,
}

/// How ftrack is reached, as the file will say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtrackAccess {
    /// The server URL.
    pub server: String,
    /// The API user.
    pub api_user: String,
    /// The file holding the API key, as written in the file.
    pub api_key_file: String,
}

/// Everything the file says.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The kind of directory server.
    pub kind: DirectoryKind,
    /// The directory connection.
    pub ldap: LdapAccess,
    /// The directory settings (as proposed, or as the admin changed them).
    pub directory: Proposal,
    /// Users the filter matched when the file was written.
    pub users: usize,
    /// The ftrack connection.
    pub ftrack: FtrackAccess,
}

/// A TOML string (quoted and escaped).
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Comment lines of `text`, wrapped at 90 columns.
fn comment(out: &mut String, text: &str) {
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > 90 && line.len() > 1 {
            let _ = writeln!(out, "{line}");
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    let _ = writeln!(out, "{line}");
}

fn key(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "{name} = {value}");
}

/// The configuration file text.
pub fn render(draft: &Draft) -> String {
    let mut out = String::new();
    header(&mut out, draft);
    ldap_section(&mut out, draft);
    ftrack_section(&mut out, &draft.ftrack);
    mapping_section(&mut out, draft);
    rest(&mut out, &draft.directory);
    out
}

fn header(out: &mut String, draft: &Draft) {
    comment(
        out,
        &format!(
            "ldap2ftrack configuration, written by `ldap2ftrack init` for {} at {}.",
            draft.kind.label(),
            draft.ldap.uri
        ),
    );
    comment(
        out,
        "config.example.toml in the sources explains every key. Try it with `ldap2ftrack -c FILE check` and `ldap2ftrack -c FILE plan` (plan never changes anything).",
    );
    comment(
        out,
        "This file is readable by its owner only (mode 0600): it names the service accounts and servers. The secrets are in the files it names, also 0600. Relative paths are taken from the directory this file is in.",
    );
}

fn ldap_section(out: &mut String, draft: &Draft) {
    let ldap = &draft.ldap;
    let directory = &draft.directory;
    out.push_str("\n[ldap]\n");
    comment(
        out,
        "The server init talked to; several URIs separated by spaces are tried in turn.",
    );
    key(out, "uri", &quoted(&ldap.uri));
    comment(
        out,
        "Upgrade a plain ldap:// connection with StartTLS before binding.",
    );
    key(out, "starttls", &ldap.starttls.to_string());
    match &ldap.ca_file {
        Some(ca) => {
            comment(out, "The CA that issued the server's certificate.");
            key(out, "ca_file", &quoted(ca));
        }
        None => comment(
            out,
            "The server's certificate is checked against the system's CA store.",
        ),
    }
    match &ldap.bind_dn {
        Some(dn) => {
            comment(
                out,
                "The account the sync binds as; its password is in the file below.",
            );
            key(out, "bind_dn", &quoted(dn));
        }
        None => comment(out, "No bind_dn: the sync binds anonymously."),
    }
    if let Some(file) = &ldap.bind_password_file {
        key(out, "bind_password_file", &quoted(file));
    }
    out.push('\n');
    comment(out, &directory.user_base_dn.why);
    comment(out, &directory.user_filter.why);
    comment(
        out,
        &format!("{} users matched when init ran.", draft.users),
    );
    key(out, "user_base_dn", &quoted(&directory.user_base_dn.value));
    key(out, "user_filter", &quoted(&directory.user_filter.value));
    out.push('\n');
    comment(out, &directory.group_base_dn.why);
    match &directory.group_base_dn.value {
        Some(base) => key(out, "group_base_dn", &quoted(base)),
        None => comment(out, "group_base_dn = \"ou=groups,...\""),
    }
    key(out, "group_filter", &quoted(&directory.group_filter));
    out.push('\n');
    comment(out, &directory.page_size.why);
    key(out, "page_size", &directory.page_size.value.to_string());
}

fn ftrack_section(out: &mut String, ftrack: &FtrackAccess) {
    out.push_str("\n[ftrack]\n");
    key(out, "server", &quoted(&ftrack.server));
    comment(
        out,
        "The API user is always protected: the sync never changes or deactivates it.",
    );
    key(out, "api_user", &quoted(&ftrack.api_user));
    key(out, "api_key_file", &quoted(&ftrack.api_key_file));
}

fn mapping_section(out: &mut String, draft: &Draft) {
    let directory = &draft.directory;
    out.push_str("\n[mapping]\n");
    comment(out, &directory.id.why);
    key(out, "id", &quoted(&directory.id.value));
    comment(out, &directory.username.why);
    key(out, "username", &quoted(&directory.username.value));
    key(out, "email", &quoted("mail | lowercase"));
    key(out, "first_name", &quoted("givenName"));
    key(out, "last_name", &quoted("sn"));
    comment(
        out,
        "Split into first and last name when those are missing.",
    );
    key(out, "display_name", &quoted(&directory.display_name));
    key(out, "groups", &quoted("memberOf"));
    comment(out, &directory.active.why);
    let rules: Vec<String> = directory
        .active
        .value
        .iter()
        .map(|rule| quoted(rule.name()))
        .collect();
    if rules.is_empty() {
        key(out, "active", &quoted("none"));
    } else {
        key(out, "active", &format!("[{}]", rules.join(", ")));
    }
}

fn rest(out: &mut String, directory: &Proposal) {
    out.push_str("\n[groups.managed]\n");
    comment(
        out,
        "Directory group (name or DN) = ftrack group. Only the ftrack groups listed here are ever changed; none yet. For example:",
    );
    let example = match &directory.group_base_dn.value {
        Some(base) => format!("\"cn=compositing,{base}\" = \"Compositing\""),
        None => "compositing = \"Compositing\"".to_string(),
    };
    comment(out, &example);
    out.push_str("\n[policy]\n");
    comment(
        out,
        "Only ftrack users this tool linked to a directory entry are deactivated when the entry goes; at most 5% of the active users in one run (a bigger run stops without changing anything).",
    );
    key(out, "deactivate_missing", &quoted("linked"));
    key(out, "max_deactivate", &quoted("5%"));
    comment(
        out,
        "ftrack usernames never changed or deactivated (the API user is added to these).",
    );
    key(out, "protected_users", "[]");
    comment(
        out,
        "Directory logins are case-insensitive: jdoe and JDoe are one user.",
    );
    key(out, "username_case", &quoted("insensitive"));
    out.push_str("\n[state]\n");
    comment(
        out,
        "Links, lock and audit log; by default $XDG_STATE_HOME/ldap2ftrack or ~/.local/state/ldap2ftrack (the systemd units set LDAP2FTRACK_STATE_DIR=/var/lib/ldap2ftrack).",
    );
    comment(out, "dir = \"/var/lib/ldap2ftrack\"");
}

#[cfg(test)]
#[path = "tests/render.rs"]
mod tests;
