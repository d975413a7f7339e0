//! Facet counts: how many matching documents (or, for grouped results, cases) hold each value
//! of the `facets` fast field, per facet name (agency, sector, procedure, channel, status,
//! year), counted per term ordinal and named once per segment.

use crate::schema::split_facet_value;
use std::collections::{BTreeMap, HashMap};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// The facets counted, in the order they are shown.
pub const FACETS: [&str; 6] = ["agency", "sector", "procedure", "channel", "status", "year"];

/// Counts by (facet name, value).
pub type Counts = HashMap<(String, String), u64>;

/// The `facets` column of a segment (none when no document of it has a facet).
pub(crate) fn column(reader: &SegmentReader) -> tantivy::Result<Option<StrColumn>> {
    reader.fast_fields().str("facets")
}

/// Adds one to the count of each facet value `doc` holds (`per_ord`: by term ordinal).
pub(crate) fn count(column: &StrColumn, doc: DocId, per_ord: &mut [u64]) {
    for ord in column.term_ords(doc) {
        if let Some(n) = per_ord.get_mut(ord as usize) {
            *n += 1;
        }
    }
}

/// Per-ordinal counts of a segment named: (facet name, value) -> count, zeros left out.
pub(crate) fn named(column: &StrColumn, per_ord: &[u64]) -> Counts {
    let mut out = Counts::new();
    let mut stored = String::new();
    for (ord, &n) in per_ord.iter().enumerate().filter(|(_, n)| **n > 0) {
        stored.clear();
        if matches!(column.ord_to_str(ord as u64, &mut stored), Ok(true)) {
            if let Some((name, value)) = split_facet_value(&stored) {
                *out.entry((name.to_string(), value.to_string()))
                    .or_default() += n;
            }
        }
    }
    out
}

/// Counts added up over segments and listed per facet, the largest first (then by value).
pub(crate) fn listed<'a>(
    parts: impl IntoIterator<Item = &'a Counts>,
) -> BTreeMap<String, Vec<(String, u64)>> {
    let mut total = Counts::new();
    for part in parts {
        for (k, n) in part {
            *total.entry(k.clone()).or_default() += n;
        }
    }
    let mut out = BTreeMap::new();
    for name in FACETS {
        let mut v: Vec<(String, u64)> = total
            .iter()
            .filter(|((n, _), _)| n == name)
            .map(|((_, value), n)| (value.clone(), *n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.insert(name.to_string(), v);
    }
    out
}

/// Counts the matching documents per facet value.
pub(crate) struct FacetCounts;

pub(crate) struct SegmentFacetCounts {
    column: Option<StrColumn>,
    per_ord: Vec<u64>,
}

impl Collector for FacetCounts {
    type Fruit = Vec<Counts>;
    type Child = SegmentFacetCounts;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounts> {
        let column = column(reader)?;
        let terms = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentFacetCounts {
            column,
            per_ord: vec![0; terms],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Vec<Counts>> {
        Ok(fruits)
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(column) = &self.column {
            count(column, doc, &mut self.per_ord);
        }
    }

    fn harvest(self) -> Counts {
        match &self.column {
            Some(column) => named(column, &self.per_ord),
            None => Counts::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::facet_value;

    proptest::proptest! {
        /// Any value, NUL and all, reads back whole under its facet's name.
        #[test]
        fn stored_values_read_back(i in 0usize..6, value in "\\PC{0,40}|[a\\x00]{0,5}") {
            let name = FACETS[i];
            let stored = facet_value(name, &value);
            proptest::prop_assert_eq!(split_facet_value(&stored), Some((name, value.as_str())));
        }
    }

    #[test]
    fn counts_add_up_over_segments_largest_first() {
        let part = |v: &[(&str, &str, u64)]| -> Counts {
            v.iter()
                .map(|(n, v, c)| ((n.to_string(), v.to_string()), *c))
                .collect()
        };
        let a = part(&[("year", "2025", 2), ("agency", "UBND xã B", 1)]);
        let b = part(&[
            ("year", "2024", 3),
            ("year", "2025", 2),
            ("agency", "UBND xã A", 1),
        ]);
        let listed = listed([&a, &b]);
        let years = &listed["year"];
        assert_eq!(
            years,
            &vec![("2025".to_string(), 4), ("2024".to_string(), 3)]
        );
        // Equal counts: by value.
        assert_eq!(listed["agency"][0].0, "UBND xã A");
        // Every facet is listed, counted or not.
        assert_eq!(listed.len(), FACETS.len());
        assert!(listed["status"].is_empty());
    }
}
