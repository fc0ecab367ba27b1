//! How directory attributes become ftrack fields: attribute expressions and account-status rules.

use super::entry::RawEntry;
use super::filter::Filter;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A small change applied to an attribute value after it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transform {
    /// Lower-case the value.
    Lowercase,
    /// Upper-case the value.
    Uppercase,
    /// Keep what stands before the last `@` (the local part of a mail address).
    Localpart,
}

impl Transform {
    /// Applies the transform to a value.
    pub fn apply(self, value: &str) -> String {
        match self {
            Self::Lowercase => value.to_lowercase(),
            Self::Uppercase => value.to_uppercase(),
            Self::Localpart => value
                .rsplit_once('@')
                .map_or(value, |(local, _)| local)
                .to_string(),
        }
    }
}

/// An attribute name followed by transforms, written `mail | localpart | lowercase`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrExpr {
    /// The LDAP attribute to read.
    pub attribute: String,
    /// Transforms applied in order.
    pub transforms: Vec<Transform>,
}

impl AttrExpr {
    /// An expression that reads an attribute as it is.
    pub fn plain(attribute: &str) -> Self {
        Self {
            attribute: attribute.to_string(),
            transforms: Vec::new(),
        }
    }

    /// Applies every transform in order.
    pub fn transform(&self, value: &str) -> String {
        self.transform_owned(value.to_string())
    }

    /// Like [`AttrExpr::transform`], reusing the value when there is nothing to apply.
    pub fn transform_owned(&self, value: String) -> String {
        self.transforms.iter().fold(value, |acc, t| t.apply(&acc))
    }
}

fn is_attribute_name(name: &str) -> bool {
    // RFC 4512 descr (letters, digits, hyphens, leading letter) or a numeric OID, plus ;options.
    let base = name.split(';').next().unwrap_or("");
    let descr = base.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let oid = !base.is_empty() && base.chars().all(|c| c.is_ascii_digit() || c == '.');
    descr || oid
}

impl FromStr for AttrExpr {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.split('|').map(str::trim);
        let attribute = parts.next().unwrap_or("");
        if !is_attribute_name(attribute) {
            return Err(format!(
                "expected an LDAP attribute name, optionally followed by transforms (\"mail | localpart | lowercase\"), found {s:?}"
            ));
        }
        let transforms = parts
            .map(|name| match name {
                "lowercase" => Ok(Transform::Lowercase),
                "uppercase" => Ok(Transform::Uppercase),
                "localpart" => Ok(Transform::Localpart),
                other => Err(format!(
                    "unknown transform {other:?}: expected lowercase, uppercase or localpart"
                )),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            attribute: attribute.to_string(),
            transforms,
        })
    }
}

impl fmt::Display for AttrExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.attribute)?;
        for t in &self.transforms {
            let name = match t {
                Transform::Lowercase => "lowercase",
                Transform::Uppercase => "uppercase",
                Transform::Localpart => "localpart",
            };
            write!(f, " | {name}")?;
        }
        Ok(())
    }
}

/// One way a directory marks an account disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StatusRule {
    /// Active Directory: `userAccountControl` has bit 2 (ACCOUNTDISABLE).
    UserAccountControl,
    /// 389-ds / FreeIPA: `nsAccountLock` is TRUE.
    NsAccountLock,
    /// OpenLDAP ppolicy: `pwdAccountLockedTime` is present.
    PwdAccountLockedTime,
    /// `shadowExpire` (days since 1970-01-01) lies in the past.
    ShadowExpire,
    /// Active Directory: `accountExpires` (100-ns intervals since 1601, UTC) lies in the past;
    /// 0 and 0x7FFFFFFFFFFFFFFF mean never.
    AccountExpires,
}

impl StatusRule {
    /// Every rule, in the order they are checked.
    pub const ALL: [StatusRule; 5] = [
        Self::UserAccountControl,
        Self::NsAccountLock,
        Self::PwdAccountLockedTime,
        Self::ShadowExpire,
        Self::AccountExpires,
    ];

    /// The directory attribute the rule reads.
    pub fn attribute(self) -> &'static str {
        match self {
            Self::UserAccountControl => "userAccountControl",
            Self::NsAccountLock => "nsAccountLock",
            Self::PwdAccountLockedTime => "pwdAccountLockedTime",
            Self::ShadowExpire => "shadowExpire",
            Self::AccountExpires => "accountExpires",
        }
    }

    /// The name used in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Self::UserAccountControl => "useraccountcontrol",
            Self::NsAccountLock => "nsaccountlock",
            Self::PwdAccountLockedTime => "pwdaccountlockedtime",
            Self::ShadowExpire => "shadowexpire",
            Self::AccountExpires => "accountexpires",
        }
    }
}

/// How to tell disabled accounts: `auto` (every rule whose attribute is present), `none`, or a list of rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ActiveRule {
    /// Apply every known rule whose attribute the entry carries.
    #[default]
    Auto,
    /// Every entry is active.
    None,
    /// Apply only these rules.
    Rules(Vec<StatusRule>),
    /// Entries this LDAP filter matches are disabled (e.g. `(loginShell=/sbin/nologin)`).
    DisabledFilter(Filter),
}

impl ActiveRule {
    /// Parses one or more names: `auto`, `none`, rule names such as `nsaccountlock`, or one
    /// LDAP filter in parentheses that matches disabled accounts.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut rules = Vec::new();
        let names: Vec<&str> = names.into_iter().map(str::trim).collect();
        if names.len() == 1 {
            match names[0].to_ascii_lowercase().as_str() {
                "auto" => return Ok(Self::Auto),
                "none" => return Ok(Self::None),
                text if text.starts_with('(') => return disabled_filter(names[0]),
                _ => {}
            }
        }
        for name in names {
            let lower = name.to_ascii_lowercase();
            let rule = StatusRule::ALL
                .into_iter()
                .find(|r| r.name() == lower)
                .ok_or_else(|| {
                    format!(
                        "unknown account-status rule {name:?}: expected auto, none, or a list of useraccountcontrol, nsaccountlock, pwdaccountlockedtime, shadowexpire, accountexpires"
                    )
                })?;
            if !rules.contains(&rule) {
                rules.push(rule);
            }
        }
        if rules.is_empty() {
            return Err("expected auto, none, or at least one account-status rule".to_string());
        }
        Ok(Self::Rules(rules))
    }
}

impl fmt::Display for ActiveRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Auto => f.write_str("auto"),
            Self::None => f.write_str("none"),
            Self::Rules(rules) => {
                let names: Vec<&str> = rules.iter().map(|r| r.name()).collect();
                f.write_str(&names.join(", "))
            }
            Self::DisabledFilter(filter) => write!(f, "{filter}"),
        }
    }
}

/// A filter for disabled accounts, refused if it cannot be evaluated on the entries read.
fn disabled_filter(text: &str) -> Result<ActiveRule, String> {
    let filter: Filter = text
        .parse()
        .map_err(|e| format!("account-status filter {text:?}: {e}"))?;
    filter
        .matches(&RawEntry::default())
        .map_err(|e| format!("account-status filter {text:?}: {e}"))?;
    Ok(ActiveRule::DisabledFilter(filter))
}

/// The complete attribute mapping from directory entries to ftrack users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// Stable identity attribute (default `entryUUID`).
    pub id: AttrExpr,
    /// ftrack username (default `uid`).
    pub username: AttrExpr,
    /// Email (default `mail`).
    pub email: AttrExpr,
    /// First name (default `givenName`).
    pub first_name: AttrExpr,
    /// Last name (default `sn`).
    pub last_name: AttrExpr,
    /// Full name, split into first and last when those are missing (default `cn`).
    pub display_name: AttrExpr,
    /// Group membership attribute on the user (default `memberOf`).
    pub groups: AttrExpr,
    /// Account-status rules.
    pub active: ActiveRule,
    /// `[mapping.custom]`: ftrack user custom attribute key -> the expression giving its value.
    pub custom: BTreeMap<String, AttrExpr>,
}

impl Mapping {
    /// Every attribute a directory read must fetch for this mapping, each once (lowercased).
    pub fn attributes(&self) -> Vec<String> {
        let mut names: Vec<String> = [
            &self.id,
            &self.username,
            &self.email,
            &self.first_name,
            &self.last_name,
            &self.display_name,
            &self.groups,
        ]
        .into_iter()
        .chain(self.custom.values())
        .map(|e| e.attribute.to_ascii_lowercase())
        .collect();
        match &self.active {
            ActiveRule::None => {}
            ActiveRule::Auto => {
                names.extend(StatusRule::ALL.map(|r| r.attribute().to_ascii_lowercase()))
            }
            ActiveRule::Rules(rules) => {
                names.extend(rules.iter().map(|r| r.attribute().to_ascii_lowercase()));
            }
            ActiveRule::DisabledFilter(filter) => names.extend(filter.attributes()),
        }
        names.sort();
        names.dedup();
        names
    }
}

impl Default for Mapping {
    fn default() -> Self {
        Self {
            id: AttrExpr::plain("entryUUID"),
            username: AttrExpr::plain("uid"),
            email: AttrExpr::plain("mail"),
            first_name: AttrExpr::plain("givenName"),
            last_name: AttrExpr::plain("sn"),
            display_name: AttrExpr::plain("cn"),
            groups: AttrExpr::plain("memberOf"),
            active: ActiveRule::Auto,
            custom: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_attribute_with_transforms() {
        let e: AttrExpr = "mail | localpart | lowercase".parse().unwrap();
        assert_eq!(e.attribute, "mail");
        assert_eq!(
            e.transforms,
            vec![Transform::Localpart, Transform::Lowercase]
        );
        assert_eq!(e.transform("Jane.Doe@Studio.example"), "jane.doe");
        assert_eq!(e.to_string(), "mail | localpart | lowercase");
    }

    #[test]
    fn rejects_unknown_transform_and_bad_names() {
        assert!(
            "mail | reverse"
                .parse::<AttrExpr>()
                .unwrap_err()
                .contains("reverse")
        );
        assert!("".parse::<AttrExpr>().is_err());
        assert!("ma il".parse::<AttrExpr>().is_err());
        assert!("1.2.840.113556.1.4.8".parse::<AttrExpr>().is_ok());
    }

    #[test]
    fn active_rule_names() {
        assert_eq!(ActiveRule::from_names(["auto"]).unwrap(), ActiveRule::Auto);
        assert_eq!(ActiveRule::from_names(["NONE"]).unwrap(), ActiveRule::None);
        assert_eq!(
            ActiveRule::from_names(["nsaccountlock", "shadowexpire"]).unwrap(),
            ActiveRule::Rules(vec![StatusRule::NsAccountLock, StatusRule::ShadowExpire])
        );
        assert!(ActiveRule::from_names(["locked"]).is_err());
    }

    #[test]
    fn a_filter_marks_disabled_accounts_and_its_attributes_are_fetched() {
        let rule =
            ActiveRule::from_names(["(|(loginShell=/sbin/nologin)(employeeType=Left))"]).unwrap();
        let ActiveRule::DisabledFilter(filter) = &rule else {
            panic!("a filter rule: {rule:?}")
        };
        let mut left = RawEntry::new("uid=a,dc=x");
        left.push("employeeType", b"left".to_vec());
        assert!(filter.matches(&left).unwrap());
        assert!(!filter.matches(&RawEntry::new("uid=b,dc=x")).unwrap());
        let mapping = Mapping {
            active: rule,
            ..Mapping::default()
        };
        let attributes = mapping.attributes();
        assert!(
            attributes.contains(&"loginshell".to_string()),
            "{attributes:?}"
        );
        assert!(attributes.contains(&"employeetype".to_string()));
        assert!(!attributes.contains(&"useraccountcontrol".to_string()));
        // A filter that cannot be evaluated on the entries read is refused up front.
        let err = ActiveRule::from_names(["(memberOf:1.2.840.113556.1.4.1941:=cn=x)"]).unwrap_err();
        assert!(err.contains("cannot be evaluated"), "{err}");
        assert!(ActiveRule::from_names(["(unbalanced"]).is_err());
    }
}
