//! Name search over new communes, former units and offices.
//!
//! Matching is on folded text ([`crate::text::fold`]), so "thuan hoa", "Thuận Hóa" and
//! "Thuận Hoá" are one query. The unit-type prefix is optional ("Vĩnh Ninh" finds "Phường
//! Vĩnh Ninh"). Ranking: exact match, then prefix (of the name or of any word), then
//! substring; ties go to new communes before former units before offices, then by name.

use crate::text::fold;
use crate::Dataset;

/// What a search hit points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An index into `Dataset::communes`.
    Commune(usize),
    /// An index into `Dataset::former_units`.
    FormerUnit(usize),
    /// An index into `Dataset::offices`.
    Office(usize),
}

/// How well a name matched the query, best first (the order ranks hits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    /// The folded query is the whole folded name (with or without its type word).
    Exact,
    /// The name, or one of its words, starts with the query (two characters at least for a
    /// word other than the first).
    Prefix,
    /// The query occurs anywhere in the name, or in an office's address.
    Substring,
}

/// One search result: what was found and how well it matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The commune, former unit or office found.
    pub target: Target,
    /// How well it matched.
    pub kind: MatchKind,
}

/// One searchable name, folded once when the index is built.
struct Entry {
    target: Target,
    /// Folded keys: the full name and the name without its type prefix.
    keys: Vec<String>,
    /// Folded extra text matched as substring only (an office's address).
    extra: Option<String>,
    order: (u8, String),
}

/// A prebuilt search index for one dataset.
pub struct SearchIndex {
    entries: Vec<Entry>,
}

impl SearchIndex {
    /// Folds every name of `data` once. The index is only good for the dataset it was built
    /// from (it holds indexes into it).
    pub fn new(data: &Dataset) -> SearchIndex {
        let mut entries = Vec::new();
        for (i, c) in data.communes.iter().enumerate() {
            entries.push(Entry {
                target: Target::Commune(i),
                keys: vec![fold(&c.full_name), fold(&c.name)],
                extra: None,
                order: (0, fold(&c.name)),
            });
        }
        for (i, u) in data.former_units.iter().enumerate() {
            entries.push(Entry {
                target: Target::FormerUnit(i),
                keys: vec![fold(&u.old_name), fold(strip_type(&u.old_name))],
                extra: None,
                order: (1, fold(&u.old_name)),
            });
        }
        for (i, o) in data.offices.iter().enumerate() {
            entries.push(Entry {
                target: Target::Office(i),
                keys: vec![fold(&o.name)],
                extra: Some(fold(&o.address)),
                order: (2, fold(&o.name)),
            });
        }
        SearchIndex { entries }
    }

    /// The best `limit` hits for `query`; empty for a query with no letters or digits.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let q = fold(query);
        if !q.chars().any(char::is_alphanumeric) {
            return Vec::new();
        }
        let mut hits: Vec<(MatchKind, &(u8, String), Target)> = self
            .entries
            .iter()
            .filter_map(|e| {
                let kind = e
                    .keys
                    .iter()
                    .filter_map(|k| match_kind(k, &q))
                    .min()
                    .or_else(|| e.extra.as_ref().filter(|x| x.contains(&q)).map(|_| MatchKind::Substring))?;
                Some((kind, &e.order, e.target))
            })
            .collect();
        hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        hits.into_iter().take(limit).map(|(kind, _, target)| Hit { target, kind }).collect()
    }
}

fn match_kind(key: &str, query: &str) -> Option<MatchKind> {
    if key == query {
        Some(MatchKind::Exact)
    } else if key.starts_with(query) || key.split(' ').any(|w| w.starts_with(query)) && query.len() >= 2 {
        Some(MatchKind::Prefix)
    } else if key.contains(query) {
        Some(MatchKind::Substring)
    } else {
        None
    }
}

/// "Phường Vĩnh Ninh" → "Vĩnh Ninh"; names without a type prefix are returned unchanged.
pub fn strip_type(name: &str) -> &str {
    for prefix in ["Phường ", "Xã ", "Thị trấn ", "Đặc khu "] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest;
        }
    }
    name
}
