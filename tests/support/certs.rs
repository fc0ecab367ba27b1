//! Test certificates made with `openssl`: two CAs and a server certificate for 127.0.0.1.

use super::process::run_checked;
use std::fs;
use std::path::Path;
use std::process::Command;

/// Writes ca.pem/ca.key, other_ca.pem/other_ca.key and server.pem/server.key (ECDSA P-256)
/// into `dir`; the server certificate's only subjectAltName is IP:127.0.0.1.
pub fn make_tls(openssl: &Path, dir: &Path) {
    let cnf = dir.join("openssl.cnf");
    fs::write(&cnf, OPENSSL_CNF).unwrap();

    let new_key = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    for (name, subject) in [
        ("ca", "/CN=ldap2ftrack test CA"),
        ("other_ca", "/CN=ldap2ftrack unrelated test CA"),
    ] {
        run_checked(
            Command::new(openssl)
                .args(["req", "-x509", "-config"])
                .arg(&cnf)
                .args(new_key)
                .args(["-days", "3650", "-subj", subject, "-keyout"])
                .arg(dir.join(format!("{name}.key")))
                .arg("-out")
                .arg(dir.join(format!("{name}.pem"))),
            "openssl (making a test CA)",
        );
    }
    run_checked(
        Command::new(openssl)
            .args(["req", "-new", "-config"])
            .arg(&cnf)
            .args(new_key)
            .args(["-subj", "/CN=ldap2ftrack test server", "-keyout"])
            .arg(dir.join("server.key"))
            .arg("-out")
            .arg(dir.join("server.csr")),
        "openssl (making the server's key and request)",
    );
    run_checked(
        Command::new(openssl)
            .args(["x509", "-req", "-in"])
            .arg(dir.join("server.csr"))
            .arg("-CA")
            .arg(dir.join("ca.pem"))
            .arg("-CAkey")
            .arg(dir.join("ca.key"))
            .arg("-CAcreateserial")
            .arg("-CAserial")
            .arg(dir.join("ca.srl"))
            .args(["-days", "3650", "-extensions", "server", "-extfile"])
            .arg(&cnf)
            .arg("-out")
            .arg(dir.join("server.pem")),
        "openssl (signing the server certificate)",
    );
}

/// OpenSSL settings for the test CAs (`v3_ca`) and the server certificate (`server`).
const OPENSSL_CNF: &str = "\
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca

[dn]
CN = replaced by -subj

[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
";
