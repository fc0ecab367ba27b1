//! The console end to end: the real binary's `demo` in tmux at 80x24, driven by keys like an
//! admin would, then the demo ftrack server's final state, the exported report and the
//! terminal are checked.

use crate::support::root;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux session running one command at 80x24.
pub(crate) struct Tmux {
    name: String,
}

/// tmux on a server of the session's own, so that tests starting and ending sessions at the
/// same time never race over one shared server.
fn tmux(session: &str) -> Command {
    let mut command = Command::new("tmux");
    command.args(["-L", session]);
    command
}

impl Tmux {
    pub(crate) fn start(command: &str, dir: &Path) -> Self {
        Self::start_sized(command, dir, (80, 24))
    }

    fn start_sized(command: &str, dir: &Path, (width, height): (u16, u16)) -> Self {
        static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("l2f-e2e-{}-{n}", std::process::id());
        let status = tmux(&name)
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                "-c",
            ])
            .arg(dir)
            .arg(command)
            .env_remove("NO_COLOR")
            .status()
            .expect("tmux runs (the test command installs it)");
        assert!(status.success());
        Self { name }
    }

    pub(crate) fn keys(&self, keys: &[&str]) {
        let status = tmux(&self.name)
            .args(["send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn type_text(&self, text: &str) {
        let status = tmux(&self.name)
            .args(["send-keys", "-t", &self.name, "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let out = tmux(&self.name)
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn alternate_screen(&self) -> bool {
        let out = tmux(&self.name)
            .args(["display-message", "-p", "-t", &self.name, "#{alternate_on}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Waits until the screen shows `text` (polling the pane; the console redraws on change).
    pub(crate) fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {text:?}; the screen shows:\n{screen}"
            );
            std::thread::yield_now();
        }
    }
}

impl Tmux {
    /// Sends `signal` (e.g. `-TERM`) to the program the pane's shell runs.
    fn signal_program(&self, signal: &str) {
        let out = tmux(&self.name)
            .args(["display-message", "-p", "-t", &self.name, "#{pane_pid}"])
            .output()
            .unwrap();
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let children = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
        let program = String::from_utf8_lossy(&children.stdout)
            .lines()
            .next()
            .expect("the program runs under the pane's shell")
            .to_string();
        let sent = Command::new("kill")
            .args([signal, &program])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Waits until the pane's command line wrote its exit line to `dir/exit.txt`; returns it.
    pub(crate) fn wait_for_exit(&self, dir: &Path) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(text) = std::fs::read_to_string(dir.join("exit.txt"))
                && text.contains('\n')
            {
                return text.trim().to_string();
            }
            assert!(
                Instant::now() < deadline,
                "the program did not exit:\n{}",
                self.screen()
            );
            std::thread::yield_now();
        }
    }
}

/// The demo console in tmux at this size, dumping the demo ftrack server to `final.json` and
/// writing its exit code to `exit.txt` when it ends.
fn demo_in(dir: &Path, size: (u16, u16)) -> Tmux {
    let command = format!(
        "HOME={home} {binary} demo --dump final.json; echo exit=$? > exit.txt; sleep 600",
        home = dir.display(),
        binary = env!("CARGO_BIN_EXE_ldap2ftrack"),
    );
    Tmux::start_sized(&command, dir, size)
}

/// The demo ftrack server's users as the console left them.
fn final_users(dir: &Path) -> Vec<serde_json::Value> {
    let dump = std::fs::read_to_string(dir.join("final.json")).expect("the demo dumped its server");
    let state: serde_json::Value = serde_json::from_str(&dump).unwrap();
    state["users"].as_array().unwrap().clone()
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = tmux(&self.name)
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

#[test]
fn an_admin_reviews_resolves_commits_and_exports_in_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = demo_in(dir.path(), (80, 24));
    let first = tmux.wait_for("1+Create 26");
    assert!(first.contains("DEMO"), "{first}");
    assert!(tmux.alternate_screen());
    // Approve the first three creates.
    tmux.keys(&["y", "y", "y"]);
    tmux.wait_for("approved 3");
    // Resolve the first conflict (a login with a space) by renaming it.
    tmux.keys(&["3"]);
    tmux.wait_for("anna k");
    tmux.keys(&["Enter"]);
    tmux.wait_for("r   use another ftrack username");
    tmux.keys(&["r", "C-u"]);
    tmux.type_text("anna.kovacs");
    tmux.wait_for("available");
    tmux.keys(&["Enter"]);
    // The cursor stays in the conflict list; the note says where the row went.
    tmux.wait_for("renamed to anna.kovacs; now: create (in Create)");
    // Resolve the email conflict by linking to the ftrack user who has that email.
    tmux.keys(&["3", "G", "Enter", "m"]);
    tmux.wait_for("srusso.fl  Sofia Russo  <srusso@northlight.example>  same email");
    tmux.keys(&["Enter"]);
    tmux.wait_for("linked to ftrack user srusso.fl");
    // Commit what was approved.
    tmux.keys(&["c"]);
    let modal = tmux.wait_for("Enter apply");
    assert!(modal.contains("+ create           4"), "{modal}");
    tmux.keys(&["Enter"]);
    let results = tmux.wait_for("created 4");
    assert!(results.contains("failed 0"), "{results}");
    // Export the report, then quit: the commit took every decision, so nothing is asked.
    tmux.keys(&["x", "C-u"]);
    tmux.type_text("report.html");
    tmux.keys(&["Enter"]);
    tmux.wait_for("report written to report.html");
    tmux.keys(&["Q"]);
    assert_eq!(tmux.wait_for_exit(dir.path()), "exit=0");
    // The terminal is given back: main screen, and the shell's output is visible.
    assert!(!tmux.alternate_screen(), "{}", tmux.screen());
    let users = final_users(dir.path());
    let find = |name: &str| users.iter().find(|u| u["username"] == name);
    assert!(find("anna.kovacs").is_some_and(|u| u["is_active"] == true));
    let sofia = find("srusso").expect("the linked user took the directory username");
    let fl = std::fs::read_to_string(root().join("assets/demo/ftrack.json")).unwrap();
    assert!(
        fl.contains(sofia["id"].as_str().unwrap()),
        "the link reused the existing user"
    );
    assert!(find("srusso.fl").is_none());
    let report = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        report.contains("anna.kovacs"),
        "the report lists the rename"
    );
}

#[test]
fn a_staged_rollout_of_a_marked_row_brings_the_rename_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = demo_in(dir.path(), (80, 24));
    tmux.wait_for("1+Create 26");
    // Pavan Patel's login is freed by Priya Patel's rename, an update in another bucket.
    tmux.keys(&["/"]);
    tmux.type_text("pavan");
    tmux.keys(&["Enter"]);
    let row = tmux.wait_for("Pavan Patel (ppatel)");
    assert!(row.contains("needs rename ppatel"), "{row}");
    tmux.keys(&["y"]);
    tmux.wait_for("ppatel needs what these pending rows do");
    tmux.keys(&["n"]);
    tmux.wait_for("approved alone");
    tmux.keys(&["Space", "c"]);
    let modal = tmux.wait_for("Enter apply");
    assert!(modal.contains("[marked (1)]"), "{modal}");
    assert!(
        modal.contains("rename ppatel -> priya.patel, needed by ppatel"),
        "{modal}"
    );
    tmux.keys(&["Enter"]);
    let results = tmux.wait_for("created 1");
    assert!(
        results.contains("updated 1") && results.contains("failed 0"),
        "{results}"
    );
    assert!(!results.contains("stale 1"), "{results}");
    tmux.keys(&["Q"]);
    assert_eq!(tmux.wait_for_exit(dir.path()), "exit=0");
    let users = final_users(dir.path());
    let email_of = |name: &str| {
        users
            .iter()
            .find(|u| u["username"] == name)
            .map(|u| u["email"].clone())
    };
    assert_eq!(
        email_of("ppatel"),
        Some("pavan.patel@northlight.example".into())
    );
    assert_eq!(
        email_of("priya.patel"),
        Some("priya.patel@northlight.example".into())
    );
}

#[test]
fn on_the_board_at_200x50_an_admin_approves_across_columns_and_commits() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = demo_in(dir.path(), (200, 50));
    // The columns' titles (the header names the buckets too): wait for the last one drawn.
    tmux.wait_for("^Reactivate 2 ─");
    let board = tmux.wait_for("detail · Enter full screen");
    for column in [
        "┌ +Create 26 ─",
        "┌ ~Update 20 ─",
        "┌ !Conflict 5 ─",
        "┌ -Deactivate 10 ─",
    ] {
        assert!(board.contains(column), "{column} is a column: {board}");
    }
    assert!(board.contains("detail · Enter full screen"), "{board}");
    // Approve the first create, then move to the updates and approve the first one there.
    tmux.keys(&["y"]);
    tmux.wait_for("approved 1");
    tmux.keys(&["Right"]);
    tmux.wait_for("~ update Adam Kowalski (akowalski)");
    tmux.keys(&["y"]);
    tmux.wait_for("approved 2");
    // Back on Create, its cursor is where it was left (on the next undecided row).
    tmux.keys(&["Left"]);
    tmux.wait_for("+ create Ananya Nair (anair)");
    tmux.keys(&["c"]);
    let modal = tmux.wait_for("Enter apply");
    assert!(modal.contains("+ create           1"), "{modal}");
    assert!(modal.contains("~ update           1"), "{modal}");
    tmux.keys(&["Enter"]);
    let results = tmux.wait_for("created 1");
    assert!(
        results.contains("updated 1") && results.contains("failed 0"),
        "{results}"
    );
    tmux.keys(&["Q"]);
    assert_eq!(tmux.wait_for_exit(dir.path()), "exit=0");
    let users = final_users(dir.path());
    assert!(users.iter().any(|u| u["username"] == "ahaddad"));
    assert!(
        users
            .iter()
            .any(|u| u["username"] == "AKowalski" && u["last_name"] == "Kowalski"),
        "the update fixed the last name (the login keeps its case)"
    );
}

#[test]
fn sigterm_stops_the_console_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let binary = env!("CARGO_BIN_EXE_ldap2ftrack");
    let command = format!(
        "HOME={home} {binary} demo; echo exit=$? > exit.txt; sleep 600",
        home = dir.path().display()
    );
    let tmux = Tmux::start(&command, dir.path());
    tmux.wait_for("1+Create 26");
    tmux.keys(&["y"]);
    tmux.wait_for("approved 1");
    tmux.signal_program("-TERM");
    assert_eq!(tmux.wait_for_exit(dir.path()), "exit=130");
    assert!(!tmux.alternate_screen(), "{}", tmux.screen());
}

/// `ldap2ftrack sandbox` seeded with the demo's ftrack data, signed in as the seed's own API
/// user (so the sandbox adds none and the counts are the demo's); returns the process and its URL.
fn demo_sandbox() -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ldap2ftrack"))
        .args([
            "sandbox",
            "--api-user",
            "ldap2ftrack-api",
            "--api-key",
            "e2e-key",
            "--seed",
        ])
        .arg(root().join("assets/demo/ftrack.json"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    (child, url)
}

/// `review` of the demo directory against the demo sandbox at `url`, state in `dir/state`,
/// its exit code appended to `dir/exit.txt`.
fn review_command(dir: &Path, url: &str, extra: &str) -> String {
    review_command_with(dir, url, &root().join("assets/demo/config.toml"), extra)
}

/// Like [`review_command`], with another config file.
fn review_command_with(dir: &Path, url: &str, config: &Path, extra: &str) -> String {
    format!(
        "HOME={home} FTRACK_SERVER={url} FTRACK_API_USER=ldap2ftrack-api FTRACK_API_KEY=e2e-key {binary} -c {config} review --ldif {ldif} --state-dir state {extra}; echo exit=$? >> exit.txt; sleep 600",
        home = dir.display(),
        binary = env!("CARGO_BIN_EXE_ldap2ftrack"),
        config = config.display(),
        ldif = root().join("assets/demo/directory.ldif").display(),
    )
}

#[test]
fn a_dropped_session_loses_no_decisions_with_review_resume() {
    let (mut sandbox, url) = demo_sandbox();
    let dir = tempfile::tempdir().unwrap();
    crate::support::demo_state(dir.path());
    let review = |extra: &str| review_command(dir.path(), &url, extra);
    let first = Tmux::start(&review(""), dir.path());
    first.wait_for("1+Create 26");
    first.keys(&["y", "y", "n"]);
    first.wait_for("approved 2");
    // The SSH connection drops: the console gets SIGHUP.
    first.signal_program("-HUP");
    assert_eq!(first.wait_for_exit(dir.path()), "exit=130");
    drop(first);
    // Back again: --resume brings the decisions back.
    let second = Tmux::start(&review("--resume"), dir.path());
    second.wait_for("1+Create 26");
    // The pane is captured while the console may still be drawing: wait for the status bar.
    let screen = second.wait_for("approved 2");
    assert!(
        screen.contains("approved 2") && screen.contains("skipped 1"),
        "{screen}"
    );
    second.keys(&["Q"]);
    let _ = sandbox.kill();
    let _ = sandbox.wait();
}

#[test]
fn a_killed_session_is_offered_back_and_nothing_is_in_force_until_committed() {
    let (mut sandbox, url) = demo_sandbox();
    let dir = tempfile::tempdir().unwrap();
    let state = crate::support::demo_state(dir.path());
    let config = root().join("assets/demo/config.toml");
    let ldif = root().join("assets/demo/directory.ldif");
    let review = review_command(dir.path(), &url, "");
    let first = Tmux::start(&review, dir.path());
    first.wait_for("1+Create 26");
    // Ignore the first new user (a standing decision) and approve the next.
    first.keys(&["i"]);
    first.wait_for("ahaddad ignored");
    first.keys(&["y"]);
    first.wait_for("approved 1");
    let standing = std::fs::read_to_string(state.join("decisions.json")).unwrap_or_default();
    assert!(
        !standing.contains("ignore"),
        "in force too early: {standing}"
    );
    // The console is killed outright: no chance to clean up.
    first.signal_program("-KILL");
    assert_eq!(first.wait_for_exit(dir.path()), "exit=137");
    drop(first);
    std::fs::remove_file(dir.path().join("exit.txt")).unwrap();
    // Started again, plainly: it asks before restoring the unfinished session.
    let second = Tmux::start(&review, dir.path());
    let question = second.wait_for("Restore 2 decisions from");
    assert!(question.contains("y restore"), "{question}");
    second.keys(&["y"]);
    second.wait_for("restored 2 decisions");
    // The ignored user is back among the skipped (13 in the demo, and this one).
    second.wait_for("7.Skipped 14");
    // Quitting names the standing decision; discarding puts nothing in force.
    second.keys(&["Q"]);
    let quit = second.wait_for("Not in force until saved");
    assert!(quit.contains("ignore ahaddad"), "{quit}");
    second.keys(&["d"]);
    assert_eq!(second.wait_for_exit(dir.path()), "exit=0");
    let standing = std::fs::read_to_string(state.join("decisions.json")).unwrap_or_default();
    assert!(
        !standing.contains("ignore"),
        "discarded yet in force: {standing}"
    );
    assert!(
        !state.join("console-decisions.json").exists(),
        "nothing offers it again"
    );
    let previous = std::fs::read_to_string(state.join("console-decisions.previous.json")).unwrap();
    assert!(previous.contains("ignore"), "kept aside: {previous}");
    // An unattended plan still plans the user the admin discarded an ignore for.
    let out = crate::support::run(
        crate::support::ldap2ftrack(dir.path())
            .env("FTRACK_SERVER", &url)
            .env("FTRACK_API_USER", "ldap2ftrack-api")
            .env("FTRACK_API_KEY", "e2e-key")
            .arg("-c")
            .arg(&config)
            .args(["plan", "--state-dir", "state", "--ldif"])
            .arg(&ldif),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("+ ahaddad"), "{}", out.stdout);
    let _ = sandbox.kill();
    let _ = sandbox.wait();
}

#[test]
fn a_console_commit_under_no_deactivate_sets_no_shrink_baseline() {
    let (mut sandbox, url) = demo_sandbox();
    for (extra, sets_baseline) in [("--no-deactivate", false), ("", true)] {
        let dir = tempfile::tempdir().unwrap();
        let state = crate::support::demo_state(dir.path());
        let tmux = Tmux::start(&review_command(dir.path(), &url, extra), dir.path());
        tmux.wait_for("1+Create 2");
        tmux.keys(&["y"]);
        tmux.wait_for("approved 1");
        tmux.keys(&["c"]);
        tmux.wait_for("Enter apply");
        tmux.keys(&["Enter"]);
        tmux.wait_for("created 1");
        tmux.keys(&["Q"]);
        assert_eq!(tmux.wait_for_exit(dir.path()), "exit=0", "{extra}");
        assert_eq!(
            state.join("last-run.json").exists(),
            sets_baseline,
            "review {extra}"
        );
        assert!(state.join("last-outcome.json").exists(), "review {extra}");
    }
    let _ = sandbox.kill();
    let _ = sandbox.wait();
}

#[test]
fn log_lines_stay_off_the_console_and_a_failed_read_sets_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 1: every ftrack request fails and is retried, with a warning.
    let command = format!(
        "HOME={home} FTRACK_SERVER=http://127.0.0.1:1 FTRACK_API_USER=sync FTRACK_API_KEY=k {binary} -c {config} review --ldif {ldif} --state-dir state; echo exit=$? >> exit.txt; sleep 600",
        home = dir.path().display(),
        binary = env!("CARGO_BIN_EXE_ldap2ftrack"),
        config = root().join("assets/demo/config.toml").display(),
        ldif = root().join("assets/demo/directory.ldif").display(),
    );
    let console = Tmux::start(&command, dir.path());
    let screen = console.wait_for("R to retry");
    assert!(!screen.contains("WARN"), "{screen}");
    console.keys(&["q"]);
    assert_eq!(
        console.wait_for_exit(dir.path()),
        "exit=69",
        "unreachable, as headless"
    );
    let logs = std::fs::read_dir(dir.path().join("state/logs"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(
        logs.contains("WARN"),
        "the warnings went to the log file: {logs:?}"
    );
}

/// The demo config with a group search under a base that holds no groups (an incomplete
/// read) and a managed group the directory does not have, written into `dir`.
fn config_with_warnings(dir: &Path) -> std::path::PathBuf {
    let demo = std::fs::read_to_string(root().join("assets/demo/config.toml")).unwrap();
    let config = demo.replacen(
        "[groups.managed]\n",
        "[ldap]\ngroup_base_dn = \"ou=nowhere,dc=northlight,dc=example\"\n\n[groups.managed]\n\"cn=gone,ou=groups,dc=northlight,dc=example\" = \"Gone\"\n",
        1,
    );
    let path = dir.join("config.toml");
    std::fs::write(&path, config).unwrap();
    path
}

#[test]
fn without_colour_an_admin_sees_the_plans_warnings_before_committing() {
    let (mut sandbox, url) = demo_sandbox();
    let dir = tempfile::tempdir().unwrap();
    crate::support::demo_state(dir.path());
    let config = config_with_warnings(dir.path());
    let command = format!(
        "NO_COLOR=1 {}",
        review_command_with(dir.path(), &url, &config, "")
    );
    let tmux = Tmux::start(&command, dir.path());
    // The header's first line: how many, the key, and the incomplete read first.
    let screen =
        tmux.wait_for("! 3 warnings (!) · incomplete read: nobody missing from it is deactivated");
    assert!(screen.contains("1+Create"), "{screen}");
    tmux.type_text("!");
    // The list's last words: the whole list is on the screen once they are (it is drawn top
    // down, so waiting for the title alone may catch it half drawn).
    let list = tmux.wait_for("group_base_dn and group_filter)");
    assert!(list.contains("Warnings (3)"), "{list}");
    for words in [
        "Held back this run: committing does not do these",
        "! incomplete directory read: the group search under",
        "! the directory read was incomplete",
        "! managed groups not found in the directory:",
        "(ftrack group \"Gone\")",
    ] {
        assert!(list.contains(words), "{words}:\n{list}");
    }
    tmux.keys(&["Escape"]);
    tmux.wait_for("Enter diff");
    assert!(!tmux.screen().contains("Warnings (3)"));
    // The commit summary says what the warnings hold back.
    tmux.keys(&["y"]);
    tmux.wait_for("approved 1");
    tmux.keys(&["c"]);
    let modal = tmux.wait_for("Enter apply");
    for words in [
        "! The directory read was incomplete: nobody missing from it",
        "! Managed group not found in the directory: nobody is",
        "3 warnings in all: Esc, then ! lists them",
    ] {
        assert!(modal.contains(words), "{words}:\n{modal}");
    }
    tmux.keys(&["Escape"]);
    tmux.wait_for("Enter diff");
    tmux.keys(&["Q"]);
    tmux.wait_for("discard & quit");
    tmux.keys(&["d"]);
    assert_eq!(tmux.wait_for_exit(dir.path()), "exit=0");
    let _ = sandbox.kill();
    let _ = sandbox.wait();
}
