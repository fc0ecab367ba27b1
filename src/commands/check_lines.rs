//! What `check` prints: one line per part, `ok`, `skipped (why)` or `FAILED`, and the
//! closing summary, with the exit code they lead to.

use crate::exit;

/// The lines printed so far and the exit code of the first problem.
#[derive(Debug, Default)]
pub struct Tally {
    passed: usize,
    skipped: usize,
    failed: usize,
    code: Option<i32>,
}

impl Tally {
    /// A part that was checked and is fine.
    pub fn ok(&mut self, part: &str, detail: &str) {
        self.passed += 1;
        if detail.is_empty() {
            println!("{part:<8} ok");
        } else {
            println!("{part:<8} ok: {detail}");
        }
    }

    /// A part that was not checked because it is not used; success is not claimed for it.
    pub fn skipped(&mut self, part: &str, why: &str) {
        self.skipped += 1;
        println!("{part:<8} skipped ({why})");
    }

    /// A part that could not be checked because a setting every run needs is missing (78).
    pub fn missing(&mut self, part: &str, why: &str) {
        self.skipped(part, why);
        self.problem(exit::CONFIG);
    }

    /// A part that was checked and is not fine; `code` is its exit code.
    pub fn failed(&mut self, part: &str, why: &str, code: i32) {
        self.failed += 1;
        println!("{part:<8} FAILED: {why}");
        self.problem(code);
    }

    /// A warning about a part; it changes no count.
    pub fn warning(&mut self, part: &str, text: &str) {
        println!("{part:<8} WARNING: {text}");
    }

    fn problem(&mut self, code: i32) {
        self.code.get_or_insert(code);
    }

    /// The exit code: that of the first problem, else 0.
    pub fn code(&self) -> i32 {
        self.code.unwrap_or(exit::OK)
    }

    /// The closing line: what passed, what was skipped, what failed.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} passed", self.passed)];
        if self.skipped > 0 {
            parts.push(format!("{} skipped", self.skipped));
        }
        if self.failed > 0 {
            parts.push(format!("{} failed", self.failed));
        }
        let counts = parts.join(", ");
        match self.code {
            None if self.skipped == 0 => format!("all checks passed ({counts})"),
            None => format!("{counts}: what was skipped was not checked"),
            Some(exit::CONFIG) if self.failed == 0 => {
                format!("{counts}: a setting every run needs is missing")
            }
            Some(_) => format!("some checks failed ({counts})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skipped_part_is_never_counted_as_passed() {
        let mut tally = Tally::default();
        tally.ok("config", "");
        tally.skipped("tls", "plain ldap://");
        assert_eq!(tally.code(), exit::OK);
        assert_eq!(
            tally.summary(),
            "1 passed, 1 skipped: what was skipped was not checked"
        );
    }

    #[test]
    fn a_missing_setting_is_a_configuration_error_and_the_first_problem_decides() {
        let mut tally = Tally::default();
        tally.missing("ftrack", "ftrack.server is not set");
        tally.failed("state", "read-only", exit::ERROR);
        assert_eq!(tally.code(), exit::CONFIG);
        assert_eq!(
            tally.summary(),
            "some checks failed (0 passed, 1 skipped, 1 failed)"
        );
    }

    #[test]
    fn everything_checked_and_fine_is_all_passed() {
        let mut tally = Tally::default();
        tally.ok("config", "");
        tally.ok("state", "/var/lib/ldap2ftrack");
        assert_eq!(tally.code(), exit::OK);
        assert_eq!(tally.summary(), "all checks passed (2 passed)");
    }
}
