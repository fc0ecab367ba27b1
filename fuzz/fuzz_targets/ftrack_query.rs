//! The sandbox's ftrack query language on arbitrary text: the parser, its round trip
//! (a printed query parses back to the same query), its error positions, and the evaluation
//! of what parses against the demo's ftrack users.
#![no_main]

use fixtures::{demo, text};
use ldap2ftrack::sandbox::evaluate::Evaluator;
use ldap2ftrack::sandbox::query::parse_query;
use ldap2ftrack::sandbox::seed::seed;
use ldap2ftrack::sandbox::store::Store;
use libfuzzer_sys::fuzz_target;

thread_local! {
    static STORE: Store = {
        let mut store = Store::new();
        seed(&mut store, &demo().ftrack).expect("the demo ftrack snapshot seeds the sandbox");
        store
    };
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else { return };
    let query = match parse_query(text) {
        Ok(query) => query,
        Err(e) => {
            let chars = text.chars().count();
            assert!(
                e.position <= chars,
                "{text:?}: position {} of {chars}",
                e.position
            );
            return;
        }
    };
    let printed = query.to_string();
    assert_eq!(
        parse_query(&printed).as_ref(),
        Ok(&query),
        "{text:?} printed as {printed:?}"
    );
    STORE.with(|store| {
        let _ = Evaluator::new(store).run(&query);
    });
});
