//! `ldap2ftrack init`: asks for (or takes as flags) how to reach the directory and ftrack,
//! recognises the kind of directory server, proposes settings for it, counts the users they
//! select, checks ftrack, shows a summary and writes a commented config with its secrets in
//! separate files. Detection, proposal and rendering are pure (`crate::setup`); this module
//! asks, connects and writes.

use super::init_ask::{AskError, Prompter};
use super::init_directory::{
    connection_settings, drop_empty_group_base, ldap_answers, naming_context, placed, secret_place,
    settle_users,
};
use super::init_files::{API_KEY, Output, SecretFile, config_dir, read_secret};
use super::init_probe::{check_ftrack, containers, discover};
use super::output::Console;
use crate::cli::{Cli, InitArgs};
use crate::config::{self, CONFIG_ENV, ConfigError, Overrides};
use crate::exit;
use crate::ftrack::error::FtrackError;
use crate::setup::propose::{Facts, propose};
use crate::setup::render::{Draft, FtrackAccess, render};
use crate::source::ldap::Probe;
use crate::source::ldap::error::DirectoryError;
use crate::source::ldap::settings::LdapSettings;
use std::path::{Path, PathBuf};

/// Why `init` stopped without writing.
#[derive(Debug, thiserror::Error)]
pub(super) enum InitError {
    /// A question got no answer.
    #[error(transparent)]
    Ask(#[from] AskError),
    /// A flag's value cannot be used.
    #[error("{0}")]
    Usage(String),
    /// Files are there already and may not be replaced.
    #[error(
        "{0} already exists; nothing was written (pass --force to replace, or answer yes when asked)"
    )]
    Exists(String),
    /// The admin said no.
    #[error("nothing was written")]
    Declined,
    /// The directory could not be reached or read.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    /// ftrack could not be reached or refused the API user.
    #[error("ftrack: {0}")]
    Ftrack(#[from] FtrackError),
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file written does not load (a bug: say so).
    #[error("the configuration written does not load: {0}")]
    Config(#[from] ConfigError),
}

impl InitError {
    fn exit_code(&self) -> i32 {
        match self {
            Self::Ask(AskError::Io(..)) => exit::ERROR,
            Self::Ask(_) | Self::Usage(_) => exit::USAGE,
            Self::Exists(_) | Self::Declined | Self::Write { .. } => exit::ERROR,
            Self::Directory(e) if e.is_configuration() => exit::CONFIG,
            Self::Directory(_) | Self::Ftrack(_) => exit::UNAVAILABLE,
            Self::Config(_) => exit::CONFIG,
        }
    }
}

/// Runs `init`; returns the exit code.
pub fn run(cli: &Cli, args: &InitArgs, console: &Console) -> anyhow::Result<i32> {
    let mut ask = Prompter::new(cli.no_input);
    match init(cli, args, &mut ask, console) {
        Ok(()) => Ok(exit::OK),
        Err(error) => {
            eprintln!("error: {error}");
            Ok(error.exit_code())
        }
    }
}

fn init(
    cli: &Cli,
    args: &InitArgs,
    ask: &mut Prompter,
    console: &Console,
) -> Result<(), InitError> {
    let config = config_path(cli, ask)?;
    let mut cleared = allow_replacing(std::slice::from_ref(&config), args.force, ask, &[])?;
    let dir = config_dir(&config);
    let (access, password) = ldap_answers(args, ask, &dir)?;
    let base = connection_settings(&access, &password)?;
    console.say(&format!("Connecting to {} ...", access.uri));
    let discovery = discover(&base)?;
    console.say(&format!("The directory is {}.", discovery.kind.label()));
    let context = naming_context(&discovery, args, ask)?;
    let facts = Facts {
        kind: discovery.kind,
        naming_context: context.clone(),
        schema: discovery.schema.clone(),
        containers: containers(&base, &context)?,
    };
    let mut proposal = propose(&facts);
    drop_empty_group_base(&mut proposal, &base)?;
    let (directory, probe) = settle_users(args, ask, &base, proposal, console)?;
    let (ftrack, key) = ftrack_answers(args, ask, &dir)?;
    let ftrack_line = ftrack_check(&ftrack, &key, ask)?;
    let draft = Draft {
        kind: discovery.kind,
        ldap: access,
        directory,
        users: probe.users,
        ftrack,
    };
    let output = Output {
        config: config.clone(),
        secrets: [password, key].into_iter().flatten().collect(),
    };
    print_summary(&draft, &probe, &ftrack_line, &output);
    let all: Vec<PathBuf> = output.existing().iter().map(|p| p.to_path_buf()).collect();
    cleared.extend(allow_replacing(&all, args.force, ask, &cleared)?);
    if ask.enabled() && !ask.confirm("Write these files?", true)? {
        return Err(InitError::Declined);
    }
    write_and_verify(&output, &render(&draft))?;
    println!("wrote    {}", list(&files(&output)));
    console.say(&format!(
        "Next: ldap2ftrack -c {0} check, then ldap2ftrack -c {0} plan (changes nothing).",
        config.display()
    ));
    Ok(())
}

/// Where the config goes: `-c`, else `LDAP2FTRACK_CONFIG`, else asked.
fn config_path(cli: &Cli, ask: &mut Prompter) -> Result<PathBuf, InitError> {
    let given = cli.config.clone().or_else(|| {
        std::env::var_os(CONFIG_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let missing = AskError::Missing {
        what: "where to write the configuration",
        flag: "-c FILE (or LDAP2FTRACK_CONFIG)",
    };
    let path = match given {
        Some(path) => path,
        None if !ask.enabled() => return Err(missing.into()),
        None => PathBuf::from(ask.text("Write the configuration to", "ldap2ftrack.toml")?),
    };
    Ok(path)
}

/// The files of `paths` that exist and were not cleared before, each allowed by `--force` or
/// the admin; the ones cleared now.
fn allow_replacing(
    paths: &[PathBuf],
    force: bool,
    ask: &mut Prompter,
    cleared: &[PathBuf],
) -> Result<Vec<PathBuf>, InitError> {
    let there: Vec<PathBuf> = paths
        .iter()
        .filter(|p| (p.exists() || p.is_symlink()) && !cleared.contains(p))
        .cloned()
        .collect();
    if there.is_empty() || force {
        return Ok(there);
    }
    let names = list(&there);
    if !ask.enabled() {
        return Err(InitError::Exists(names));
    }
    if ask.confirm(&format!("{names} already exists. Replace it?"), false)? {
        Ok(there)
    } else {
        Err(InitError::Exists(names))
    }
}

fn list(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

fn files(output: &Output) -> Vec<PathBuf> {
    std::iter::once(output.config.clone())
        .chain(output.secrets.iter().map(|s| s.path.clone()))
        .collect()
}

/// How to reach ftrack, and the API key when one is to be written.
fn ftrack_answers(
    args: &InitArgs,
    ask: &mut Prompter,
    dir: &Path,
) -> Result<(FtrackAccess, Option<SecretFile>), InitError> {
    let server = ask.required(
        args.ftrack_server.clone(),
        "ftrack server URL (https://...)",
        AskError::Missing {
            what: "the ftrack server",
            flag: "--ftrack-server (or FTRACK_SERVER)",
        },
    )?;
    let user = ask.required(
        args.ftrack_api_user.clone(),
        "ftrack API user",
        AskError::Missing {
            what: "the ftrack API user",
            flag: "--ftrack-api-user (or FTRACK_API_USER)",
        },
    )?;
    let place = secret_place(
        args.ftrack_api_key_file.as_deref(),
        "--ftrack-api-key-file",
        "FTRACK_API_KEY",
        ask,
        &format!("API key of {user}"),
        AskError::Missing {
            what: "the ftrack API key",
            flag: "--ftrack-api-key-file (or FTRACK_API_KEY)",
        },
    )?;
    let (file_name, secret) = placed(Some(place), dir, API_KEY);
    let access = FtrackAccess {
        server: server.trim_end_matches('/').to_string(),
        api_user: user,
        api_key_file: file_name.unwrap_or_default(),
    };
    Ok((access, secret))
}

/// The ftrack line of the summary; a failure stops `--no-input`, and is the admin's call
/// otherwise.
fn ftrack_check(
    ftrack: &FtrackAccess,
    key: &Option<SecretFile>,
    ask: &mut Prompter,
) -> Result<String, InitError> {
    let secret = match key {
        Some(file) => file.secret.clone(),
        None => read_secret(Path::new(&ftrack.api_key_file), "--ftrack-api-key-file")
            .map_err(InitError::Usage)?,
    };
    match check_ftrack(&ftrack.server, &ftrack.api_user, secret) {
        Ok(line) => Ok(format!("ok: {line}")),
        Err(error) if ask.enabled() => {
            eprintln!("ftrack: {error}");
            if ask.confirm("Write the configuration anyway?", false)? {
                Ok(format!("FAILED: {error}"))
            } else {
                Err(InitError::Declined)
            }
        }
        Err(error) => Err(error.into()),
    }
}

fn print_summary(draft: &Draft, probe: &Probe, ftrack: &str, output: &Output) {
    let directory = &draft.directory;
    let tls = match (probe.tls.protocol, probe.security) {
        (Some(protocol), security) => format!("{security}, {protocol}"),
        (None, security) => security.to_string(),
    };
    println!(
        "server   {} at {} ({tls}), bound as {}",
        draft.kind.label(),
        probe.uri,
        probe.identity
    );
    let mut users = format!(
        "users    {} match {} under {}",
        probe.users, directory.user_filter.value, directory.user_base_dn.value
    );
    if let Some(why) = &probe.incomplete {
        users.push_str(&format!(" (count may be short: {why})"));
    }
    println!("{users}");
    println!(
        "groups   {}",
        directory
            .group_base_dn
            .value
            .as_deref()
            .unwrap_or("from memberOf only (no group base)")
    );
    let rules: Vec<&str> = directory.active.value.iter().map(|r| r.name()).collect();
    println!(
        "mapping  id {}, username {}, disabled by {}",
        directory.id.value,
        directory.username.value,
        if rules.is_empty() {
            "nothing (every matched entry is active)".to_string()
        } else {
            rules.join(", ")
        }
    );
    println!("ftrack   {ftrack}");
    println!("files    {} (mode 0600)", list(&files(output)));
}

/// Writes the files, then loads the config the way every later run will.
fn write_and_verify(output: &Output, text: &str) -> Result<(), InitError> {
    output.write(text).map_err(|source| InitError::Write {
        path: output.config.display().to_string(),
        source,
    })?;
    let loaded = config::load(Some(&output.config), &|_| None, &Overrides::default())?;
    LdapSettings::from_config(&loaded, loaded.ldap.user_filter.clone())
        .and_then(|settings| settings.check())?;
    Ok(())
}
