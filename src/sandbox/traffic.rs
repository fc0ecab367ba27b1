//! When each API request came and went, served at `GET /sandbox/traffic`: how many were in
//! flight at once at most, and which operations each served request ran, on a clock that
//! ticks at every arrival and departure. Tests read it to see which requests overlapped.

use super::request::Request;
use crate::ftrack::wire::Operation;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One served request: when it arrived and left, and what it ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Clock tick at arrival.
    pub arrived: u64,
    /// Clock tick at departure.
    pub left: u64,
    /// Each operation in short: its action and entity type, and an update's `is_active`
    /// when it sets one (`update User is_active=false` deactivates).
    pub operations: Vec<String>,
}

/// The requests so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traffic {
    /// The clock: one tick per arrival or departure.
    pub clock: u64,
    /// API requests in flight now.
    pub in_flight: u64,
    /// The most API requests ever in flight at once.
    pub most_in_flight: u64,
    /// The served requests, in the order they left.
    pub requests: Vec<Span>,
}

impl Traffic {
    /// A request arrived; returns its arrival tick.
    pub fn arrive(&mut self) -> u64 {
        self.clock += 1;
        self.in_flight += 1;
        self.most_in_flight = self.most_in_flight.max(self.in_flight);
        self.clock
    }

    /// The request that arrived at `arrived` left, having run `operations` (none when it was
    /// not served: it is then not listed).
    pub fn leave(&mut self, arrived: u64, operations: Vec<String>) {
        self.clock += 1;
        self.in_flight = self.in_flight.saturating_sub(1);
        if !operations.is_empty() {
            self.requests.push(Span {
                arrived,
                left: self.clock,
                operations,
            });
        }
    }
}

/// An operation in short, as [`Span::operations`] lists it.
pub fn summary(request: &Request) -> String {
    let Request::Wire(operation) = request else {
        return request.action().to_string();
    };
    match operation {
        Operation::Create { entity_type, .. } | Operation::Delete { entity_type, .. } => {
            format!("{} {entity_type}", request.action())
        }
        Operation::Update {
            entity_type,
            entity_data,
            ..
        } => match entity_data.get("is_active").and_then(Value::as_bool) {
            Some(active) => format!("update {entity_type} is_active={active}"),
            None => format!("update {entity_type}"),
        },
        _ => request.action().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_most_in_flight_and_the_served_spans() {
        let mut traffic = Traffic::default();
        let first = traffic.arrive();
        let second = traffic.arrive();
        traffic.leave(first, vec!["create User".into()]);
        traffic.leave(second, Vec::new());
        let third = traffic.arrive();
        traffic.leave(third, vec!["query".into()]);
        assert_eq!(traffic.most_in_flight, 2);
        assert_eq!(traffic.in_flight, 0);
        let spans: Vec<(u64, u64)> = traffic
            .requests
            .iter()
            .map(|s| (s.arrived, s.left))
            .collect();
        assert_eq!(spans, vec![(1, 3), (5, 6)]);
    }
}
