//! The examples that end each command's long help (`--help`) and its manual page.

pub(super) const TOP: &str = "\
Examples:
  ldap2ftrack demo                    the console on a demo studio; nothing to set up
  ldap2ftrack -c config.toml check    is every part of the set-up reachable?
  ldap2ftrack -c config.toml          the console (on a terminal; `review`)";

pub(super) const REVIEW: &str = "\
Examples:
  ldap2ftrack -c config.toml review
  ldap2ftrack -c config.toml review --only-group Compositing --no-deactivate
  ldap2ftrack -c config.toml review --resume     # after a dropped SSH session";

pub(super) const PLAN: &str = "\
Examples:
  ldap2ftrack -c config.toml plan
  ldap2ftrack -c config.toml plan --format json -o plan.json --detailed-exitcode
  ldap2ftrack -c config.toml plan --out saved-plan.json --report plan.html";

pub(super) const APPLY: &str = "\
Examples:
  ldap2ftrack -c config.toml apply saved-plan.json
  ldap2ftrack -c config.toml -q apply --auto-approve --max-deactivate 5%
  ldap2ftrack -c config.toml apply --decisions decisions.json";

pub(super) const WATCH: &str = "\
Examples:
  ldap2ftrack -c /etc/ldap2ftrack/config.toml -q watch
  ldap2ftrack -c config.toml watch --interval 15m --max-deactivate 10";

pub(super) const REPORT: &str = "\
Examples:
  ldap2ftrack report --from saved-plan.json -o plan.html
  ldap2ftrack -c config.toml report --history
  ldap2ftrack -c config.toml report --compare @2 @1 -o what-changed.html";

pub(super) const CHECK: &str = "\
Examples:
  ldap2ftrack -c config.toml check
  FTRACK_SERVER=https://studio.ftrackapp.com FTRACK_API_USER=sync \\
    FTRACK_API_KEY_FILE=/etc/ldap2ftrack/api_key ldap2ftrack check";

pub(super) const SANDBOX: &str = "\
Examples:
  ldap2ftrack sandbox --listen 127.0.0.1:8080
  ldap2ftrack sandbox --seed ftrack.json --dump after.json
  ldap2ftrack sandbox --faults latency=50ms,error_rate=0.1,error_status=429";

pub(super) const DEMO: &str = "\
Examples:
  ldap2ftrack demo
  ldap2ftrack demo --dump after.json          # what a commit did, after the console closes
  ldap2ftrack demo --format json -o plan.json # the demo's plan, without the console";

pub(super) const CONFIG: &str = "\
Examples:
  ldap2ftrack -c config.toml config show
  ldap2ftrack -c config.toml config validate";

pub(super) const CONFIG_SHOW: &str = "\
Examples:
  ldap2ftrack -c config.toml config show
  LDAP_URI=ldaps://ldap.studio.example ldap2ftrack -c config.toml config show";

pub(super) const CONFIG_VALIDATE: &str = "\
Examples:
  ldap2ftrack -c config.toml config validate
  ldap2ftrack -c /etc/ldap2ftrack/config.toml config validate && systemctl restart ldap2ftrack.timer";

pub(super) const COMPLETIONS: &str = "\
Examples:
  ldap2ftrack completions bash > ~/.local/share/bash-completion/completions/ldap2ftrack
  ldap2ftrack completions zsh > ~/.zfunc/_ldap2ftrack
  ldap2ftrack completions fish > ~/.config/fish/completions/ldap2ftrack.fish";

pub(super) const MAN: &str = "\
Examples:
  ldap2ftrack man | man -l -
  ldap2ftrack man ~/.local/share/man/man1";

pub(super) const INIT: &str = "\
Examples:
  ldap2ftrack -c /etc/ldap2ftrack/config.toml init    # asks what is missing, then writes
  ldap2ftrack --no-input -c config.toml init --uri ldap://dc1.studio.example --starttls \\
    --bind-dn svc-sync@studio.example --bind-password-file bind_password \\
    --ftrack-server https://studio.ftrackapp.com --ftrack-api-user sync \\
    --ftrack-api-key-file api_key
  ldap2ftrack -c config.toml init --force             # write over an earlier configuration";
