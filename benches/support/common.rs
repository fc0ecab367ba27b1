//! What the directory benchmarks share: their command line and the attributes `ldapsearch`
//! is asked for beside ldap2ftrack.

/// The attributes the default mapping makes ldap2ftrack ask for, so `ldapsearch` asks for them too.
pub const ATTRIBUTES: [&str; 12] = [
    "entryUUID",
    "uid",
    "mail",
    "givenName",
    "sn",
    "cn",
    "memberOf",
    "userAccountControl",
    "nsAccountLock",
    "pwdAccountLockedTime",
    "shadowExpire",
    "objectClass",
];

/// The number after `flag` on the command line, or `default`.
pub fn number_after(args: &[String], flag: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}
