#![forbid(unsafe_code)]

use clap::Parser;
use clap::error::ErrorKind;
use ldap2ftrack::{cli::Cli, exit};

// Planning allocates many small strings; mimalloc handles that far better than the system
// allocator (see `cargo bench --bench plan`). It is built without transparent huge pages
// (`no_thp` in Cargo.toml): where the kernel gives them on request (THP "madvise", the usual
// setting), asking for them made a live 100k plan spend 1.2-2.5 s in the kernel zeroing and
// compacting 2 MiB pages, against 0.3-0.4 s without.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            let code = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => exit::OK,
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => exit::USAGE,
                _ => exit::USAGE,
            };
            std::process::exit(code);
        }
    };
    let code = match ldap2ftrack::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", exit::message_for(&error));
            exit::code_for(&error)
        }
    };
    std::process::exit(code);
}
