//! The ftrack sandbox, served in this process on its own tokio worker threads while the
//! measured clients run as child processes (the machine's cores are shared all the same).

use ldap2ftrack::ftrack::client::install_crypto_provider;
use ldap2ftrack::model::FtrackSnapshot;
use ldap2ftrack::sandbox::faults::Faults;
use ldap2ftrack::sandbox::seed::seed;
use ldap2ftrack::sandbox::server::{Credentials, RunningSandbox, start};
use ldap2ftrack::sandbox::store::Store;
use std::path::{Path, PathBuf};
use tokio::runtime::Runtime;

/// The API user every client uses.
pub const API_USER: &str = "bench";
/// The API user's key.
pub const API_KEY: &str = "bench-key";

/// Starts a sandbox holding `snapshot` on a free port of 127.0.0.1.
pub fn serve(runtime: &Runtime, snapshot: &FtrackSnapshot) -> RunningSandbox {
    let mut store = Store::new();
    seed(&mut store, snapshot).expect("the snapshot seeds the sandbox");
    let credentials = Credentials {
        api_user: API_USER.into(),
        api_key: API_KEY.into(),
    };
    let address = "127.0.0.1:0".parse().expect("an address");
    runtime
        .block_on(start(address, credentials, store, Faults::default()))
        .expect("the sandbox starts")
}

/// Adds `ms` milliseconds to every later request the sandbox at `url` answers.
pub fn set_latency(runtime: &Runtime, url: &str, ms: u64) {
    install_crypto_provider();
    let faults = Faults {
        latency_ms: ms,
        ..Faults::default()
    };
    let request = reqwest::Client::new()
        .post(format!("{url}/sandbox/faults"))
        .header("ftrack-user", API_USER)
        .header("ftrack-api-key", API_KEY)
        .json(&faults);
    runtime
        .block_on(request.send())
        .and_then(|r| r.error_for_status())
        .expect("the sandbox takes the faults");
}

/// Writes the API key to a file in `dir` for configurations to name; its path.
pub fn key_file(dir: &Path) -> PathBuf {
    let path = dir.join("api_key");
    std::fs::write(&path, format!("{API_KEY}\n")).expect("the key file is written");
    path
}
