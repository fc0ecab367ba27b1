//! Notifications after an apply: a webhook with the run's summary, and hook commands for the
//! run (`on_run`, `on_blocked`) and for each user created or deactivated.
//!
//! Nothing here changes the run: a webhook that is down or a hook that fails is reported as a
//! warning, never undoes a change and never changes the exit code.

pub mod config;
pub mod hooks;
pub mod payload;
pub mod redact;
pub mod webhook;

use crate::apply::outcome::RunInfo;
use config::{HookCommand, NotifyConfig, RunWhen};
use hooks::{HookCall, run_hook};
use payload::{RunEnd, RunNotice, UserEvent, UserNotice, error_notice, run_notice, user_notices};
use std::time::Duration;
use webhook::Webhook;

/// Per-user hook failures named one by one; the rest are counted.
const NAMED_HOOK_FAILURES: usize = 10;

/// What the notifications came to, for the run's output.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Told {
    /// Problems, one line each: a webhook not delivered, a hook that failed.
    pub warnings: Vec<String>,
    /// What went well, for `--verbose`.
    pub details: Vec<String>,
}

/// Tells whoever `config` names of the apply that ended as `end`. `hidden_env` names the
/// variables kept from hooks (the secrets this tool was given).
pub async fn tell(config: &NotifyConfig, end: &RunEnd<'_>, hidden_env: &[&'static str]) -> Told {
    if config.is_empty() {
        return Told::default();
    }
    tell_notice(
        config,
        &run_notice(end),
        &user_notices(end.outcome),
        hidden_env,
    )
    .await
}

/// Tells whoever `config` names of an apply that failed before applying anything.
pub async fn tell_error(
    config: &NotifyConfig,
    run: &RunInfo,
    message: &str,
    exit_code: i32,
    hidden_env: &[&'static str],
) -> Told {
    if config.is_empty() {
        return Told::default();
    }
    let notice = error_notice(run, message, exit_code);
    tell_notice(config, &notice, &[], hidden_env).await
}

async fn tell_notice(
    config: &NotifyConfig,
    notice: &RunNotice,
    users: &[UserNotice<'_>],
    hidden_env: &[&'static str],
) -> Told {
    let mut told = Told::default();
    if let Some(url) = &config.webhook_url {
        let webhook = Webhook {
            url,
            headers: &config.webhook_headers,
            timeout: Duration::from_secs(config.webhook_timeout_secs),
            retries: config.webhook_retries,
        };
        post(&webhook, notice, &mut told).await;
    }
    let hooks = Hooks {
        timeout: Duration::from_secs(config.hook_timeout_secs),
        hidden_env,
    };
    let run_json = json(notice);
    let on_run = config.on_run.as_ref().filter(|_| match config.on_run_when {
        RunWhen::Always => true,
        RunWhen::Changed => notice.changed(),
    });
    if let Some(command) = on_run {
        hooks
            .run_once(command, "on_run", &run_json, &mut told)
            .await;
    }
    if let Some(command) = config
        .on_blocked
        .as_ref()
        .filter(|_| notice.needs_attention())
    {
        hooks
            .run_once(command, "on_blocked", &run_json, &mut told)
            .await;
    }
    hooks.per_user(config, users, &mut told).await;
    told
}

async fn post(webhook: &Webhook<'_>, notice: &RunNotice, told: &mut Told) {
    let delivery = webhook.deliver(notice).await;
    let attempts = match delivery.attempts {
        1 => "1 attempt".to_string(),
        n => format!("{n} attempts"),
    };
    match delivery.error {
        None => told.details.push(format!(
            "webhook {}: delivered ({attempts})",
            webhook.shown_url()
        )),
        Some(error) => told.warnings.push(format!(
            "webhook {}: not delivered after {attempts}: {error} (the run itself is not affected)",
            webhook.shown_url()
        )),
    }
}

fn json(value: &impl serde::Serialize) -> Vec<u8> {
    // These values are plain data; serialising them cannot fail, but a hook gets `{}` if it did.
    serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec())
}

/// How hooks are run.
struct Hooks<'a> {
    timeout: Duration,
    hidden_env: &'a [&'static str],
}

impl Hooks<'_> {
    async fn run_once(
        &self,
        command: &HookCommand,
        hook: &'static str,
        input: &[u8],
        told: &mut Told,
    ) {
        match self.call(command, hook, input.to_vec()).await {
            Ok(()) => told.details.push(format!("{hook} hook: done")),
            Err(error) => told.warnings.push(format!("{hook} hook failed: {error}")),
        }
    }

    /// `on_create` and `on_deactivate`, once per user, one after the other.
    async fn per_user(&self, config: &NotifyConfig, users: &[UserNotice<'_>], told: &mut Told) {
        if config.on_create.is_none() && config.on_deactivate.is_none() {
            return;
        }
        let mut failed = 0;
        for user in users {
            let (command, hook) = match user.event {
                UserEvent::Create => (&config.on_create, "on_create"),
                UserEvent::Deactivate => (&config.on_deactivate, "on_deactivate"),
            };
            let Some(command) = command else { continue };
            if let Err(error) = self.call(command, hook, json(user)).await {
                failed += 1;
                if failed <= NAMED_HOOK_FAILURES {
                    let username = crate::characters::printable(&user.username);
                    told.warnings.push(format!(
                        "{hook} hook failed for {username} (the change stays applied): {error}"
                    ));
                }
            }
        }
        if failed > NAMED_HOOK_FAILURES {
            told.warnings.push(format!(
                "per-user hooks failed for {} more users",
                failed - NAMED_HOOK_FAILURES
            ));
        }
    }

    async fn call(
        &self,
        command: &HookCommand,
        hook: &'static str,
        input: Vec<u8>,
    ) -> Result<(), hooks::HookFailure> {
        run_hook(HookCall {
            command,
            hook,
            input,
            timeout: self.timeout,
            hidden_env: self.hidden_env,
        })
        .await
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod webhook_tests;
