//! Reading an LDIF export of the directory (what `plan --ldif` does before planning): the
//! file parsed (in chunks side by side, as large exports are), the users selected and mapped,
//! timed in this process; beside it, parsing the whole file on one thread.

use crate::rounds::{USER_FILTER, median, verdict};
use crate::world::PEOPLE;
use ldap2ftrack::source::ldif::read_ldif_file;
use ldap2ftrack::source::mapping_rules::Mapping;
use ldap2ftrack::source::offline::{LdifSelection, load_ldif_directory, user_filter};
use std::path::Path;
use std::time::{Duration, Instant};

/// Reading the export may take at most this long.
const TARGET: Duration = Duration::from_millis(300);

/// Times reading `export`, which holds `users` users, `rounds` times; prints the median.
pub fn run(export: &Path, users: usize, rounds: usize) {
    let selection = LdifSelection {
        user_base_dn: Some(PEOPLE.to_string()),
        user_filter: user_filter(USER_FILTER, None).expect("the filter parses"),
        groups: None,
    };
    let today = jiff::civil::date(2026, 1, 5);
    let times = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let read = load_ldif_directory(export, &selection, &Mapping::default(), today)
                .expect("the export is read");
            let elapsed = start.elapsed();
            assert_eq!(read.users.len(), users);
            elapsed
        })
        .collect();
    let time = median(times);
    let size = std::fs::metadata(export).map_or(0, |m| m.len()) as f64 / 1e6;
    println!(
        "  LDIF export of {users} users ({size:.0} MB, as ldapsearch wrote it) read and mapped: {:.3} s; parsing alone on one thread {:.3} s (medians of {rounds}; target < {:.1} s: {})",
        time.as_secs_f64(),
        parse_time(export, rounds).as_secs_f64(),
        TARGET.as_secs_f64(),
        verdict(time < TARGET)
    );
}

/// Times parsing `export` alone into raw entries, `rounds` times; the median.
fn parse_time(export: &Path, rounds: usize) -> Duration {
    let times = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let entries = read_ldif_file(export).expect("the export parses");
            let elapsed = start.elapsed();
            drop(entries);
            elapsed
        })
        .collect();
    median(times)
}
