//! What a new user meets: bare `ldap2ftrack` before any set-up, `--help`, the manual pages
//! and the shell completions, all from the real binary.

use crate::console_e2e::Tmux;
use crate::support::{asset, ldap2ftrack, run};
use std::path::Path;

/// The commands `--help` lists (clap's own `help` aside).
fn commands(home: &Path) -> Vec<String> {
    let help = run(ldap2ftrack(home).arg("--help"));
    help.stdout
        .split("Commands:\n")
        .nth(1)
        .expect("a command list")
        .lines()
        .take_while(|line| !line.is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .map(|line| line.split_whitespace().next().unwrap().to_string())
        .filter(|name| name != "help")
        .collect()
}

/// The version in `--version`, to keep snapshots the same across releases.
fn without_version(text: &str) -> String {
    text.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn with_nothing_configured_bare_ldap2ftrack_points_to_the_demo_init_and_the_readme() {
    let home = tempfile::tempdir().unwrap();
    let out = run(&mut ldap2ftrack(home.path()));
    assert_eq!(out.code, 78, "configuration missing: {}", out.stderr);
    assert_eq!(out.stdout, "");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stderr);
    assert!(lines[0].contains("ldap2ftrack demo"), "{}", out.stderr);
    assert!(lines[1].contains("ldap2ftrack init"), "{}", out.stderr);
    assert!(lines[2].contains("README"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("error"),
        "not a failed read: {}",
        out.stderr
    );
}

#[test]
fn a_setting_from_the_environment_or_a_file_is_no_first_run() {
    let home = tempfile::tempdir().unwrap();
    let first_run = |cmd: &mut std::process::Command| run(cmd).stderr.contains("ldap2ftrack init");
    assert!(!first_run(
        ldap2ftrack(home.path()).env("FTRACK_SERVER", "https://studio.example")
    ));
    assert!(!first_run(
        ldap2ftrack(home.path()).env("LDAP_URI", "ldaps://ldap.studio.example")
    ));
    assert!(!first_run(
        ldap2ftrack(home.path())
            .arg("-c")
            .arg(asset("assets/demo/config.toml"))
    ));
    // Not on a terminal, a configured bare run is a usage error, as before.
    let piped = run(ldap2ftrack(home.path())
        .arg("-c")
        .arg(asset("assets/demo/config.toml")));
    assert_eq!(piped.code, 64, "{}", piped.stderr);
}

#[test]
fn review_with_a_setting_missing_is_a_configuration_error_before_anything_else() {
    let home = tempfile::tempdir().unwrap();
    let review = |extra: &[&str]| {
        run(ldap2ftrack(home.path())
            .arg("-c")
            .arg(asset("assets/demo/config.toml"))
            .arg("review")
            .args(extra))
    };
    let no_ftrack = review(&[]);
    assert_eq!(no_ftrack.code, 78, "{}", no_ftrack.stderr);
    assert!(
        no_ftrack.stderr.contains("ftrack.server is not set"),
        "{}",
        no_ftrack.stderr
    );
    let no_ldap = run(ldap2ftrack(home.path())
        .env("FTRACK_SERVER", "http://127.0.0.1:1")
        .env("FTRACK_API_USER", "sync")
        .env("FTRACK_API_KEY", "key")
        .arg("review"));
    assert_eq!(no_ldap.code, 78, "{}", no_ldap.stderr);
    assert!(
        no_ldap.stderr.contains("[ldap] uri") && no_ldap.stderr.contains("--ldif"),
        "{}",
        no_ldap.stderr
    );
}

#[test]
fn on_a_terminal_the_console_exits_78_naming_the_missing_setting() {
    let dir = tempfile::tempdir().unwrap();
    // Bare `ldap2ftrack` with a configuration opens the console on a terminal; ftrack is unset.
    let command = format!(
        "HOME={home} {binary} -c {config}; echo exit=$? > exit.txt; sleep 600",
        home = dir.path().display(),
        binary = env!("CARGO_BIN_EXE_ldap2ftrack"),
        config = asset("assets/demo/config.toml").display(),
    );
    let console = Tmux::start(&command, dir.path());
    assert_eq!(console.wait_for_exit(dir.path()), "exit=78");
    let screen = console.wait_for("ftrack.server is not set");
    assert!(!screen.contains("The read failed"), "{screen}");
}

#[test]
fn help_puts_global_options_apart_and_ends_with_examples() {
    let home = tempfile::tempdir().unwrap();
    let top = run(ldap2ftrack(home.path()).arg("--help"));
    assert_eq!(top.code, 0);
    insta::assert_snapshot!("help", without_version(&top.stdout));
    let plan = run(ldap2ftrack(home.path()).args(["plan", "--help"]));
    insta::assert_snapshot!("help_plan", plan.stdout);
    let names = commands(home.path());
    for name in [
        "review",
        "plan",
        "apply",
        "check",
        "demo",
        "config",
        "completions",
        "man",
    ] {
        assert!(names.iter().any(|n| n == name), "{names:?}");
    }
    let mut pages = vec![vec![]];
    pages.extend(names.iter().map(|name| vec![name.as_str()]));
    pages.extend([vec!["config", "show"], vec!["config", "validate"]]);
    for args in pages {
        let help = run(ldap2ftrack(home.path()).args(&args).arg("--help"));
        assert_eq!(help.code, 0, "{args:?}: {}", help.stderr);
        let examples = help
            .stdout
            .rsplit_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("{args:?} --help has no examples:\n{}", help.stdout))
            .1;
        // One example a line; a long one goes on, further indented, on the next.
        let count = examples
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
            .count();
        assert!((2..=3).contains(&count), "{args:?}: {examples}");
        assert!(examples.contains("ldap2ftrack "), "{args:?}: {examples}");
        assert!(
            help.stdout
                .contains("Global options:\n  -c, --config <FILE>"),
            "{args:?}"
        );
        // The examples end the page: nothing follows them.
        assert!(!examples.contains("\n\n"), "{args:?}: {examples}");
    }
}

#[test]
fn man_prints_the_main_page_and_writes_one_page_per_command() {
    let home = tempfile::tempdir().unwrap();
    let main = run(ldap2ftrack(home.path()).arg("man"));
    assert_eq!(main.code, 0, "{}", main.stderr);
    insta::assert_snapshot!("man_page", without_version(&main.stdout));
    let dir = home.path().join("man1");
    let out = run(ldap2ftrack(home.path()).arg("man").arg(&dir));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    let mut expected: Vec<String> = commands(home.path())
        .iter()
        .map(|name| format!("ldap2ftrack-{name}.1"))
        .chain(["ldap2ftrack.1".into()])
        .chain([
            "ldap2ftrack-config-show.1".into(),
            "ldap2ftrack-config-validate.1".into(),
        ])
        .collect();
    expected.sort();
    assert_eq!(written, expected);
    let plan = std::fs::read_to_string(dir.join("ldap2ftrack-plan.1")).unwrap();
    assert!(plan.contains(".TH ldap2ftrack-plan 1 "), "{plan}");
    assert!(plan.contains("\\-\\-detailed\\-exitcode"), "{plan}");
    assert!(plan.contains(".SH EXAMPLES\n.nf\n  ldap2ftrack"), "{plan}");
    // man(1) reads the page as it is, where man-db is installed.
    if Path::new("/usr/bin/man").exists() {
        // A clean environment, so that no pager, locale or manual path of the
        // caller's plays a part; man-db's own seccomp sandbox is turned off
        // because some container runtimes refuse to load its filter, which has
        // nothing to do with the page.
        let rendered = std::process::Command::new("man")
            .arg("-l")
            .arg(dir.join("ldap2ftrack-plan.1"))
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("LANG", "C.UTF-8")
            .env("MANWIDTH", "80")
            .env("MAN_DISABLE_SECCOMP", "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&rendered.stdout);
        assert!(
            rendered.status.success(),
            "man -l exited with {}: {}",
            rendered.status,
            String::from_utf8_lossy(&rendered.stderr)
        );
        assert!(text.contains("detailed-exitcode"), "{text}");
    }
}

#[test]
fn bash_completes_commands_and_values_from_the_generated_script() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(ldap2ftrack(home.path()).args(["completions", shell]));
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains("ldap2ftrack"), "{shell}");
        assert!(out.stdout.contains("detailed-exitcode"), "{shell}");
    }
    let script = home.path().join("ldap2ftrack.bash");
    let bash = run(ldap2ftrack(home.path()).args(["completions", "bash"]));
    std::fs::write(&script, bash.stdout).unwrap();
    // What bash offers after `ldap2ftrack pl` and after `ldap2ftrack completions `.
    let complete = |words: &str| {
        let out = std::process::Command::new("bash")
            .arg("--norc")
            .arg("-c")
            .arg(format!(
                "source {script}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
                 COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; \
                 _ldap2ftrack ldap2ftrack \"${{COMP_WORDS[COMP_CWORD]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                script = script.display()
            ))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(complete("ldap2ftrack pl").trim(), "plan");
    let shells = complete("ldap2ftrack completions ''");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(shells.lines().any(|l| l == shell), "{shells}");
    }
}

#[test]
fn unknown_commands_stay_usage_errors() {
    let home = tempfile::tempdir().unwrap();
    let out = run(ldap2ftrack(home.path()).args(["completions", "tcsh"]));
    assert_eq!(out.code, 64, "{}", out.stderr);
}
