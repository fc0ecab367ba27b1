//! How many batches may be in flight at once: the configured concurrency while ftrack keeps
//! up, halved each time it throttles (429 or 503), then won back one at a time.

/// Batches that must settle without throttling before one more may be in flight.
pub(super) const CALM_TO_GROW: usize = 8;

/// What a settled batch did to the allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    /// Unchanged.
    Kept,
    /// Halved after throttling; the new allowance.
    Lowered(usize),
    /// One more after a calm stretch; the new allowance.
    Raised(usize),
}

/// The allowance of batches in flight; pure, told of each settled batch.
#[derive(Debug, Clone)]
pub(super) struct Limiter {
    most: usize,
    allowed: usize,
    calm: usize,
    lowered: usize,
}

impl Limiter {
    /// Up to `most` batches at once (at least one).
    pub(super) fn new(most: usize) -> Self {
        let most = most.max(1);
        Self {
            most,
            allowed: most,
            calm: 0,
            lowered: 0,
        }
    }

    /// Batches that may be in flight now.
    pub(super) fn allowed(&self) -> usize {
        self.allowed
    }

    /// How often the allowance was lowered.
    pub(super) fn times_lowered(&self) -> usize {
        self.lowered
    }

    /// A batch settled; `throttled` when ftrack throttled requests since the last one did.
    pub(super) fn settled(&mut self, throttled: bool) -> Change {
        if throttled {
            self.calm = 0;
            if self.allowed == 1 {
                return Change::Kept;
            }
            self.allowed = (self.allowed / 2).max(1);
            self.lowered += 1;
            return Change::Lowered(self.allowed);
        }
        if self.allowed == self.most {
            return Change::Kept;
        }
        self.calm += 1;
        if self.calm < CALM_TO_GROW {
            return Change::Kept;
        }
        self.calm = 0;
        self.allowed += 1;
        Change::Raised(self.allowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_halves_the_allowance_down_to_one() {
        let mut limiter = Limiter::new(8);
        assert_eq!(limiter.allowed(), 8);
        assert_eq!(limiter.settled(true), Change::Lowered(4));
        assert_eq!(limiter.settled(true), Change::Lowered(2));
        assert_eq!(limiter.settled(true), Change::Lowered(1));
        assert_eq!(limiter.settled(true), Change::Kept);
        assert_eq!(limiter.allowed(), 1);
        assert_eq!(limiter.times_lowered(), 3);
    }

    #[test]
    fn a_calm_stretch_wins_back_one_at_a_time_up_to_the_most() {
        let mut limiter = Limiter::new(3);
        limiter.settled(true);
        assert_eq!(limiter.allowed(), 1);
        for _ in 1..CALM_TO_GROW {
            assert_eq!(limiter.settled(false), Change::Kept);
        }
        assert_eq!(limiter.settled(false), Change::Raised(2));
        for _ in 1..CALM_TO_GROW {
            limiter.settled(false);
        }
        assert_eq!(limiter.settled(false), Change::Raised(3));
        for _ in 0..3 * CALM_TO_GROW {
            assert_eq!(limiter.settled(false), Change::Kept);
        }
        assert_eq!(limiter.allowed(), 3);
    }

    #[test]
    fn throttling_restarts_the_calm_stretch() {
        let mut limiter = Limiter::new(4);
        limiter.settled(true);
        for _ in 1..CALM_TO_GROW {
            limiter.settled(false);
        }
        assert_eq!(limiter.settled(true), Change::Lowered(1));
        for _ in 1..CALM_TO_GROW {
            assert_eq!(limiter.settled(false), Change::Kept);
        }
        assert_eq!(limiter.settled(false), Change::Raised(2));
    }

    #[test]
    fn one_at_a_time_stays_one_at_a_time() {
        let mut limiter = Limiter::new(0);
        assert_eq!(limiter.allowed(), 1);
        assert_eq!(limiter.settled(true), Change::Kept);
        assert_eq!(limiter.settled(false), Change::Kept);
        assert_eq!(limiter.times_lowered(), 0);
    }
}
