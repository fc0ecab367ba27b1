//! `ldap2ftrack sandbox`: serve the ftrack emulator until Ctrl-C or SIGTERM.

use super::output::Console;
use crate::cli::SandboxArgs;
use crate::exit;
use crate::ftrack::snapshot::read_snapshot;
use crate::ftrack::snapshot::write_snapshot;
use crate::sandbox::access::choose_default_role;
use crate::sandbox::seed::{ensure_api_user, seed, snapshot_of};
use crate::sandbox::server::{Credentials, start};
use crate::sandbox::store::Store;
use anyhow::Context;
use serde_json::Value;
use std::io::Write;
use std::net::IpAddr;

/// Runs `sandbox`.
pub fn run(args: &SandboxArgs, console: &Console) -> anyhow::Result<i32> {
    let mut store = Store::new();
    if let Some(path) = &args.seed {
        let snapshot = read_snapshot(path)?;
        seed(&mut store, &snapshot)
            .with_context(|| format!("cannot load {} into the sandbox", path.display()))?;
    }
    set_default_role(&mut store, args, console)?;
    let inactive = store
        .user_by_username(&args.api_user)
        .is_some_and(|user| user.get("is_active") != Some(&Value::Bool(true)));
    if inactive {
        console.warn(&format!(
            "the API user {:?} is inactive in the seed: every API request will be refused, as a real server refuses a deactivated user's key",
            args.api_user
        ));
    }
    // `start` would add it too; added here, a refusal names the API user, not the address.
    let added = ensure_api_user(&mut store, &args.api_user)
        .with_context(|| format!("cannot add the API user {:?} to the sandbox", args.api_user))?;
    if added {
        console.say(&format!(
            "added the API user {:?}, active, as a real server has its API user",
            args.api_user
        ));
    }
    if !is_loopback(args.listen.ip()) {
        console.warn(&format!(
            "--listen {} is not a loopback address: the sandbox, its /sandbox/* control endpoints and its API key (sent in plain HTTP) are reachable from the network; use --listen 127.0.0.1:PORT to keep it on this machine",
            args.listen
        ));
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
        // Listening for signals before the first line: a script may stop the sandbox as soon
        // as it has read it.
        let stop = stop_requested()?;
        // The first line of stdout is the contract for scripts that start the sandbox.
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "ftrack sandbox listening on {}", sandbox.url)
            .context("cannot write to stdout")?;
        stdout.flush().context("cannot write to stdout")?;
        drop(stdout);
        console.say(&format!("api user {:?}; stop with Ctrl-C", args.api_user));
        stop.await;
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

/// Sets the role users created through the API get (`--default-role`) and says which it is.
fn set_default_role(
    store: &mut Store,
    args: &SandboxArgs,
    console: &Console,
) -> anyhow::Result<()> {
    let role = choose_default_role(store, args.default_role.as_deref())
        .map_err(|e| anyhow::anyhow!("--default-role: {e}"))?;
    console.say(&match role {
        Some(role) => {
            format!("users created through the API get the role {role:?} on all open projects")
        }
        None => "users created through the API get no security role".to_string(),
    });
    Ok(())
}

/// Whether only this machine can reach `ip` (an IPv4-mapped IPv6 address counts as its IPv4 one).
fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// A future that ends on Ctrl-C or SIGTERM; the signals are caught from the moment it is made.
fn stop_requested() -> anyhow::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("cannot catch SIGTERM")?;
        let mut interrupt = signal(SignalKind::interrupt()).context("cannot catch Ctrl-C")?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = interrupt.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn only_loopback_addresses_keep_the_sandbox_on_this_machine() {
        for local in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] {
            assert!(is_loopback(local.parse().unwrap()), "{local}");
        }
        for open in [
            "0.0.0.0",
            "::",
            "192.168.1.20",
            "10.0.0.1",
            "::ffff:10.0.0.1",
            "fe80::1",
        ] {
            assert!(!is_loopback(open.parse().unwrap()), "{open}");
        }
    }
}
