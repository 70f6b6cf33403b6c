//! The crate's one stable sort: a merge sort of positions behind a `&dyn Fn` comparator.
//!
//! `slice::sort_by` is compiled once per element type and comparator, a few kilobytes each in
//! the page's WebAssembly; the few orderings here (diagnostics by position, duplicated names)
//! sort short lists, so one shared copy that orders positions is plenty. Equal elements keep
//! their order, exactly as `sort_by` keeps them.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal elements in their order.
pub(crate) fn sort_stable_by<T>(items: &mut Vec<T>, compare: &dyn Fn(&T, &T) -> Ordering) {
    let order = stable_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().filter_map(|&position| slots[position].take()));
}

/// The positions `0..n` in the order `compare` (of two positions) gives, ties by position.
fn stable_order(n: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged = order.clone();
    let mut width = 1;
    while width < n {
        for start in (0..n).step_by(2 * width) {
            let middle = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut left, mut right) = (start, middle);
            for slot in &mut merged[start..end] {
                // Taking from the left run on ties is what makes the sort stable.
                let take_left = right >= end
                    || (left < middle && compare(order[left], order[right]) != Ordering::Greater);
                if take_left {
                    *slot = order[left];
                    left += 1;
                } else {
                    *slot = order[right];
                    right += 1;
                }
            }
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        // (key, tag): the tags show whether equal keys kept their order.
        let lists: [&[u32]; 6] = [
            &[],
            &[1],
            &[2, 1],
            &[3, 1, 2, 1, 3, 0, 1],
            &[5, 5, 5, 5, 5],
            &[
                9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 4, 4,
            ],
        ];
        for keys in lists {
            let tagged: Vec<(u32, usize)> = keys.iter().copied().zip(0..).collect();
            let mut expected = tagged.clone();
            expected.sort_by_key(|&(key, _)| key);
            let mut sorted = tagged;
            sort_stable_by(&mut sorted, &|a, b| a.0.cmp(&b.0));
            assert_eq!(sorted, expected, "{keys:?}");
        }
    }
}
