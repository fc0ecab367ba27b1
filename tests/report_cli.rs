//! `plan --report` and `report --from` driven through the real binary, and the HTML report
//! opened in headless Chromium.

use crate::support::{demo_plan, ldap2ftrack, run};
use ldap2ftrack::apply::outcome::{ItemOutcome, ItemStatus, Outcome, RunInfo, RunMode, SkipCause};
use ldap2ftrack::reconcile::{Action, Plan};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The demo plan saved as JSON in `home`, as `plan --format json -o FILE` writes it.
fn saved_plan(home: &Path) -> PathBuf {
    let path = home.join("plan.json");
    let out = run(demo_plan(home).args(["--format", "json", "-o"]).arg(&path));
    assert_eq!(out.code, 0, "{}", out.stderr);
    path
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn plan_report_writes_a_csv_next_to_the_plan() {
    let home = tempfile::tempdir().unwrap();
    let reports = home.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let csv_path = reports.join("plan.csv");
    let out = run(demo_plan(home.path()).arg("--report").arg(&csv_path));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("\n+ "), "the plan still goes to stdout");
    assert!(
        out.stderr.contains("wrote the plan report (csv)"),
        "{}",
        out.stderr
    );
    assert_eq!(file_names(&reports), ["plan.csv"], "no temporary file left");

    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(
        csv.starts_with("action,username,name,dn,ftrack_id,changes,groups_to_add,groups_to_remove,reason,error,candidates,roles,skip_reason,decided_by,decided_at,what_to_do\r\n"),
        "{csv}"
    );
    let mut counts = std::collections::BTreeMap::new();
    for line in csv.lines().skip(1).filter(|l| !l.is_empty()) {
        if let Some((category, _)) = line.split_once(',') {
            *counts.entry(category.to_string()).or_insert(0) += 1;
        }
    }
    // The demo plan: 26 create, 20 update, 2 reactivate, 10 deactivate, 5 conflicts, 13 skipped.
    for (category, n) in [
        ("create", 26),
        ("update", 20),
        ("reactivate", 2),
        ("deactivate", 10),
        ("conflict", 5),
        ("skip", 13),
    ] {
        assert_eq!(counts.get(category), Some(&n), "{category} in {counts:?}");
    }
}

#[test]
fn plan_report_format_is_checked_before_anything_is_read() {
    let home = tempfile::tempdir().unwrap();
    // No directory source at all: the bad report name must be the error, not the LDAP set-up.
    let out = run(ldap2ftrack(home.path()).args(["plan", "--report", "out/report.txt"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("out/report.txt"), "{}", out.stderr);
    assert!(out.stderr.contains(".html"), "{}", out.stderr);

    let out = run(ldap2ftrack(home.path()).args(["plan", "--report", "-"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("stdout"), "{}", out.stderr);

    let out = run(ldap2ftrack(home.path()).args(["plan", "--report-format", "csv"]));
    assert_eq!(
        out.code, 64,
        "--report-format needs --report: {}",
        out.stderr
    );
}

#[test]
fn plan_report_format_flag_wins_over_the_extension() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("report.txt");
    let out = run(demo_plan(home.path())
        .arg("--report")
        .arg(&path)
        .args(["--report-format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(report["format_version"], 3);
    assert_eq!(report["kind"], "plan");
    assert_eq!(report["summary"]["created"], 26);
    assert_eq!(report["run"]["mode"], "plan");
    assert!(
        report["run"]["ftrack"]
            .as_str()
            .unwrap()
            .ends_with("ftrack.json"),
        "the snapshot is named as the ftrack source: {}",
        report["run"]
    );
    assert!(
        report["run"]["directory"]
            .as_str()
            .unwrap()
            .ends_with("directory.ldif")
    );
}

#[test]
fn report_from_a_saved_plan_writes_html() {
    let home = tempfile::tempdir().unwrap();
    let plan = saved_plan(home.path());
    let html_path = home.path().join("x.html");
    let out = run(ldap2ftrack(home.path())
        .args(["report", "--from"])
        .arg(&plan)
        .arg("-o")
        .arg(&html_path));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "", "the report went to the file");
    let summary: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("Report "))
        .collect();
    assert_eq!(summary.len(), 1, "{}", out.stderr);
    assert!(summary[0].contains("26 to create"), "{}", summary[0]);

    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>ldap2ftrack plan report</title>"));
    // The facts of the run that computed the plan, and apart from them the report's own.
    assert!(html.contains("<th scope=\"row\">Computed</th>"), "{html}");
    assert!(html.contains("directory.ldif</td>"), "{html}");
    assert!(
        html.contains(&format!(" from {}</td>", plan.display())),
        "says which file it was made from"
    );
    assert!(html.contains("<td>to create</td><td class=\"n\">26</td>"));
    assert!(html.contains("Conflicts to resolve (5)"));
}

/// Checks a run fact before a snapshot redacts it, so the redaction cannot hide a wrong value.
fn redact_checked(name: &'static str, check: fn(&str) -> bool) -> insta::internals::Redaction {
    insta::dynamic_redaction(move |value, _path| {
        let text = value.as_str().unwrap_or_default().to_string();
        assert!(check(&text), "run fact {name} = {text:?}");
        format!("[{name}]")
    })
}

#[test]
fn a_report_from_the_demo_plan_is_the_same_but_for_its_run_facts() {
    let home = tempfile::tempdir().unwrap();
    // A relative path: the report names the plan it came from, and the temp dir varies.
    let out = run(ldap2ftrack(home.path()).args(["demo", "--format", "json", "-o", "plan.json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(ldap2ftrack(home.path()).args([
        "report",
        "--format",
        "json",
        "-o",
        "-",
        "--from",
        "plan.json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    insta::assert_json_snapshot!("demo_plan_report", report, {
        ".run.started_at" => redact_checked("time", |v| v.parse::<jiff::Timestamp>().is_ok()),
        ".run.host" => redact_checked("host", |v| !v.is_empty()),
        ".run.operator" => redact_checked("operator", |v| !v.is_empty()),
        ".made_at" => redact_checked("time", |v| v.parse::<jiff::Timestamp>().is_ok()),
    });
}

#[test]
fn report_defaults_to_markdown_on_stdout() {
    let home = tempfile::tempdir().unwrap();
    let plan = saved_plan(home.path());
    let out = run(ldap2ftrack(home.path())
        .args(["report", "--from"])
        .arg(&plan));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("# ldap2ftrack plan report\n"));
    assert!(out.stdout.contains("| + | to create | 26 |"));
    assert!(out.stdout.contains("| = | unchanged | 242 |"));
    assert!(!out.stdout.contains("Unchanged ("), "counted, not listed");

    let out = run(ldap2ftrack(home.path())
        .args(["report", "--unchanged", "--from"])
        .arg(&plan));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("\n## = Unchanged (242)\n"),
        "{}",
        out.stdout
    );

    let out = run(ldap2ftrack(home.path())
        .args(["report", "--format", "csv", "--bom", "-o", "-", "--from"])
        .arg(&plan));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("\u{feff}action,username,"));
}

#[test]
fn report_from_an_apply_outcome_lists_failures() {
    let home = tempfile::tempdir().unwrap();
    let plan: Plan =
        serde_json::from_str(&std::fs::read_to_string(saved_plan(home.path())).unwrap()).unwrap();
    let mut failed = false;
    let items = plan
        .items
        .into_iter()
        .map(|item| {
            let status = if item.action == Action::Update && !failed {
                failed = true;
                ItemStatus::Failed {
                    error: "=HYPERLINK(\"http://evil\")".into(),
                }
            } else if item.action.is_change() {
                ItemStatus::Applied
            } else {
                ItemStatus::Skipped {
                    reason: item.action.name().into(),
                    cause: SkipCause::Plan,
                }
            };
            ItemOutcome {
                item,
                status,
                created_id: None,
            }
        })
        .collect();
    let outcome = Outcome::new(
        RunInfo::start(RunMode::Apply, "https://x", "api", "ldap://y"),
        items,
    );
    let path = home.path().join("outcome.json");
    std::fs::write(&path, serde_json::to_string(&outcome).unwrap()).unwrap();

    let csv_path = home.path().join("apply.csv");
    let out = run(ldap2ftrack(home.path())
        .args(["report", "--from"])
        .arg(&path)
        .arg("-o")
        .arg(&csv_path));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("1 failed"), "{}", out.stderr);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let failed_row = csv.lines().find(|l| l.starts_with("failed,")).unwrap();
    assert!(
        failed_row.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","),
        "the error cell is neutralised: {failed_row}"
    );
}

#[test]
fn report_errors_name_the_file() {
    let home = tempfile::tempdir().unwrap();
    let out = run(ldap2ftrack(home.path()).args(["report", "--from", "missing.json"]));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("cannot read missing.json"),
        "{}",
        out.stderr
    );

    std::fs::write(home.path().join("users.json"), r#"{"users": []}"#).unwrap();
    let out = run(ldap2ftrack(home.path()).args(["report", "--from", "users.json"]));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("users.json is neither a saved plan nor an apply outcome"),
        "{}",
        out.stderr
    );

    std::fs::write(home.path().join("notes.txt"), "hello").unwrap();
    let out = run(ldap2ftrack(home.path()).args(["report", "--from", "notes.txt"]));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("notes.txt is not JSON"),
        "{}",
        out.stderr
    );

    let plan = saved_plan(home.path());
    let out = run(ldap2ftrack(home.path())
        .args(["report", "-o", "report.pdf", "--from"])
        .arg(&plan));
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("report.pdf"), "{}", out.stderr);

    let out = run(ldap2ftrack(home.path())
        .args(["report", "--format", "pdf", "--from"])
        .arg(&plan));
    assert_eq!(out.code, 64, "{}", out.stderr);

    let out = run(ldap2ftrack(home.path()).arg("report"));
    assert_eq!(out.code, 64, "--from is required: {}", out.stderr);
}

/// How to get Chromium on Debian or Ubuntu.
const CHROMIUM_HINT: &str = "sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium (or run .ci/test, which does this)";

fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("Chromium is not installed; install it with: {CHROMIUM_HINT}"))
}

/// Runs a command, killing it after `limit`; returns exit success, stdout and stderr.
fn run_with_limit(cmd: &mut Command, limit: Duration) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start Chromium: {e}"));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (
        status.success(),
        std::fs::read_to_string(out_path).unwrap(),
        std::fs::read_to_string(err_path).unwrap(),
    )
}

#[test]
fn html_report_opens_in_headless_chromium() {
    let browser = chromium();
    let home = tempfile::tempdir().unwrap();
    // The demo plan with hostile values planted in the first listed user.
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(saved_plan(home.path())).unwrap()).unwrap();
    let first = &mut plan["items"][0];
    first["name"] = "<script>alert(1)</script> 山田".into();
    first["username"] = "\"onerror=alert(1) x=\"".into();
    let hostile = home.path().join("hostile-plan.json");
    std::fs::write(&hostile, plan.to_string()).unwrap();
    let html_path = home.path().join("report.html");
    let out = run(ldap2ftrack(home.path())
        .args(["report", "--from"])
        .arg(&hostile)
        .arg("-o")
        .arg(&html_path));
    assert_eq!(out.code, 0, "{}", out.stderr);

    let page = format!("file://{}", html_path.display());
    let (ok, dom, stderr) = run_with_limit(
        headless(&browser, &home.path().join("profile-dom"))
            .arg("--dump-dom")
            .arg(&page),
        Duration::from_secs(90),
    );
    assert!(ok, "Chromium failed:\n{stderr}");
    for bad in ["Uncaught", "CONSOLE"] {
        assert!(
            !stderr.contains(bad),
            "{bad} on Chromium's stderr:\n{stderr}"
        );
    }
    assert!(dom.contains("<h2>Summary</h2>"), "{dom}");
    assert!(
        dom.contains("<td>to create</td><td class=\"n\">26</td>"),
        "{dom}"
    );
    assert!(dom.contains("Conflicts to resolve (5)"));
    // The hostile values are text: no script element, the tag shows escaped in the DOM.
    assert!(!dom.contains("<script"), "{dom}");
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt; 山田"),
        "{dom}"
    );
    assert!(dom.contains("\"onerror=alert(1) x=\""), "{dom}");
    assert!(!dom.contains(" onerror=\""), "no attribute was opened");
    // The summary chart is in the page itself, with its words as text.
    assert!(dom.contains("<title id=\"chart-title\">Summary of the plan (users)</title>"));
    assert!(dom.contains(">+ to create</text>"), "{dom}");

    // And it renders: a screenshot of the page (what assets/screenshots/make.py keeps for the
    // README) is a PNG of the window's size, with more than one colour in it.
    let shot = home.path().join("report.png");
    let (ok, _, stderr) = run_with_limit(
        headless(&browser, &home.path().join("profile-shot"))
            .arg("--window-size=1100,1500")
            .arg(format!("--screenshot={}", shot.display()))
            .arg(&page),
        Duration::from_secs(90),
    );
    assert!(ok, "Chromium failed to take the screenshot:\n{stderr}");
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (1100, 1500), "width and height");
    assert!(
        png.len() > 20_000,
        "a page with content, not a blank one: {} bytes",
        png.len()
    );
}

/// Headless Chromium with its own profile, fetching nothing; the caller adds the page last.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Console messages (script errors, CSP violations) go to stderr as `CONSOLE` lines.
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    // The page holds nothing that depends on the browser's clock, and under libfaketime (the
    // test suite's run at another date) Chromium takes minutes to render it.
    .env_remove("LD_PRELOAD")
    .env_remove("FAKETIME");
    cmd
}

#[test]
fn plans_and_reports_are_written_for_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let out = run(ldap2ftrack(home.path()).args(["demo", "--format", "json", "-o", "plan.json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(ldap2ftrack(home.path()).args(["report", "-o", "r.html", "--from", "plan.json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for name in ["plan.json", "r.html"] {
        let mode = std::fs::metadata(home.path().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
}
