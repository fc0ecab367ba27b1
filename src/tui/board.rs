//! The board: the change buckets side by side (Create, Update, Conflict, Deactivate and, where
//! it fits, Reactivate), each with its own cursor and scroll position.

use super::app::Bucket;

/// Below this width the board is never shown (`b` says why).
pub const MIN_WIDTH: u16 = 120;
/// From this width the board is shown unless the admin turned it off, and Reactivate has a
/// column of its own; below it, Reactivate's rows join Create's column.
pub const WIDE: u16 = 160;

/// The board's columns at a width, each a list of buckets; the first names the column.
pub fn columns(width: u16) -> Vec<Vec<Bucket>> {
    let mut columns = vec![
        vec![Bucket::Create],
        vec![Bucket::Update],
        vec![Bucket::Conflict],
        vec![Bucket::Deactivate],
    ];
    if width >= WIDE {
        columns.push(vec![Bucket::Reactivate]);
    } else {
        columns[0].push(Bucket::Reactivate);
    }
    columns
}

/// True when the board is on at this width: the admin's choice (`b`), else from [`WIDE`].
pub fn on(choice: Option<bool>, width: u16) -> bool {
    width >= MIN_WIDTH && choice.unwrap_or(width >= WIDE)
}

/// The column that holds a bucket, if the board has one for it.
pub fn column_of(columns: &[Vec<Bucket>], bucket: Bucket) -> Option<usize> {
    columns.iter().position(|c| c.contains(&bucket))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reactivate_has_its_own_column_only_where_five_fit() {
        assert_eq!(columns(200).len(), 5);
        let narrow = columns(130);
        assert_eq!(narrow.len(), 4);
        assert_eq!(narrow[0], [Bucket::Create, Bucket::Reactivate]);
        assert_eq!(column_of(&narrow, Bucket::Reactivate), Some(0));
        assert_eq!(column_of(&narrow, Bucket::Skip), None);
    }

    #[test]
    fn the_board_is_automatic_from_160_columns_and_b_overrides_where_it_fits() {
        assert!(!on(None, 159) && on(None, 160));
        assert!(on(Some(true), 120) && !on(Some(true), 119));
        assert!(!on(Some(false), 200));
    }
}
