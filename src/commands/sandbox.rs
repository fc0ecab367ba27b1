//! `ldap2ftrack sandbox`: serve the ftrack emulator until Ctrl-C or SIGTERM.

use super::output::Console;
use crate::cli::SandboxArgs;
use crate::exit;
use crate::ftrack::snapshot::read_snapshot;
use crate::ftrack::snapshot::write_snapshot;
use crate::sandbox::seed::{seed, snapshot_of};
use crate::sandbox::server::{Credentials, start};
use crate::sandbox::store::Store;
use anyhow::Context;
use std::io::Write;

/// Runs `sandbox`.
pub fn run(args: &SandboxArgs, console: &Console) -> anyhow::Result<i32> {
    let mut store = Store::new();
    if let Some(path) = &args.seed {
        let snapshot = read_snapshot(path)?;
        seed(&mut store, &snapshot)
            .with_context(|| format!("cannot load {} into the sandbox", path.display()))?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let credentials = Credentials {
            api_user: args.api_user.clone(),
            api_key: args.api_key.clone(),
        };
        let sandbox = start(args.listen, credentials, store, args.faults.clone())
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        // The first line of stdout is the contract for scripts that start the sandbox.
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "ftrack sandbox listening on {}", sandbox.url)
            .context("cannot write to stdout")?;
        stdout.flush().context("cannot write to stdout")?;
        drop(stdout);
        console.say(&format!("api user {:?}; stop with Ctrl-C", args.api_user));
        wait_for_stop().await;
        let state = sandbox.store();
        sandbox.stop().await;
        if let Some(path) = &args.dump {
            write_snapshot(path, &snapshot_of(&state))
                .with_context(|| format!("cannot write {}", path.display()))?;
            console.say(&format!("wrote the sandbox state to {}", path.display()));
        }
        Ok(exit::OK)
    })
}

/// Returns on Ctrl-C or SIGTERM.
async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
