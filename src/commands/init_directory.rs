//! `init`'s questions about the directory: how to reach it, which naming context, and the
//! user base, filter and group base, counted until the admin accepts what they select.

use super::init::InitError;
use super::init_ask::{AskError, Prompter};
use super::init_files::{BIND_PASSWORD, SecretFile, SecretPlace, absolute, read_secret};
use super::init_probe::{Discovery, count_users, holds_groups};
use super::output::Console;
use crate::cli::InitArgs;
use crate::setup::propose::{Choice, Proposal};
use crate::setup::render::LdapAccess;
use crate::source::ldap::Probe;
use crate::source::ldap::error::DirectoryError;
use crate::source::ldap::settings::LdapSettings;
use crate::source::ldap::tls::Trust;
use secrecy::SecretString;
use std::path::{Path, PathBuf};

/// How to reach the directory, and the bind password when one is to be written.
pub(super) fn ldap_answers(
    args: &InitArgs,
    ask: &mut Prompter,
    dir: &Path,
) -> Result<(LdapAccess, Option<SecretFile>), InitError> {
    let uri = ask.required(
        args.uri.clone(),
        "LDAP server URI (ldaps://HOST, or ldap://HOST with StartTLS)",
        AskError::Missing {
            what: "the LDAP server",
            flag: "--uri (or LDAP_URI)",
        },
    )?;
    let plain = uri
        .split_whitespace()
        .all(|u| u.to_ascii_lowercase().starts_with("ldap://"));
    let starttls = args.starttls
        || (plain && ask.enabled() && ask.confirm("Upgrade ldap:// with StartTLS?", true)?);
    let ca_file = match &args.ca_file {
        Some(path) => Some(absolute(path)),
        None if ask.enabled() && (starttls || !plain) => ask
            .optional(
                "CA file of the server's certificate (Enter: the system's CA store)",
                None,
            )?
            .map(|p| absolute(Path::new(&p))),
        None => None,
    };
    let bind_dn = match &args.bind_dn {
        Some(dn) => Some(dn.clone()),
        None if ask.enabled() => ask.optional(
            "Bind DN (or name@domain on Active Directory; Enter: anonymous)",
            None,
        )?,
        None => None,
    };
    let place = match &bind_dn {
        Some(dn) => Some(secret_place(
            args.bind_password_file.as_deref(),
            "--bind-password-file",
            "LDAP_BIND_PASSWORD",
            ask,
            &format!("Password of {dn}"),
            AskError::Missing {
                what: "the bind password",
                flag: "--bind-password-file (or LDAP_BIND_PASSWORD)",
            },
        )?),
        None => None,
    };
    let (file_name, secret) = placed(place, dir, BIND_PASSWORD);
    let access = LdapAccess {
        uri,
        starttls,
        ca_file: ca_file.map(|p| p.display().to_string()),
        bind_dn,
        bind_password_file: file_name,
    };
    Ok((access, secret))
}

/// Where a secret comes from: a file flag, its environment variable, or a question.
pub(super) fn secret_place(
    file: Option<&Path>,
    flag: &str,
    env: &str,
    ask: &mut Prompter,
    question: &str,
    missing: AskError,
) -> Result<(SecretPlace, SecretString), InitError> {
    if let Some(path) = file {
        let secret = read_secret(path, flag).map_err(InitError::Usage)?;
        return Ok((SecretPlace::Given(absolute(path)), secret));
    }
    let secret = match std::env::var(env).ok().filter(|v| !v.is_empty()) {
        Some(value) => SecretString::from(value),
        None => ask.secret(question, missing)?,
    };
    Ok((SecretPlace::New(secret.clone()), secret))
}

/// The file name the config gives a secret, and the file to write when it is new.
pub(super) fn placed(
    place: Option<(SecretPlace, SecretString)>,
    dir: &Path,
    name: &str,
) -> (Option<String>, Option<SecretFile>) {
    match place {
        None => (None, None),
        Some((SecretPlace::Given(path), _)) => (Some(path.display().to_string()), None),
        Some((SecretPlace::New(secret), _)) => (
            Some(name.to_string()),
            Some(SecretFile {
                path: dir.join(name),
                secret,
            }),
        ),
    }
}

/// Connection settings for the answers so far (the secret kept in memory only).
pub(super) fn connection_settings(
    access: &LdapAccess,
    password: &Option<SecretFile>,
) -> Result<LdapSettings, InitError> {
    let bind_password = match (password, &access.bind_password_file) {
        (Some(file), _) => Some(file.secret.clone()),
        (None, Some(path)) => {
            Some(read_secret(Path::new(path), "--bind-password-file").map_err(InitError::Usage)?)
        }
        (None, None) => None,
    };
    let trust = match &access.ca_file {
        Some(path) => Trust::CaFile(PathBuf::from(path)),
        None => Trust::System,
    };
    Ok(LdapSettings {
        uris: access.uri.split_whitespace().map(str::to_string).collect(),
        bind_dn: access.bind_dn.clone(),
        bind_password,
        starttls: access.starttls,
        trust,
        attempts: 1,
        ..LdapSettings::default()
    })
}

/// The naming context to look for users in: the one holding `--user-base-dn`, the only one,
/// or the admin's pick.
pub(super) fn naming_context(
    discovery: &Discovery,
    args: &InitArgs,
    ask: &mut Prompter,
) -> Result<String, InitError> {
    let contexts = &discovery.contexts;
    if let Some(base) = &args.user_base_dn {
        let lower = base.to_ascii_lowercase();
        let holding = contexts
            .iter()
            .find(|c| lower.ends_with(&c.to_ascii_lowercase()));
        return Ok(holding.cloned().unwrap_or_else(|| base.clone()));
    }
    match contexts.as_slice() {
        [] => Ok(ask.required(
            None,
            "The server names no naming context. Base DN of the directory",
            AskError::Missing {
                what: "the base DN (the server names no naming context)",
                flag: "--user-base-dn (or LDAP_USER_BASE_DN)",
            },
        )?),
        [only] => Ok(only.clone()),
        [first, ..] if !ask.enabled() => Ok(first.clone()),
        [first, ..] => {
            eprintln!("The server holds several naming contexts:");
            for (n, context) in contexts.iter().enumerate() {
                eprintln!("  {}) {context}", n + 1);
            }
            let answer = ask.text("Naming context that holds the users (number or DN)", first)?;
            Ok(match answer.parse::<usize>() {
                Ok(n) if (1..=contexts.len()).contains(&n) => contexts[n - 1].clone(),
                _ => answer,
            })
        }
    }
}

/// Leaves out a proposed groups container that holds no group: a group search finding none
/// marks every read incomplete.
pub(super) fn drop_empty_group_base(
    proposal: &mut Proposal,
    base: &LdapSettings,
) -> Result<(), InitError> {
    let Some(groups) = proposal.group_base_dn.value.clone() else {
        return Ok(());
    };
    if !holds_groups(base, &groups, &proposal.group_filter)? {
        proposal.group_base_dn = Choice {
            value: None,
            why: format!(
                "{groups} holds no group the group filter matches, so groups come from the users' memberOf alone."
            ),
        };
    }
    Ok(())
}

/// The user base, filter and group base: from flags, else proposed and offered to the admin,
/// until the admin accepts what they select.
pub(super) fn settle_users(
    args: &InitArgs,
    ask: &mut Prompter,
    base: &LdapSettings,
    mut proposal: Proposal,
    console: &Console,
) -> Result<(Proposal, Probe), InitError> {
    let mut given = (
        args.user_base_dn.clone(),
        args.user_filter.clone(),
        args.group_base_dn.clone(),
    );
    loop {
        let user_base = pick(
            &mut proposal.user_base_dn,
            given.0.take(),
            ask,
            "User base DN",
        )?;
        let filter = pick(
            &mut proposal.user_filter,
            given.1.take(),
            ask,
            "User filter",
        )?;
        pick_group_base(&mut proposal.group_base_dn, given.2.take(), ask)?;
        let settings = LdapSettings {
            user_base_dn: user_base.clone(),
            user_filter: filter.clone(),
            ..base.clone()
        };
        let probe = match count_users(&settings) {
            Ok(probe) => probe,
            Err(error @ DirectoryError::Search { .. }) if ask.enabled() => {
                eprintln!("{error}");
                continue;
            }
            Err(error) => return Err(error.into()),
        };
        console.say(&format!(
            "{} users match {filter} under {user_base}.",
            probe.users
        ));
        if probe.users > 0
            || !ask.enabled()
            || ask.confirm("No user matches. Keep these settings anyway?", false)?
        {
            return Ok((proposal, probe));
        }
    }
}

/// A flag's value, else the admin's answer with the proposal as default; the choice keeps
/// its reason only when the proposal stands.
fn pick(
    choice: &mut Choice<String>,
    given: Option<String>,
    ask: &mut Prompter,
    question: &str,
) -> Result<String, InitError> {
    let value = match given {
        Some(value) => value,
        None if ask.enabled() => ask.text(question, &choice.value)?,
        None => choice.value.clone(),
    };
    if value != choice.value {
        choice.why = format!("Set when init ran (it proposed {}).", choice.value);
        choice.value = value.clone();
    }
    Ok(value)
}

fn pick_group_base(
    choice: &mut Choice<Option<String>>,
    given: Option<String>,
    ask: &mut Prompter,
) -> Result<(), InitError> {
    let value = match given {
        Some(value) => Some(value),
        None if ask.enabled() => ask.optional(
            "Group base DN (-: none, groups from memberOf alone)",
            choice.value.as_deref(),
        )?,
        None => choice.value.clone(),
    };
    if value != choice.value {
        choice.why = "Set when init ran.".to_string();
        choice.value = value;
    }
    Ok(())
}
