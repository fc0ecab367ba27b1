use super::*;

const DC: &str = "CN=NTDS Settings,CN=DC1 #1111";
const SETTINGS: &str = "0123abcd";

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn now() -> Timestamp {
    at("2026-12-02T12:00:00Z")
}

fn schedule() -> Schedule {
    Schedule {
        full_every: "24h".parse().unwrap(),
        overlap: "5m".parse().unwrap(),
    }
}

fn time_mark(value: &str) -> Watermark {
    Watermark {
        marker: ChangeMarker::ModifyTimestamp,
        value: value.into(),
        server: None,
        last_full: "2026-12-02T06:00:00Z".into(),
        settings: SETTINGS.into(),
    }
}

fn usn_mark(usn: &str, server: &str) -> Watermark {
    Watermark {
        marker: ChangeMarker::UsnChanged,
        value: usn.into(),
        server: Some(server.into()),
        last_full: "2026-12-02T06:00:00Z".into(),
        settings: SETTINGS.into(),
    }
}

fn ad(highest: u64, server: &str) -> ServerView {
    ServerView {
        usn: Some((highest, server.into())),
    }
}

/// What `choose` makes of this watermark and server now, on the usual schedule and settings.
fn choose_now(saved: Option<&Watermark>, view: &ServerView) -> ReadChoice {
    choose(saved, view, now(), schedule(), SETTINGS)
}

fn why_full(choice: ReadChoice) -> String {
    match choice {
        ReadChoice::Full { why } => why,
        changed => panic!("expected a full read, got {changed:?}"),
    }
}

#[test]
fn a_time_watermark_reads_changes_from_before_it_by_the_overlap() {
    let choice = choose_now(Some(&time_mark("20261202103000Z")), &ServerView::default());
    let ReadChoice::Changed {
        marker,
        filter,
        since,
    } = choice
    else {
        panic!("{choice:?}")
    };
    assert_eq!(marker, ChangeMarker::ModifyTimestamp);
    assert_eq!(filter, "(modifyTimestamp>=20261202102500Z)");
    assert!(since.starts_with("2026-12-02T10:25:00Z"), "{since}");
    let when = Watermark {
        marker: ChangeMarker::WhenChanged,
        ..time_mark("20261202103000.0Z")
    };
    let choice = choose_now(Some(&when), &ServerView::default());
    assert!(
        matches!(&choice, ReadChoice::Changed { filter, .. } if filter == "(whenChanged>=20261202102500Z)"),
        "{choice:?}"
    );
}

#[test]
fn missing_malformed_zero_and_future_watermarks_read_everything() {
    let view = ServerView::default();
    let none = why_full(choose_now(None, &view));
    assert!(none.contains("no watermark"), "{none}");
    for (value, says) in [
        ("garbage", "not an LDAP generalized time"),
        ("19700101000000Z", "before 2000"),
        ("00000101000000Z", "before 2000"),
        ("20300101000000Z", "in the future"),
        ("", "not an LDAP generalized time"),
    ] {
        let why = why_full(choose_now(Some(&time_mark(value)), &view));
        assert!(why.contains(says), "{value:?}: {why}");
    }
    let zero_usn = why_full(choose_now(Some(&usn_mark("0", DC)), &ad(9, DC)));
    assert!(zero_usn.contains("USN of 0"), "{zero_usn}");
}

#[test]
fn a_full_read_is_due_every_full_every_and_when_its_time_is_unusable() {
    let mut mark = time_mark("20261202103000Z");
    mark.last_full = "2026-12-01T12:00:00Z".into();
    let why = why_full(choose_now(Some(&mark), &ServerView::default()));
    assert!(why.contains("full_every = \"24h\""), "{why}");
    mark.last_full = "2026-12-01T12:00:01Z".into();
    assert!(matches!(
        choose_now(Some(&mark), &ServerView::default()),
        ReadChoice::Changed { .. }
    ));
    for bad in ["yesterday", "1970-01-01T00:00:00Z", "2031-01-01T00:00:00Z"] {
        mark.last_full = bad.into();
        let why = why_full(choose_now(Some(&mark), &ServerView::default()));
        assert!(why.contains("last full read is unusable"), "{bad}: {why}");
    }
}

#[test]
fn a_usn_counts_only_on_the_same_domain_controller_and_never_backwards() {
    let mark = usn_mark("5000", DC);
    let choice = choose_now(Some(&mark), &ad(5200, DC));
    assert_eq!(
        choice,
        ReadChoice::Changed {
            marker: ChangeMarker::UsnChanged,
            filter: "(uSNChanged>=5001)".into(),
            since: "USN 5000".into(),
        }
    );
    let same = choose_now(Some(&mark), &ad(5000, DC));
    assert!(matches!(same, ReadChoice::Changed { .. }), "{same:?}");
    let other = why_full(choose_now(Some(&mark), &ad(9000, "CN=DC2")));
    assert!(other.contains("another domain controller"), "{other}");
    let lower = why_full(choose_now(Some(&mark), &ad(4999, DC)));
    assert!(lower.contains("lower than the watermark"), "{lower}");
    let plain = why_full(choose_now(Some(&mark), &ServerView::default()));
    assert!(plain.contains("no highestCommittedUSN"), "{plain}");
}

#[test]
fn the_next_usn_watermark_is_the_highest_read_before_the_search() {
    let choice = ReadChoice::Full {
        why: "first".into(),
    };
    let observed = Observed {
        usn: Some((7000, DC.into())),
        latest: LatestSeen::default(),
    };
    let next = next_watermark(&choice, None, &observed, now(), SETTINGS).unwrap();
    assert_eq!(
        next,
        Watermark {
            last_full: "2026-12-02T12:00:00Z".into(),
            ..usn_mark("7000", DC)
        }
    );
}

#[test]
fn the_next_time_watermark_is_the_latest_change_seen_and_never_goes_back() {
    let saved = time_mark("20261202103000Z");
    let changed = choose_now(Some(&saved), &ServerView::default());
    let mut observed = Observed::default();
    // Nothing changed: the watermark and the time of the last full read stay.
    assert_eq!(
        next_watermark(&changed, Some(&saved), &observed, now(), SETTINGS),
        Some(saved.clone())
    );
    // Only the overlap's older changes came back: still no step back.
    observed
        .latest
        .observe(ChangeMarker::ModifyTimestamp, "20261202102700Z");
    assert_eq!(
        next_watermark(&changed, Some(&saved), &observed, now(), SETTINGS),
        Some(saved.clone())
    );
    observed
        .latest
        .observe(ChangeMarker::ModifyTimestamp, "20261202114500Z");
    let next = next_watermark(&changed, Some(&saved), &observed, now(), SETTINGS).unwrap();
    assert_eq!(next.value, "20261202114500Z");
    assert_eq!(
        next.last_full, saved.last_full,
        "a read of changes is not a full read"
    );
    // A full read starts the schedule again; a server without markers leaves none.
    let full = ReadChoice::Full { why: "due".into() };
    let next = next_watermark(&full, Some(&saved), &observed, now(), SETTINGS).unwrap();
    assert_eq!(next.last_full, "2026-12-02T12:00:00Z");
    assert_eq!(
        next_watermark(&full, Some(&saved), &Observed::default(), now(), SETTINGS),
        None
    );
}

#[test]
fn a_full_read_asks_for_both_time_markers_and_ad_for_none() {
    let full = ReadChoice::Full { why: "x".into() };
    assert_eq!(
        full.marker_attributes(&ServerView::default()),
        [ChangeMarker::ModifyTimestamp, ChangeMarker::WhenChanged]
    );
    assert!(full.marker_attributes(&ad(1, DC)).is_empty());
    assert_eq!(full.scope().describe(), "full directory read (x)");
}

#[test]
fn changed_settings_call_for_a_full_read() {
    let mark = time_mark("20261202103000Z");
    let choice = choose(
        Some(&mark),
        &ServerView::default(),
        now(),
        schedule(),
        "other",
    );
    assert!(why_full(choice).contains("settings"));
}
