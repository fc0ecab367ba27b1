//! How the work is cut into batches, and which batches may be in flight together.
//!
//! One at a time, the work is cut every `size` operations, whatever the items: batches are
//! sent in order, so an item whose operations straddle two batches still has them applied
//! in order. Several at a time, batches are cut within a segment of the work (a phase, or a
//! round of renames) and at item boundaries, so that no batch depends on another in flight
//! with it: a new user and its memberships always travel together. An item with more
//! operations than a batch holds is sent alone, its batches one after the other.

use super::work::Work;
use std::ops::Range;

/// Batches that may be in flight together; stages are sent one after the other, each
/// starting once every batch of the one before has settled.
pub(super) type Stage = Vec<Range<usize>>;

/// The batches of `work`, in stages, for `size` operations a batch and `concurrency`
/// batches at once.
pub(super) fn stages(work: &Work, size: usize, concurrency: usize) -> Vec<Stage> {
    let size = size.max(1);
    if concurrency <= 1 {
        return vec![windows(0..work.len(), size)];
    }
    let mut stages = Vec::new();
    for segment in work.segments() {
        cut_segment(work, segment, size, &mut stages);
    }
    stages
}

/// Every `size` operations of `range`.
fn windows(range: Range<usize>, size: usize) -> Stage {
    range
        .clone()
        .step_by(size)
        .map(|start| start..(start + size).min(range.end))
        .collect()
}

/// Cuts one segment at item boundaries into a stage of independent batches; an item too
/// large for one batch gets stages of its own, one batch each.
fn cut_segment(work: &Work, segment: Range<usize>, size: usize, stages: &mut Vec<Stage>) {
    let mut stage: Stage = Vec::new();
    let mut start = segment.start;
    let mut position = segment.start;
    while position < segment.end {
        let end = work.unit_end(position).min(segment.end);
        if end - position > size {
            close(&mut stage, start..position);
            if !stage.is_empty() {
                stages.push(std::mem::take(&mut stage));
            }
            stages.extend(windows(position..end, size).into_iter().map(|b| vec![b]));
            start = end;
        } else if end - start > size {
            close(&mut stage, start..position);
            start = position;
        }
        position = end;
    }
    close(&mut stage, start..segment.end);
    if !stage.is_empty() {
        stages.push(stage);
    }
}

/// Adds `batch` to `stage` unless it is empty.
fn close(stage: &mut Stage, batch: Range<usize>) {
    if !batch.is_empty() {
        stage.push(batch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_at_a_time_cuts_every_size_operations() {
        assert_eq!(windows(0..7, 3), vec![0..3, 3..6, 6..7]);
        assert_eq!(windows(0..0, 3), Vec::<Range<usize>>::new());
        let work = Work::of_units(&[&[(None, 1), (Some(0), 2)], &[(Some(1), 3)]]);
        assert_eq!(stages(&work, 4, 1), vec![vec![0..4, 4..6]]);
    }

    #[test]
    fn several_at_a_time_cut_at_segments_and_never_split_an_item_that_fits() {
        let work = Work::of_units(&[
            &[(None, 1), (None, 1), (None, 1)],
            &[(Some(0), 2), (Some(1), 2), (Some(2), 1)],
            &[],
            &[(Some(3), 1)],
        ]);
        assert_eq!(
            stages(&work, 3, 4),
            vec![vec![0..3], vec![3..5, 5..8], vec![8..9]]
        );
    }

    #[test]
    fn an_item_larger_than_a_batch_goes_alone_one_batch_after_the_other() {
        let work = Work::of_units(&[&[(Some(0), 1), (Some(1), 5), (Some(2), 1), (Some(3), 1)]]);
        assert_eq!(
            stages(&work, 2, 4),
            vec![vec![0..1], vec![1..3], vec![3..5], vec![5..6], vec![6..8]]
        );
    }
}
