//! Name search over new communes, former units and offices.
//!
//! A query word typed without marks matches on folded text ([`crate::text::fold`]), so
//! "thuan hoa" finds Thuận Hoá. A word typed with marks must also carry the same tone,
//! wherever the tone mark sits ([`crate::text::toned_word`]): "Thuận Hóa" and "Thuận Hoá" are
//! one name, but "Thuận Hòa" is another. Its vowel shapes may be off, as people type them
//! ("Hué" finds Huế, "Thuạn" finds Thuận). The unit-type prefix is optional ("Vĩnh Ninh"
//! finds "Phường Vĩnh Ninh"). Ranking: exact match, then prefix (of the name or of any
//! word), then substring; ties go to new communes before former units before offices, then
//! by name.
//!
//! The keys are public ([`SearchIndex::entries`]) so that a client can search offline with
//! the same keys: the web map's offline pack ships them.

use serde::Serialize;

use crate::text::{fold, has_diacritics, toned_word};
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
    /// The i-th of the names given to [`SearchIndex::of_names`] (a basemap's landmarks).
    Named(usize),
}

/// How well a name matched the query, best first (the order ranks hits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    /// The query is the whole name (with or without its type word).
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

/// A text as search compares it, word by word: each word folded (`"thuan"`) and with its
/// tone apart (`("thuân", 5)`; tone 0 is none, 1–5 acute, grave, hook, tilde, dot below).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Key {
    /// The words folded: no marks, lowercase.
    pub folded: Vec<String>,
    /// The words lowercase with their vowel shapes, and their tones.
    pub toned: Vec<(String, u8)>,
}

impl Key {
    /// The key of `text`.
    pub fn new(text: &str) -> Key {
        let words: Vec<&str> = text.split_whitespace().collect();
        Key { folded: words.iter().map(|w| fold(w)).collect(), toned: words.iter().map(|w| toned_word(w)).collect() }
    }
}

/// A query word: folded, toned, and whether it was typed with marks (then the tone must
/// match too).
struct QueryWord {
    folded: String,
    toned: (String, u8),
    marked: bool,
}

impl QueryWord {
    fn equals(&self, key: &Key, i: usize) -> bool {
        key.folded[i] == self.folded && (!self.marked || key.toned[i].1 == self.toned.1)
    }

    fn starts(&self, key: &Key, i: usize) -> bool {
        self.compare(key, i, |word, query| word.starts_with(query))
    }

    fn ends(&self, key: &Key, i: usize) -> bool {
        self.compare(key, i, |word, query| word.ends_with(query))
    }

    fn within(&self, key: &Key, i: usize) -> bool {
        self.compare(key, i, |word, query| word.contains(query))
    }

    /// `how` on word `i` of `key` and this query word, on their letters; a word typed with
    /// a tone mark (a part of a word may have none) must have that tone too.
    fn compare(&self, key: &Key, i: usize, how: fn(&str, &str) -> bool) -> bool {
        let tone = self.toned.1;
        how(&key.folded[i], &self.folded) && (!self.marked || tone == 0 || key.toned[i].1 == tone)
    }
}

/// One searchable thing, its keys made once when the index is built.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// What it is.
    #[serde(skip)]
    pub target: Target,
    /// The names it is found by: the full name, and the name without its type word.
    pub keys: Vec<Key>,
    /// Text matched as substring only (an office's address).
    pub extra: Option<Key>,
    /// Ties are ranked by this: communes (0) before former units (1) before offices (2),
    /// then by folded name.
    pub order: (u8, String),
}

/// A prebuilt search index for one dataset.
pub struct SearchIndex {
    entries: Vec<Entry>,
}

impl SearchIndex {
    /// Makes every name's keys once. The index is only good for the dataset it was built
    /// from (it holds indexes into it).
    pub fn new(data: &Dataset) -> SearchIndex {
        let mut entries = Vec::new();
        for (i, c) in data.communes.iter().enumerate() {
            entries.push(Entry {
                target: Target::Commune(i),
                keys: vec![Key::new(&c.full_name), Key::new(&c.name)],
                extra: None,
                order: (0, fold(&c.name)),
            });
        }
        // A split unit has a link per new unit: it is one name, found once (its first link).
        let mut seen = std::collections::HashSet::new();
        for (i, u) in data.former_units.iter().enumerate() {
            if !seen.insert(u.old_code.as_str()) {
                continue;
            }
            entries.push(Entry {
                target: Target::FormerUnit(i),
                keys: vec![Key::new(&u.old_name), Key::new(strip_type(&u.old_name))],
                extra: None,
                order: (1, fold(&u.old_name)),
            });
        }
        for (i, o) in data.offices.iter().enumerate() {
            entries.push(Entry {
                target: Target::Office(i),
                keys: vec![Key::new(&o.name)],
                extra: Some(Key::new(&o.address)),
                order: (2, fold(&o.name)),
            });
        }
        SearchIndex { entries }
    }

    /// An index of things outside the dataset, each found by any of its names (a landmark's
    /// Vietnamese and English names): the i-th is [`Target::Named`]`(i)`. Ties rank by the
    /// first name.
    pub fn of_names<'a>(names: impl IntoIterator<Item = Vec<&'a str>>) -> SearchIndex {
        let entries = names
            .into_iter()
            .enumerate()
            .map(|(i, names)| Entry {
                target: Target::Named(i),
                order: (3, names.first().map(|n| fold(n)).unwrap_or_default()),
                keys: names.into_iter().map(Key::new).collect(),
                extra: None,
            })
            .collect();
        SearchIndex { entries }
    }

    /// Every entry, in the index's order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The best `limit` hits for `query`; empty for a query with no letters or digits.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        self.search_where(query, limit, &|_| true)
    }

    /// [`SearchIndex::search`] among the targets `keep` accepts (those of one province, say).
    pub fn search_where(&self, query: &str, limit: usize, keep: &dyn Fn(Target) -> bool) -> Vec<Hit> {
        let folded = fold(query);
        if !folded.chars().any(char::is_alphanumeric) {
            return Vec::new();
        }
        let words: Vec<QueryWord> = query
            .split_whitespace()
            .map(|w| QueryWord { folded: fold(w), toned: toned_word(w), marked: has_diacritics(w) })
            .collect();
        let long_enough = folded.chars().count() >= 2;
        let mut hits: Vec<(MatchKind, &(u8, String), Target)> = self
            .entries
            .iter()
            .filter_map(|e| {
                let kind = e
                    .keys
                    .iter()
                    .filter_map(|k| match_kind(k, &words, long_enough))
                    .min()
                    .or_else(|| e.extra.as_ref().filter(|x| occurs(x, &words)).map(|_| MatchKind::Substring))?;
                Some((kind, &e.order, e.target))
            })
            // The caller's test may cost more than the text match, so it comes second.
            .filter(|(_, _, target)| keep(*target))
            .collect();
        hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        hits.into_iter().take(limit).map(|(kind, _, target)| Hit { target, kind }).collect()
    }
}

/// How `words` match `key`. A prefix is of the whole name, or, for a one-word query of two
/// characters or more, of any word.
fn match_kind(key: &Key, words: &[QueryWord], long_enough: bool) -> Option<MatchKind> {
    let n = key.folded.len();
    let last = words.len().checked_sub(1)?;
    if n == words.len() && words.iter().enumerate().all(|(j, w)| w.equals(key, j)) {
        return Some(MatchKind::Exact);
    }
    let prefix_at = |start: usize| {
        start + last < n
            && words[..last].iter().enumerate().all(|(j, w)| w.equals(key, start + j))
            && words[last].starts(key, start + last)
    };
    if prefix_at(0) || (words.len() == 1 && long_enough && (1..n).any(prefix_at)) {
        Some(MatchKind::Prefix)
    } else if occurs(key, words) {
        Some(MatchKind::Substring)
    } else {
        None
    }
}

/// Whether `words` occur in `key` as in running text: one word within a word, or the first
/// ending a word, the middle ones whole and the last starting the word after.
fn occurs(key: &Key, words: &[QueryWord]) -> bool {
    let n = key.folded.len();
    match words {
        [] => false,
        [only] => (0..n).any(|i| only.within(key, i)),
        [first, middle @ .., last] => (0..n).any(|start| {
            let end = start + middle.len() + 1;
            end < n
                && first.ends(key, start)
                && middle.iter().enumerate().all(|(j, w)| w.equals(key, start + 1 + j))
                && last.starts(key, end)
        }),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_outside_the_dataset_are_found_by_any_of_their_names_with_or_without_marks() {
        let index = SearchIndex::of_names([vec!["Đại Nội", "Imperial City"], vec!["Ngọ Môn", "Noon Gate"]]);
        let found = |q: &str| index.search(q, 5).into_iter().map(|h| (h.target, h.kind)).collect::<Vec<_>>();
        assert_eq!(found("dai noi"), [(Target::Named(0), MatchKind::Exact)]);
        assert_eq!(found("Đại Nội"), [(Target::Named(0), MatchKind::Exact)]);
        assert_eq!(found("imperial"), [(Target::Named(0), MatchKind::Prefix)]);
        assert_eq!(found("ngo mon"), [(Target::Named(1), MatchKind::Exact)]);
        // A tone typed is a tone meant: "Ngõ" is not "Ngọ".
        assert!(found("Ngõ Môn").is_empty());
    }
}
