//! What kind of directory server answered, told from its root DSE and schema; pure.

use std::collections::{BTreeMap, BTreeSet};

/// `supportedCapabilities` of Active Directory: a domain controller, or AD LDS.
const AD_CAPABILITIES: [&str; 2] = ["1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1851"];

/// Naming contexts that hold the server's own data, never users: 389-ds's changelog and
/// console tree, FreeIPA's certificate authority, OpenLDAP's configuration and monitor.
const SYSTEM_CONTEXTS: [&str; 6] = [
    "cn=changelog",
    "o=netscaperoot",
    "o=ipaca",
    "cn=config",
    "cn=monitor",
    "cn=subschema",
];

/// The first RDNs of Active Directory's naming contexts that hold no users.
const AD_SYSTEM_PREFIXES: [&str; 4] = [
    "cn=configuration,",
    "cn=schema,",
    "dc=domaindnszones,",
    "dc=forestdnszones,",
];

/// The kinds of directory server `init` knows settings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryKind {
    /// Microsoft Active Directory (a domain controller or AD LDS).
    ActiveDirectory,
    /// Samba as an Active Directory domain controller.
    Samba,
    /// OpenLDAP slapd.
    OpenLdap,
    /// 389 Directory Server (also Red Hat Directory Server).
    Ds389,
    /// FreeIPA (or Red Hat IdM): 389 Directory Server with FreeIPA's tree.
    FreeIpa,
    /// Any other LDAP server.
    Other,
}

impl DirectoryKind {
    /// The name shown to the admin and written into the config's comments.
    pub fn label(self) -> &'static str {
        match self {
            Self::ActiveDirectory => "Active Directory",
            Self::Samba => "Samba Active Directory domain controller",
            Self::OpenLdap => "OpenLDAP",
            Self::Ds389 => "389 Directory Server",
            Self::FreeIpa => "FreeIPA (389 Directory Server)",
            Self::Other => "an LDAP server of unknown make",
        }
    }

    /// True for the kinds that speak Active Directory's schema.
    pub fn is_active_directory(self) -> bool {
        matches!(self, Self::ActiveDirectory | Self::Samba)
    }
}

/// The attributes of a root DSE (or of any one entry), names matched case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RootDse {
    attributes: BTreeMap<String, Vec<String>>,
}

impl RootDse {
    /// A root DSE from attribute names and their values.
    pub fn new<N: AsRef<str>>(attributes: impl IntoIterator<Item = (N, Vec<String>)>) -> Self {
        let mut root = Self::default();
        for (name, values) in attributes {
            root.attributes
                .entry(name.as_ref().to_ascii_lowercase())
                .or_default()
                .extend(values);
        }
        root
    }

    /// Every value of an attribute (none when it is absent).
    pub fn values(&self, name: &str) -> &[String] {
        self.attributes
            .get(&name.to_ascii_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// The first value of an attribute.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.values(name).first().map(String::as_str)
    }

    fn any_contains(&self, name: &str, needle: &str) -> bool {
        let needle = needle.to_ascii_lowercase();
        self.values(name)
            .iter()
            .any(|v| v.to_ascii_lowercase().contains(&needle))
    }

    fn has_attribute_starting(&self, prefix: &str) -> bool {
        self.attributes.keys().any(|name| name.starts_with(prefix))
    }
}

/// Recognises the server from its root DSE.
pub fn detect(root: &RootDse) -> DirectoryKind {
    let capabilities = root.values("supportedCapabilities");
    if capabilities
        .iter()
        .any(|c| AD_CAPABILITIES.contains(&c.trim()))
    {
        return if root.any_contains("vendorName", "samba") {
            DirectoryKind::Samba
        } else {
            DirectoryKind::ActiveDirectory
        };
    }
    let is_389 = ["389", "fedora", "red hat", "netscape"]
        .iter()
        .any(|maker| root.any_contains("vendorName", maker))
        || root.any_contains("vendorVersion", "389-directory");
    if is_389 {
        let freeipa = root
            .values("namingContexts")
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case("o=ipaca"))
            || root.has_attribute_starting("ipa");
        return if freeipa {
            DirectoryKind::FreeIpa
        } else {
            DirectoryKind::Ds389
        };
    }
    let openldap = root.any_contains("objectClass", "OpenLDAProotDSE")
        || root.any_contains("structuralObjectClass", "OpenLDAProotDSE")
        || root.any_contains("vendorName", "openldap");
    if openldap {
        DirectoryKind::OpenLdap
    } else {
        DirectoryKind::Other
    }
}

/// The naming contexts that may hold users, the most likely first: the server's default
/// naming context when it names one, then the others it publishes, less its own system trees.
pub fn user_contexts(kind: DirectoryKind, root: &RootDse) -> Vec<String> {
    let mut contexts: Vec<String> = Vec::new();
    let candidates = root
        .values("defaultNamingContext")
        .iter()
        .chain(root.values("namingContexts"));
    for context in candidates {
        let context = context.trim();
        let lower = context.to_ascii_lowercase();
        let system = SYSTEM_CONTEXTS.contains(&lower.as_str())
            || (kind.is_active_directory()
                && AD_SYSTEM_PREFIXES.iter().any(|p| lower.starts_with(p)));
        let seen = contexts.iter().any(|c| c.eq_ignore_ascii_case(context));
        if !context.is_empty() && !system && !seen {
            contexts.push(context.to_string());
        }
    }
    contexts
}

/// The attribute types and object classes a server's schema defines, by lowercased name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaNames {
    /// Attribute type names (every alias).
    pub attributes: BTreeSet<String>,
    /// Object class names (every alias).
    pub classes: BTreeSet<String>,
}

impl SchemaNames {
    /// The names defined by a subschema entry's `attributeTypes` and `objectClasses` values.
    pub fn from_definitions<S: AsRef<str>>(attribute_types: &[S], object_classes: &[S]) -> Self {
        let names = |definitions: &[S]| {
            definitions
                .iter()
                .flat_map(|d| definition_names(d.as_ref()))
                .collect()
        };
        Self {
            attributes: names(attribute_types),
            classes: names(object_classes),
        }
    }

    /// True when the schema defines this attribute type.
    pub fn has_attribute(&self, name: &str) -> bool {
        self.attributes.contains(&name.to_ascii_lowercase())
    }

    /// True when the schema defines this object class.
    pub fn has_class(&self, name: &str) -> bool {
        self.classes.contains(&name.to_ascii_lowercase())
    }

    /// True when nothing was read (no schema, or none the bound account may see).
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty() && self.classes.is_empty()
    }
}

/// The lowercased names of one RFC 4512 definition: `NAME 'cn'` or `NAME ( 'cn' 'commonName' )`.
fn definition_names(definition: &str) -> Vec<String> {
    let Some(start) = find_keyword(definition, "NAME") else {
        return Vec::new();
    };
    let rest = definition[start + 4..].trim_start();
    let list = match rest.strip_prefix('(') {
        Some(inner) => inner.split(')').next().unwrap_or(""),
        None => rest.split_whitespace().next().unwrap_or(""),
    };
    list.split_whitespace()
        .map(|name| name.trim_matches(['\'', ')']).to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect()
}

/// Where a keyword stands alone (spaces around it) in a definition.
fn find_keyword(definition: &str, keyword: &str) -> Option<usize> {
    let upper = definition.to_ascii_uppercase();
    let mut from = 0;
    while let Some(found) = upper[from..].find(keyword) {
        let at = from + found;
        let before = upper[..at].chars().next_back();
        let after = upper[at + keyword.len()..].chars().next();
        if before.is_some_and(char::is_whitespace) && after.is_some_and(char::is_whitespace) {
            return Some(at);
        }
        from = at + keyword.len();
    }
    None
}

#[cfg(test)]
#[path = "tests/detect.rs"]
mod tests;
