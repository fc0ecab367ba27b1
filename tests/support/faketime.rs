//! Running the binary with libfaketime in front of the C library's clock, so that a test can
//! show what does (and does not) change with the date.

use std::path::PathBuf;
use std::process::Command;

/// Where Debian's `libfaketime` package puts the library, by architecture.
const LIBRARY_DIRS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/faketime",
    "/usr/lib/aarch64-linux-gnu/faketime",
    "/usr/lib/faketime",
    "/usr/local/lib/faketime",
];

/// The libfaketime library; panics with how to install it when it is missing.
pub fn library() -> PathBuf {
    LIBRARY_DIRS
        .iter()
        .map(|dir| PathBuf::from(dir).join("libfaketime.so.1"))
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!(
                "the date tests need libfaketime (looked in {LIBRARY_DIRS:?}); install it with: \
                 apt-get install faketime (bash .ci/test does)"
            )
        })
}

/// Makes `cmd` start with the system clock at `instant` ("2021-06-01 12:00:00", UTC) and in the
/// time zone `tz`. Only the wall clock moves; the monotonic clock (timeouts) is left alone.
pub fn at<'c>(cmd: &'c mut Command, instant: &str, tz: &str) -> &'c mut Command {
    cmd.env("LD_PRELOAD", library())
        .env("FAKETIME", format!("@{instant}"))
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .env("TZ", tz)
}
