//! The ftrack sandbox on a random port of 127.0.0.1, seeded with a snapshot, for tests that run
//! the binary (or the apply engine) against it.

use ldap2ftrack::model::FtrackSnapshot;
use ldap2ftrack::sandbox::seed::{seed, snapshot_of};
use ldap2ftrack::sandbox::server::{Credentials, RunningSandbox, start};
use ldap2ftrack::sandbox::store::Store;
use std::path::Path;
use std::process::Command;

/// The API key every [`CliSandbox`] accepts.
pub const API_KEY: &str = "cli-sandbox-key";

/// A running sandbox and the runtime serving it.
pub struct CliSandbox {
    sandbox: Option<RunningSandbox>,
    runtime: tokio::runtime::Runtime,
    api_user: String,
}

impl CliSandbox {
    /// Starts a sandbox holding `snapshot`, whose API user is `api_user` (key [`API_KEY`]).
    pub fn start(snapshot: &FtrackSnapshot, api_user: &str) -> Self {
        let mut store = Store::new();
        seed(&mut store, snapshot).expect("the snapshot seeds the sandbox");
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let credentials = Credentials {
            api_user: api_user.into(),
            api_key: API_KEY.into(),
        };
        let started = start(
            "127.0.0.1:0".parse().unwrap(),
            credentials,
            store,
            Default::default(),
        );
        let sandbox = runtime.block_on(started).expect("the sandbox starts");
        Self {
            sandbox: Some(sandbox),
            runtime,
            api_user: api_user.to_string(),
        }
    }

    /// The sandbox's URL.
    pub fn url(&self) -> &str {
        &self.running().url
    }

    /// What the sandbox holds now.
    pub fn snapshot(&self) -> FtrackSnapshot {
        snapshot_of(&self.running().store())
    }

    /// The runtime serving the sandbox, for tests that drive the library against it.
    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        &self.runtime
    }

    /// The binary in `home` with this sandbox as its ftrack server and the API user's key.
    pub fn ldap2ftrack(&self, home: &Path) -> Command {
        let mut cmd = super::ldap2ftrack(home);
        cmd.env("FTRACK_SERVER", self.url())
            .env("FTRACK_API_USER", &self.api_user)
            .env("FTRACK_API_KEY", API_KEY);
        cmd
    }

    fn running(&self) -> &RunningSandbox {
        self.sandbox
            .as_ref()
            .expect("the sandbox runs until dropped")
    }
}

impl Drop for CliSandbox {
    fn drop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.stop());
        }
    }
}
