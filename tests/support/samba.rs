//! A private, real Active Directory domain controller (Samba 4) for the AD integration tests.
//!
//! [`SambaDc::start`] copies a domain provisioned once per test process (realm [`REALM`],
//! suffix [`BASE_DN`], with `OU=People`, `OU=Groups`, `OU=Services` and the service account
//! [`READER_UPN`]), loads the test's LDIF fixture into it offline with `ldbmodify` (which runs
//! Samba's full AD stack: objectGUID, objectSid, memberOf back-links, userAccountControl
//! checks), gives it a CA and a server certificate for 127.0.0.1, and starts `samba` with only
//! its LDAP service, in the foreground, in one process.
//!
//! Samba's LDAP ports (389 and 636) cannot be moved. Where the machine allows it (root, or
//! CAP_SYS_ADMIN), each DC runs in a network namespace of its own (`unshare -n`) and two
//! random ports of 127.0.0.1 are forwarded into it by threads of the test process, so DCs run
//! side by side. Elsewhere the DC listens on 127.0.0.1:389/636 of the machine and DCs run one
//! at a time, serialised by a lock file across processes. [`isolation`] says which, and the
//! harness prints it once; `LDAP2FTRACK_SAMBA_SHARED_PORTS=1` chooses the second way anywhere.
//!
//! What the DC does, as Active Directory does: simple binds need TLS (StartTLS or LDAPS);
//! binds by DN and by UPN both work; `memberOf` lists direct groups only; the
//! `LDAP_MATCHING_RULE_IN_CHAIN` and bitwise matching rules work; an explicit
//! `member;range=0-1499` request is answered in ranges. Unlike Active Directory it returns a
//! plain `member` request whole, and does not cap unpaged searches.
//!
//! If Samba is missing, the harness installs it (as root, with `apt-get`, no daemon
//! started). Dropping a [`SambaDc`] stops the server and removes its directory; if the test
//! process dies, the server sees its standard input close and exits by itself, and the next
//! test process removes what was left under Cargo's temporary directory.

use super::certs::make_tls;
use super::process::{find_tool, ldap_client, output_within, run_checked, wait_until};
use base64::Engine as _;
use nix::sched::{CloneFlags, setns};
use std::fs::{self, File};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::{self, sleep};
use std::time::{Duration, Instant};

/// The Kerberos realm (and DNS domain) of the test domain.
pub const REALM: &str = "STUDIO.TEST";
/// The domain's suffix.
pub const BASE_DN: &str = "DC=studio,DC=test";
/// Where the fixtures put their users.
pub const PEOPLE_DN: &str = "OU=People,DC=studio,DC=test";
/// Where the fixtures put their groups.
pub const GROUPS_DN: &str = "OU=Groups,DC=studio,DC=test";
/// The service account the sync binds as, by DN.
pub const READER_DN: &str = "CN=ldap2ftrack-reader,OU=Services,DC=studio,DC=test";
/// The same account by user principal name.
pub const READER_UPN: &str = "ldap2ftrack-reader@studio.test";
/// The password of the service account.
pub const READER_PASSWORD: &str = "Reader-secret-2026";
/// The domain administrator, by user principal name.
pub const ADMIN_UPN: &str = "Administrator@studio.test";
/// The administrator's password (meets AD's complexity rules, as provisioning requires).
pub const ADMIN_PASSWORD: &str = "Admin-secret-2026";

/// userAccountControl of an enabled user that needs no password (fixtures load faster
/// without passwords: Samba derives several keys from each one).
pub const UAC_ENABLED: u32 = 0x220;
/// userAccountControl of a disabled user that needs no password (bit 2, ACCOUNTDISABLE).
pub const UAC_DISABLED: u32 = 0x222;

/// The Debian packages the harness needs.
const PACKAGES: [&str; 8] = [
    "samba",
    "samba-ad-provision",
    "samba-dsdb-modules",
    "samba-vfs-modules",
    "winbind",
    "ldb-tools",
    "ldap-utils",
    "openssl",
];
/// The tools the harness runs.
const TOOLS: [&str; 5] = ["samba", "samba-tool", "ldbmodify", "ldapsearch", "openssl"];
/// What provisioning needs beside the tools (package `samba-ad-provision`).
const SETUP_DIR: &str = "/usr/share/samba/setup";
/// Blocks service starts while Debian packages install.
const POLICY_RC_D: &str = "/usr/sbin/policy-rc.d";
/// The lock that serialises DCs on the machine's own ports, across processes.
const SHARED_PORTS_LOCK: &str = "/tmp/ldap2ftrack-samba-ports.lock";
/// How long a DC gets to answer on its root DSE after it was spawned.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a DC gets to exit after its standard input closed, before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// The pause between two readiness checks.
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// DCs running at once in this process (each start is CPU-bound; the machine has 2 cores).
const MAX_RUNNING: usize = 2;

/// How the DCs of this process are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// Each DC in a network namespace of its own, reached through forwarded random ports.
    Namespace,
    /// DCs on the machine's 127.0.0.1:389/636, one at a time.
    SharedPorts,
}

/// How DCs are isolated on this machine (decided once, printed once).
pub fn isolation() -> Isolation {
    static CHOSEN: OnceLock<Isolation> = OnceLock::new();
    *CHOSEN.get_or_init(|| {
        let forced = std::env::var("LDAP2FTRACK_SAMBA_SHARED_PORTS").is_ok_and(|v| v == "1");
        let works = !forced
            && Command::new("unshare")
            .args(["-n", "true"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
            && find_tool("ip").is_some();
        let chosen = if works {
            Isolation::Namespace
        } else {
            Isolation::SharedPorts
        };
        eprintln!(
            "samba harness: {}",
            match chosen {
                Isolation::Namespace =>
                    "each DC runs in a network namespace of its own (unshare -n); AD tests run in parallel",
                Isolation::SharedPorts =>
                    "no network namespace here: DCs use 127.0.0.1:389/636 one at a time; AD tests are serialised",
            }
        );
        chosen
    })
}

/// A running Samba AD DC with its own copy of the domain.
///
/// Dropping it stops the server and removes its directory.
pub struct SambaDc {
    child: Option<Child>,
    /// Held open: samba exits when it closes.
    stdin: Option<ChildStdin>,
    forwarders: Vec<Forwarder>,
    ldap_port: u16,
    ldaps_port: u16,
    /// Held while the DC uses the machine's own ports.
    _ports_lock: Option<File>,
    _slot: Slot,
    dir: tempfile::TempDir,
}

impl SambaDc {
    /// Starts a DC whose domain holds the base entries followed by `fixture` (LDIF with
    /// `DC=studio,DC=test` DNs; may be empty). Panics, quoting Samba's output, when anything
    /// goes wrong.
    pub fn start(fixture: &str) -> SambaDc {
        let slot = Slot::take();
        let dir = prepare(fixture);
        let path = dir.path();
        let (child, stdin, ports_lock) = spawn(path);
        let mut dc = SambaDc {
            child: Some(child),
            stdin: Some(stdin),
            forwarders: Vec::new(),
            ldap_port: 389,
            ldaps_port: 636,
            _ports_lock: ports_lock,
            _slot: slot,
            dir,
        };
        if isolation() == Isolation::Namespace {
            let netns = dc.namespace();
            let ldap = Forwarder::start(netns.clone(), 389);
            let ldaps = Forwarder::start(netns, 636);
            (dc.ldap_port, dc.ldaps_port) = (ldap.port, ldaps.port);
            dc.forwarders = vec![ldap, ldaps];
        }
        dc.wait_ready();
        dc
    }

    /// The plain LDAP URI (StartTLS works on it; simple binds need it).
    pub fn ldap_uri(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.ldap_port)
    }

    /// The LDAPS URI.
    pub fn ldaps_uri(&self) -> String {
        format!("ldaps://127.0.0.1:{}", self.ldaps_port)
    }

    /// The CA certificate (PEM) that signed the DC's certificate (which names 127.0.0.1).
    pub fn ca_file(&self) -> PathBuf {
        self.dir().join("tls/ca.pem")
    }

    /// The DC's directory (removed on drop).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `samba-tool ARGS -H <the domain's database>` while the DC runs, as an admin
    /// would (`user rename`, `user disable`, `group addmembers`, ...); panics when it fails.
    pub fn samba_tool(&self, args: &[&str]) -> Output {
        run_checked(
            Command::new(tool("samba-tool"))
                .args(args)
                .arg("-H")
                .arg(self.dir().join("private/sam.ldb")),
            &format!("samba-tool {}", args.join(" ")),
        )
    }

    /// An OpenLDAP client tool (`ldapsearch`, `ldapmodify`, ...) that trusts [`Self::ca_file`].
    pub fn ldap_tool(&self, name: &str) -> Command {
        ldap_client(&tool(name), self.dir(), &self.ca_file())
    }

    /// The network namespace samba runs in, once `unshare` has entered it.
    fn namespace(&mut self) -> PathBuf {
        let pid = self.child.as_ref().expect("samba runs").id();
        let theirs = PathBuf::from(format!("/proc/{pid}/ns/net"));
        let ours = fs::read_link("/proc/self/ns/net").expect("our network namespace");
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            match fs::read_link(&theirs) {
                Ok(link) if link != ours => return theirs,
                _ if Instant::now() >= deadline => self.fail("never entered its own namespace"),
                _ => {
                    self.check_running();
                    sleep(Duration::from_millis(5));
                }
            }
        }
    }

    /// Polls the root DSE until the DC names its domain, or fails with its log.
    fn wait_ready(&mut self) {
        let deadline = Instant::now() + READY_TIMEOUT;
        while Instant::now() < deadline {
            self.check_running();
            let mut probe = self.ldap_tool("ldapsearch");
            probe.args(["-x", "-LLL", "-o", "nettimeout=2", "-H"]);
            probe.arg(self.ldap_uri());
            probe.args(["-b", "", "-s", "base", "defaultNamingContext"]);
            let answered = output_within(&mut probe, Duration::from_secs(5))
                .is_some_and(|out| String::from_utf8_lossy(&out.stdout).contains(BASE_DN));
            if answered {
                return;
            }
            sleep(POLL_INTERVAL);
        }
        self.fail(&format!("no answer within {READY_TIMEOUT:?}"));
    }

    /// Fails when samba has exited.
    fn check_running(&mut self) {
        let child = self.child.as_mut().expect("samba runs");
        if let Ok(Some(status)) = child.try_wait() {
            self.fail(&format!("samba exited ({status})"));
        }
    }

    fn fail(&mut self, why: &str) -> ! {
        let log = fs::read_to_string(self.dir().join("log/samba.out")).unwrap_or_default();
        self.shutdown();
        panic!("the Samba DC did not start: {why}; its output:\n{log}");
    }

    fn shutdown(&mut self) {
        for forwarder in &self.forwarders {
            forwarder.stop();
        }
        // Samba started with `-i` exits when its standard input closes.
        drop(self.stdin.take());
        if let Some(mut child) = self.child.take() {
            if wait_until(&mut child, Instant::now() + STOP_TIMEOUT).is_none() {
                let _ = child.kill();
            }
            let _ = child.wait();
        }
    }
}

impl Drop for SambaDc {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The `unicodePwd` line that gives an LDIF user entry `password`.
pub fn password_line(password: &str) -> String {
    let quoted: Vec<u8> = format!("\"{password}\"")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    format!(
        "unicodePwd:: {}\n",
        base64::engine::general_purpose::STANDARD.encode(quoted)
    )
}

/// A place among the [`MAX_RUNNING`] DCs this process may run at once.
struct Slot;

static RUNNING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

impl Slot {
    fn take() -> Slot {
        let (count, freed) = &RUNNING;
        let mut running = count.lock().unwrap_or_else(|e| e.into_inner());
        while *running >= MAX_RUNNING {
            running = freed.wait(running).unwrap_or_else(|e| e.into_inner());
        }
        *running += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let (count, freed) = &RUNNING;
        *count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        freed.notify_one();
    }
}

/// Makes a DC's directory: a copy of the provisioned domain, a minimal `smb.conf`, TLS
/// files, and the fixture loaded with `ldbmodify`.
fn prepare(fixture: &str) -> tempfile::TempDir {
    let template = template();
    let dir = tempfile::Builder::new()
        .prefix(&format!("dc-{}-", std::process::id()))
        .tempdir_in(harness_dir())
        .expect("a temporary directory for samba");
    let path = dir.path();
    run_checked(
        Command::new("cp")
            .arg("-a")
            .arg(template.join("."))
            .arg(path),
        "cp (copying the provisioned domain)",
    );
    for sub in ["log", "run", "sock", "tls"] {
        fs::create_dir_all(path.join(sub)).unwrap();
    }
    make_tls(&tool("openssl"), &path.join("tls"));
    set_mode(&path.join("tls/server.key"), 0o600);
    fs::write(path.join("etc/smb.conf"), smb_conf(path)).unwrap();
    if !fixture.trim().is_empty() {
        load(path, fixture, "the test's fixture");
    }
    dir
}

/// Adds LDIF records to a stopped domain: entries (added in order, so a group comes after
/// its members) and `changetype: modify` records (for cycles). ldbadd says ERR but exits 0
/// when a record fails; ldbmodify exits non-zero, and both outputs are checked.
fn load(dir: &Path, ldif: &str, what: &str) {
    let file = dir.join("load.ldif");
    fs::write(&file, ldif).unwrap();
    let out = run_checked(
        Command::new(tool("ldbmodify"))
            .arg("-H")
            .arg(dir.join("private/sam.ldb"))
            .arg(&file),
        &format!("ldbmodify ({what})"),
    );
    let said = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("ERR"), "ldbmodify ({what}) failed: {said}");
    fs::remove_file(file).unwrap();
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// Spawns samba (in a network namespace of its own when the machine allows it), with its
/// standard input a pipe the harness holds.
fn spawn(dir: &Path) -> (Child, ChildStdin, Option<File>) {
    let samba = tool("samba");
    let conf = dir.join("etc/smb.conf");
    let (mut command, lock) = match isolation() {
        Isolation::Namespace => {
            let mut command = Command::new(tool("unshare"));
            command
                .args(["-n", "sh", "-c"])
                .arg(r#"ip link set lo up && exec "$0" -s "$1" -i -M single"#)
                .arg(&samba)
                .arg(&conf);
            (command, None)
        }
        Isolation::SharedPorts => {
            let lock = File::create(SHARED_PORTS_LOCK).expect("the shared ports' lock file");
            lock.lock().expect("the shared ports' lock");
            let mut command = Command::new(&samba);
            command.arg("-s").arg(&conf).args(["-i", "-M", "single"]);
            (command, Some(lock))
        }
    };
    let out = File::create(dir.join("log/samba.out")).unwrap();
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .expect("samba runs");
    let stdin = child.stdin.take().expect("samba's standard input");
    (child, stdin, lock)
}

/// The smb.conf of a DC in `dir`: the LDAP service only, every path inside `dir`.
fn smb_conf(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "[global]
\tnetbios name = DC1
\trealm = {REALM}
\tworkgroup = STUDIO
\tserver role = active directory domain controller
\tserver services = ldap
\tinterfaces = 127.0.0.1
\tbind interfaces only = yes
\tprivate dir = {d}/private
\tstate directory = {d}/state
\tcache directory = {d}/cache
\tlock directory = {d}
\tbinddns dir = {d}/bind-dns
\tpid directory = {d}/run
\tncalrpc dir = {d}/sock
\twinbindd socket directory = {d}/sock
\tlog file = {d}/log/log.%m
\tlogging = file
\tlog level = 1
\tdns update command = /bin/true
\tspn update command = /bin/true
\tidmap_ldb:use rfc2307 = yes
\ttls enabled = yes
\ttls keyfile = {d}/tls/server.key
\ttls certfile = {d}/tls/server.pem
\ttls cafile = {d}/tls/ca.pem
"
    )
}

/// The domain provisioned once for this process, with the base entries loaded; DCs copy it.
///
/// It lives under Cargo's temporary directory, named by process; copies left by processes
/// that are gone are removed first.
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        ensure_installed();
        let parent = harness_dir();
        remove_stale(&parent);
        let dir = parent.join(format!("template-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        provision(&dir);
        dir
    })
}

/// Where the template and the DCs live: under Cargo's temporary directory, so that what a
/// killed test process leaves behind is found and removed by the next one.
fn harness_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("samba");
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Removes the templates and DCs (`template-PID`, `dc-PID-...`) of processes that are gone.
fn remove_stale(parent: &Path) {
    for entry in fs::read_dir(parent).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rest = name
            .strip_prefix("template-")
            .or_else(|| name.strip_prefix("dc-"))
            .unwrap_or_default();
        let pid = rest.split('-').next().unwrap_or_default();
        if !pid.is_empty() && !Path::new("/proc").join(pid).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Provisions the domain into `dir` and loads the base entries.
fn provision(dir: &Path) {
    let started = Instant::now();
    run_checked(
        Command::new(tool("samba-tool"))
            .args(["domain", "provision"])
            .arg(format!("--targetdir={}", dir.display()))
            .arg(format!("--realm={REALM}"))
            .args([
                "--domain=STUDIO",
                "--server-role=dc",
                "--dns-backend=NONE",
                "--host-name=dc1",
                "--host-ip=127.0.0.1",
                "--use-rfc2307",
            ])
            .arg(format!("--adminpass={ADMIN_PASSWORD}")),
        "samba-tool domain provision",
    );
    load(dir, &base_entries(), "the base entries");
    eprintln!(
        "samba harness: domain {REALM} provisioned in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// The organisational units and the service account every DC starts with.
fn base_entries() -> String {
    let mut ldif = String::new();
    for ou in ["People", "Groups", "Services"] {
        ldif.push_str(&format!(
            "dn: OU={ou},{BASE_DN}\nobjectClass: organizationalUnit\nou: {ou}\n\n"
        ));
    }
    // 0x10200: a normal account whose password never expires (the clock may be moved).
    ldif.push_str(&format!(
        "dn: {READER_DN}\nobjectClass: user\nsAMAccountName: ldap2ftrack-reader\n\
         userPrincipalName: {READER_UPN}\nuserAccountControl: 66048\n{}\n",
        password_line(READER_PASSWORD)
    ));
    ldif
}

/// Installs Samba when it is missing (root only; no daemon is started).
fn ensure_installed() {
    if installed() {
        return;
    }
    let root = nix::unistd::Uid::effective().is_root();
    assert!(
        root,
        "the Active Directory tests need Samba ({}); as root, run: apt-get install -y \
         --no-install-recommends {} (or run .ci/test, which does this)",
        TOOLS.join(", "),
        PACKAGES.join(" ")
    );
    install();
    assert!(installed(), "Samba is still missing after installing it");
}

fn installed() -> bool {
    TOOLS.iter().all(|name| find_tool(name).is_some())
        && Path::new(SETUP_DIR).is_dir()
        && has_acl_module()
}

/// Whether Samba's `acl_xattr` VFS module (package `samba-vfs-modules`, which provisioning
/// needs to set the sysvol ACLs) is installed, in the library directory of any architecture.
fn has_acl_module() -> bool {
    fs::read_dir("/usr/lib").is_ok_and(|dirs| {
        dirs.flatten()
            .any(|dir| dir.path().join("samba/vfs/acl_xattr.so").exists())
    })
}

/// apt-get install of [`PACKAGES`], with service starts blocked while it runs.
fn install() {
    let own_policy = !Path::new(POLICY_RC_D).exists();
    if own_policy {
        fs::write(POLICY_RC_D, "#!/bin/sh\nexit 101\n").unwrap();
        set_mode(Path::new(POLICY_RC_D), 0o755);
    }
    eprintln!("samba harness: installing {}", PACKAGES.join(" "));
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(args)
            .stdin(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend(PACKAGES);
    let done = apt(&install) || (apt(&["update", "-q"]) && apt(&install));
    if own_policy {
        let _ = fs::remove_file(POLICY_RC_D);
    }
    assert!(done, "apt-get could not install {}", PACKAGES.join(" "));
}

fn tool(name: &str) -> PathBuf {
    find_tool(name).unwrap_or_else(|| panic!("{name} is not installed"))
}

/// Forwards a random port of 127.0.0.1 to a port inside a DC's network namespace.
struct Forwarder {
    port: u16,
    stopped: Arc<AtomicBool>,
}

impl Forwarder {
    fn start(netns: PathBuf, target: u16) -> Forwarder {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
        let port = listener.local_addr().unwrap().port();
        let stopped = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stopped);
        thread::spawn(move || {
            for client in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(client) = client {
                    let netns = netns.clone();
                    thread::spawn(move || relay(client, &netns, target));
                }
            }
        });
        Forwarder { port, stopped }
    }

    /// Ends the accept loop (a last connection wakes it).
    fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port));
    }
}

/// Connects from inside `netns` (this thread enters it) and copies bytes both ways.
fn relay(client: TcpStream, netns: &Path, target: u16) {
    let entered = File::open(netns)
        .ok()
        .is_some_and(|ns| setns(&ns, CloneFlags::CLONE_NEWNET).is_ok());
    if !entered {
        return;
    }
    let Ok(server) = TcpStream::connect((Ipv4Addr::LOCALHOST, target)) else {
        return;
    };
    let (Ok(client_reader), Ok(server_writer)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let upstream = thread::spawn(move || copy(client_reader, server_writer));
    copy(server, client);
    let _ = upstream.join();
}

/// Copies until the reader ends, then ends the writer's side.
fn copy(mut from: TcpStream, mut to: TcpStream) {
    let _ = std::io::copy(&mut from, &mut to);
    let _ = to.shutdown(Shutdown::Write);
}
