//! `ldap2ftrack man [DIR]`: the manual pages, made from the same definitions as `--help`.

use super::output::Console;
use crate::cli::{Cli, ManArgs};
use anyhow::Context;
use clap::CommandFactory;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes every page into DIR, or prints the main page to stdout.
pub fn run(args: &ManArgs, console: &Console) -> anyhow::Result<i32> {
    match &args.dir {
        Some(dir) => {
            let written = write_pages(dir)?;
            console.say(&format!(
                "wrote {} manual pages to {}",
                written.len(),
                dir.display()
            ));
        }
        None => to_stdout(&render(root())?, "the manual page")?,
    }
    Ok(crate::exit::OK)
}

/// Writes `bytes` to stdout; a reader that stopped early (`| head`) is no error.
pub(super) fn to_stdout(bytes: &[u8], what: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => written.with_context(|| format!("cannot write {what} to stdout")),
    }
}

/// The page of one command, in section 1, its examples in an EXAMPLES section.
fn render(command: clap::Command) -> anyhow::Result<Vec<u8>> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(command)
        .manual("User Commands")
        .render(&mut roff)?;
    let roff = String::from_utf8(roff).context("a manual page that is not UTF-8")?;
    Ok(examples_section(&roff).into_bytes())
}

/// clap_mangen puts the long help's epilogue, our examples, in a filled `EXTRA` section; this
/// names it EXAMPLES and keeps each example on its own line.
fn examples_section(roff: &str) -> String {
    let Some((head, rest)) = roff.split_once(".SH EXTRA\nExamples:\n") else {
        return roff.to_string();
    };
    let (examples, tail) = match rest.find("\n.SH ") {
        Some(end) => rest.split_at(end + 1),
        None => (rest, ""),
    };
    format!("{head}.SH EXAMPLES\n.nf\n{examples}.fi\n{tail}")
}

/// Writes `ldap2ftrack.1` and one `ldap2ftrack-COMMAND[-SUBCOMMAND].1` per visible command
/// into `dir` (created when missing); returns the files written.
pub fn write_pages(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    write_tree(root(), dir, &mut written)?;
    Ok(written)
}

/// The command line as the pages show it: built (so each subcommand knows its full name),
/// without clap's `help` subcommand, which `--help` covers.
fn root() -> clap::Command {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    root
}

/// Writes the page of `command` and of each visible subcommand below it.
fn write_tree(
    command: clap::Command,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> anyhow::Result<()> {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_tree(sub.clone(), dir, written)?;
    }
    let name = command
        .get_display_name()
        .unwrap_or_else(|| command.get_name())
        .to_string();
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, render(command)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_examples_become_a_section_of_unfilled_lines() {
        let roff = ".SH OPTIONS\nx\n.SH EXTRA\nExamples:\n  a\n  b\n.SH VERSION\nv1\n";
        assert_eq!(
            super::examples_section(roff),
            ".SH OPTIONS\nx\n.SH EXAMPLES\n.nf\n  a\n  b\n.fi\n.SH VERSION\nv1\n"
        );
        assert_eq!(super::examples_section("no examples\n"), "no examples\n");
    }
}
