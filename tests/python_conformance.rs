//! ftrack's own Python client (ftrack-python-api 3.1.0) against the sandbox.
//!
//! `tests/python/run_conformance.sh` sets up the virtualenv, starts the sandbox built for
//! this test run and runs `tests/python/conformance.py` under unittest.

use crate::support::root;
use std::process::Command;

#[test]
fn ftrack_python_client_works_against_the_sandbox() {
    let output = Command::new("bash")
        .arg("tests/python/run_conformance.sh")
        .current_dir(root())
        .env("LDAP2FTRACK_BIN", env!("CARGO_BIN_EXE_ldap2ftrack"))
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the Python conformance tests failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    // unittest's summary: tests did run, and all passed.
    assert!(
        stderr.contains("\nOK")
            && stderr
                .lines()
                .any(|l| l.starts_with("Ran ") && !l.starts_with("Ran 0 ")),
        "no passing unittest summary:\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
}
