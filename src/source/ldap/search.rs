//! Paged subtree searches (RFC 2696), decoded without trusting the server's bytes.
//!
//! Every page is requested with the paged-results control, so a server's size limit for
//! unpaged searches never truncates the read silently. A size, time or administrative limit, or
//! a page that fails after others were read, leaves the read marked incomplete with the reason.

use super::connect::Connection;
use super::error::{DirectoryError, search_failure};
use crate::source::entry::{AttributeNames, RawEntry};
use ldap3::asn1::{PL, StructureTag, parse_tag};
use ldap3::controls::{PagedResults, RawControl};
use ldap3::{LdapResult, ResultEntry, Scope};
use std::time::Duration;

/// The paged-results control's OID.
const PAGED_RESULTS: &str = "1.2.840.113556.1.4.319";
/// The application tag of a search result entry.
const SEARCH_RESULT_ENTRY: u64 = 4;
/// The application tag of a search result reference.
const SEARCH_RESULT_REFERENCE: u64 = 19;
/// The application tag of an intermediate response, which a search may carry and which
/// holds no entry.
const INTERMEDIATE_RESPONSE: u64 = 25;

/// The result of one search: entries, and whether the server returned all of them.
#[derive(Debug, Default)]
pub struct SearchOutcome {
    /// Why the result is incomplete, when it is.
    pub incomplete: Option<String>,
    /// Pages received.
    pub pages: u32,
    /// Search references (referrals to other servers), which are not followed.
    pub referrals: usize,
}

/// What one search asks for.
pub struct SearchRequest<'a> {
    /// Base DN.
    pub base: &'a str,
    /// Subtree or base.
    pub scope: Scope,
    /// RFC 4515 filter text.
    pub filter: &'a str,
    /// Attributes to return.
    pub attributes: &'a [String],
    /// Entries per page.
    pub page_size: u32,
    /// Timeout per page.
    pub timeout: Duration,
}

/// One page of a search as the server sent it, decoded by whoever takes it: decoding a large
/// page is a good part of a read's work, and it is done while the server sends the next page.
pub struct RawPage(Vec<ResultEntry>);

impl RawPage {
    /// How many entries (not search references) the page holds.
    pub fn entries(&self) -> usize {
        self.0
            .iter()
            .filter(|e| e.0.id == SEARCH_RESULT_ENTRY)
            .count()
    }

    /// The page's entries, with names shared through `names`; references and undecodable
    /// entries are noted in `findings`.
    pub fn decode(self, names: &mut AttributeNames, findings: &mut PageFindings) -> Vec<RawEntry> {
        let mut page = Vec::with_capacity(self.0.len());
        for entry in self.0 {
            match decode_entry(entry, names) {
                Decoded::Entry(entry) => page.push(entry),
                Decoded::Referral => findings.referrals += 1,
                Decoded::Intermediate => {}
                Decoded::Malformed => findings.malformed = true,
            }
        }
        page
    }
}

/// What decoding a search's pages found beside entries.
#[derive(Debug, Default)]
pub struct PageFindings {
    /// Search references (referrals to other servers).
    pub referrals: usize,
    /// Whether an entry could not be decoded.
    pub malformed: bool,
}

impl PageFindings {
    /// Adds these to the outcome of the search under `base`: an undecodable entry marks it
    /// incomplete, unless something else already did.
    pub fn add_to(self, outcome: &mut SearchOutcome, base: &str) {
        outcome.referrals += self.referrals;
        if self.malformed {
            outcome.incomplete.get_or_insert_with(|| {
                format!("the server sent an undecodable entry under {base}")
            });
        }
    }
}

/// Runs a paged search, handing each page's entries to `on_page` (see [`paged_search_raw`]).
pub async fn paged_search(
    connection: &mut Connection,
    request: &SearchRequest<'_>,
    on_page: &mut dyn FnMut(Vec<RawEntry>),
) -> Result<SearchOutcome, DirectoryError> {
    let mut names = AttributeNames::default();
    let mut findings = PageFindings::default();
    let mut outcome = paged_search_raw(connection, request, &mut |page| {
        on_page(page.decode(&mut names, &mut findings));
    })
    .await?;
    findings.add_to(&mut outcome, request.base);
    Ok(outcome)
}

/// Runs a paged search, handing each page to `on_page` undecoded; the caller adds what
/// decoding finds to the outcome ([`PageFindings::add_to`]).
///
/// A page is handed over once the next one has been asked for, so that the server produces
/// the next page while this one is decoded; the last page is handed over when it is in.
pub async fn paged_search_raw(
    connection: &mut Connection,
    request: &SearchRequest<'_>,
    on_page: &mut dyn FnMut(RawPage),
) -> Result<SearchOutcome, DirectoryError> {
    let mut outcome = SearchOutcome::default();
    let mut cookie = Vec::new();
    let mut previous: Option<RawPage> = None;
    loop {
        let hand_previous = || {
            if let Some(page) = previous.take() {
                on_page(page);
            }
        };
        let (entries, result) = match fetch_page(connection, request, cookie, hand_previous).await {
            Ok(page) => page,
            Err(error) if outcome.pages > 0 => {
                outcome.incomplete = Some(format!(
                    "page {} of the search under {} failed: {error}",
                    outcome.pages + 1,
                    request.base
                ));
                return Ok(outcome);
            }
            Err(error) => return Err(failed_search(connection, request, error)),
        };
        outcome.pages += 1;
        let stops = stops_here(connection, request, &result, &mut outcome)?;
        cookie = next_cookie(&result);
        if stops || cookie.is_empty() {
            on_page(RawPage(entries));
            return Ok(outcome);
        }
        previous = Some(RawPage(entries));
    }
}

/// One page of the search, from where `cookie` left off; `meanwhile` runs once the request
/// is on its way to the server (or could not be sent), before the page's entries are read.
async fn fetch_page(
    connection: &mut Connection,
    request: &SearchRequest<'_>,
    cookie: Vec<u8>,
    meanwhile: impl FnOnce(),
) -> Result<(Vec<ResultEntry>, LdapResult), ldap3::LdapError> {
    let control: RawControl = PagedResults {
        size: i32::try_from(request.page_size).unwrap_or(i32::MAX),
        cookie,
    }
    .into();
    // Unlike `search`, a streaming search returns as soon as the request is written, and it
    // passes search references on instead of leaving them out.
    let started = connection
        .ldap
        .with_controls(vec![control])
        .with_timeout(request.timeout)
        .streaming_search(
            request.base,
            request.scope,
            request.filter,
            request.attributes,
        )
        .await;
    meanwhile();
    let mut stream = started?;
    let mut entries = Vec::new();
    while let Some(entry) = stream.next().await? {
        entries.push(entry);
    }
    Ok((entries, stream.finish().await))
}

/// Whether the search ends with this page because of its result code: a server limit or a
/// failed later page leave what came, marked incomplete; a failed first page is an error.
fn stops_here(
    connection: &Connection,
    request: &SearchRequest<'_>,
    result: &LdapResult,
    outcome: &mut SearchOutcome,
) -> Result<bool, DirectoryError> {
    match result.rc {
        0 => Ok(false),
        // sizeLimitExceeded, timeLimitExceeded, adminLimitExceeded: what came is kept.
        3 | 4 | 11 => {
            outcome.incomplete = Some(format!(
                "the server stopped the search under {} early: {}",
                request.base,
                search_failure(result.rc, &result.text)
            ));
            Ok(true)
        }
        rc if outcome.pages > 1 => {
            outcome.incomplete = Some(format!(
                "page {} of the search under {} failed: {}",
                outcome.pages,
                request.base,
                search_failure(rc, &result.text)
            ));
            Ok(true)
        }
        rc => Err(DirectoryError::Search {
            uri: connection.uri.clone(),
            base: request.base.to_string(),
            rc,
            detail: search_failure(rc, &result.text),
        }),
    }
}

/// The paging cookie the server sent back; empty on the last page.
fn next_cookie(result: &LdapResult) -> Vec<u8> {
    result
        .ctrls
        .iter()
        .find(|c| c.1.ctype == PAGED_RESULTS)
        .and_then(|c| c.1.val.as_deref())
        .and_then(paging_cookie)
        .unwrap_or_default()
}

fn failed_search(
    connection: &Connection,
    request: &SearchRequest<'_>,
    error: ldap3::LdapError,
) -> DirectoryError {
    match error {
        ldap3::LdapError::Timeout { .. } => DirectoryError::Timeout {
            uri: connection.uri.clone(),
            secs: request.timeout.as_secs(),
        },
        ldap3::LdapError::FilterParsing => DirectoryError::Settings(format!(
            "the LDAP server library cannot use the filter {:?}",
            request.filter
        )),
        other => DirectoryError::Unreachable {
            uri: connection.uri.clone(),
            detail: format!("the connection failed during the search: {other}"),
        },
    }
}

/// The cookie of a paged-results response control, or `None` if it does not decode.
fn paging_cookie(value: &[u8]) -> Option<Vec<u8>> {
    let (_, tag) = parse_tag(value).ok()?;
    let mut parts = tag.expect_constructed()?.into_iter();
    let _estimate = parts.next()?;
    parts.next()?.expect_primitive()
}

enum Decoded {
    Entry(RawEntry),
    Referral,
    Intermediate,
    Malformed,
}

/// Decodes a search result entry (application tag 4) into a raw entry, keeping every value as bytes.
fn decode_entry(entry: ResultEntry, names: &mut AttributeNames) -> Decoded {
    match entry.0.id {
        SEARCH_RESULT_ENTRY => {
            decode_attributes(entry.0, names).map_or(Decoded::Malformed, Decoded::Entry)
        }
        SEARCH_RESULT_REFERENCE => Decoded::Referral,
        INTERMEDIATE_RESPONSE => Decoded::Intermediate,
        _ => Decoded::Malformed,
    }
}

fn decode_attributes(tag: StructureTag, names: &mut AttributeNames) -> Option<RawEntry> {
    let mut parts = tag.expect_constructed()?.into_iter();
    let dn = String::from_utf8(parts.next()?.expect_primitive()?).ok()?;
    let attributes = parts.next()?.expect_constructed()?;
    let mut entry = RawEntry::with_capacity(dn, attributes.len());
    for attribute in attributes {
        let mut attribute = attribute.expect_constructed()?.into_iter();
        let name = String::from_utf8(attribute.next()?.expect_primitive()?).ok()?;
        let values = attribute.next()?;
        let PL::C(values) = values.payload else {
            return None;
        };
        if values.is_empty() {
            // A name with no values: still record that the attribute is there (AD range ends).
            entry.extend(&name, Vec::new());
        }
        let name = names.get(&name);
        for value in values {
            entry.push_named(&name, value.expect_primitive()?);
        }
    }
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ldap3::asn1::{ASNTag, OctetString, Sequence, Set, Tag, TagClass};

    fn octets(bytes: &[u8]) -> Tag {
        Tag::OctetString(OctetString {
            inner: bytes.to_vec(),
            ..Default::default()
        })
    }

    fn entry_tag(dn: &[u8], attributes: Vec<(&str, Vec<&[u8]>)>) -> StructureTag {
        let attributes = attributes
            .into_iter()
            .map(|(name, values)| {
                Tag::Sequence(Sequence {
                    inner: vec![
                        octets(name.as_bytes()),
                        Tag::Set(Set {
                            inner: values.into_iter().map(octets).collect(),
                            ..Default::default()
                        }),
                    ],
                    ..Default::default()
                })
            })
            .collect();
        Tag::Sequence(Sequence {
            id: 4,
            class: TagClass::Application,
            inner: vec![
                octets(dn),
                Tag::Sequence(Sequence {
                    inner: attributes,
                    ..Default::default()
                }),
            ],
        })
        .into_structure()
    }

    #[test]
    fn entries_keep_binary_and_invalid_utf8_values_as_bytes() {
        let tag = entry_tag(
            b"uid=jdoe,ou=people,dc=x",
            vec![
                ("uid", vec![b"jdoe"]),
                ("objectGUID", vec![&[0xff, 0x00, 0x10]]),
                ("cn", vec![b"J\xc3\xa9", b"bad \xff"]),
            ],
        );
        let Decoded::Entry(entry) =
            decode_entry(ResultEntry::new(tag), &mut AttributeNames::default())
        else {
            panic!("an entry")
        };
        assert_eq!(entry.dn, "uid=jdoe,ou=people,dc=x");
        assert_eq!(entry.values("OBJECTGUID"), [vec![0xff, 0x00, 0x10]]);
        assert_eq!(entry.values("cn")[1], b"bad \xff");
    }

    #[test]
    fn malformed_entries_and_referrals_are_recognised_without_panicking() {
        let not_utf8_dn = entry_tag(b"uid=\xff", vec![]);
        assert!(matches!(
            decode_entry(
                ResultEntry::new(not_utf8_dn),
                &mut AttributeNames::default()
            ),
            Decoded::Malformed
        ));
        let primitive = StructureTag {
            class: TagClass::Application,
            id: 4,
            payload: PL::P(b"junk".to_vec()),
        };
        assert!(matches!(
            decode_entry(ResultEntry::new(primitive), &mut AttributeNames::default()),
            Decoded::Malformed
        ));
        let referral = StructureTag {
            class: TagClass::Application,
            id: 19,
            payload: PL::C(vec![]),
        };
        assert!(matches!(
            decode_entry(ResultEntry::new(referral), &mut AttributeNames::default()),
            Decoded::Referral
        ));
    }

    #[test]
    fn intermediate_responses_are_passed_over_without_marking_the_page() {
        let intermediate = StructureTag {
            class: TagClass::Application,
            id: 25,
            payload: PL::C(vec![]),
        };
        let entry = entry_tag(b"uid=a,dc=x", vec![("uid", vec![b"a"])]);
        let page = RawPage(vec![
            ResultEntry::new(intermediate),
            ResultEntry::new(entry),
        ]);
        assert_eq!(page.entries(), 1);
        let mut findings = PageFindings::default();
        let entries = page.decode(&mut AttributeNames::default(), &mut findings);
        assert_eq!(entries.len(), 1);
        assert!(!findings.malformed);
        assert_eq!(findings.referrals, 0);
    }

    #[test]
    fn paging_cookies_decode_and_garbage_does_not() {
        let value: RawControl = PagedResults {
            size: 0,
            cookie: b"next-page".to_vec(),
        }
        .into();
        assert_eq!(
            paging_cookie(value.val.as_deref().unwrap()),
            Some(b"next-page".to_vec())
        );
        assert_eq!(paging_cookie(b"\x30\x03\x02\x01"), None);
        assert_eq!(paging_cookie(&[]), None);
    }
}
