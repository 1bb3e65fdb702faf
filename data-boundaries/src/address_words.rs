//! What both address converters share: the words of an address as the parsers read them,
//! and the answer they give (a city's in `address.rs`, the country's in
//! `national_address.rs`).

use crate::text::{fold, has_diacritics, tone_key};

/// One word of the input, with its place in the original text.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) folded: String,
    pub(crate) toned: String,
    pub(crate) marked: bool,
    pub(crate) segment: usize,
    pub(crate) start: usize,
}

/// Whether the address named exactly one former unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// One former unit: [`Conversion::best`] holds it.
    Matched,
    /// Several former units share the name and nothing in the address decides between them:
    /// [`Conversion::alternatives`] lists every one, and there is no `best`.
    Ambiguous,
    /// No former unit's name was found; there is neither `best` nor alternatives.
    NotRecognised,
    /// The address is already written with the units in force since 1 July 2025:
    /// [`Conversion::best`] holds the unit it names, unchanged (never converted into another).
    Current,
}

/// One former unit the address may mean, and what the address becomes.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Index into `Dataset::former_units`: the lineage link read (none for a current address).
    pub former_unit: Option<usize>,
    /// Index into `Dataset::communes`: the new unit the former one joined.
    pub new_commune: usize,
    /// The street part as written, then the new unit's full name, then "Thành phố Huế".
    pub new_address: String,
}

/// The answer for one old address.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    /// Matched, ambiguous or not recognised.
    pub status: Status,
    /// The street part as written (house number, street, hamlet…), if any.
    pub street: Option<String>,
    /// The unit, when `status` is [`Status::Matched`]; otherwise `None`.
    pub best: Option<Candidate>,
    /// Every same-named unit when `status` is [`Status::Ambiguous`] (at least two); empty
    /// otherwise.
    pub alternatives: Vec<Candidate>,
    /// 0 to 1: how far the type, district and name agree on one unit. 0.99 when a unit type
    /// and a district both confirm the name, 0.95 with one of them, 0.85 with the name alone;
    /// 1/n for n ambiguous alternatives; 0 when nothing was recognised.
    pub confidence: f64,
    /// One sentence for people: what was recognised and what decided it, or why not.
    pub explanation: String,
    /// True when the position given with the address decided between the new units (a
    /// split unit, or same-named units).
    pub decided_by_position: bool,
}

pub(crate) fn words(text: &str) -> (Vec<String>, Vec<String>) {
    let folded = fold(text).split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
    let toned = tone_key(text).split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
    (folded, toned)
}

pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut segment = 0;
    let mut current = String::new();
    let mut start = 0;
    let flush = |current: &mut String, start: usize, segment: usize, tokens: &mut Vec<Token>| {
        if !current.is_empty() {
            tokens.push(Token {
                folded: fold(current),
                toned: tone_key(current),
                marked: has_diacritics(current),
                segment,
                start,
            });
            current.clear();
        }
    };
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric()
            || crate::text::fold(&c.to_string()).is_empty() && !c.is_whitespace() && !c.is_ascii_punctuation()
        {
            if current.is_empty() {
                start = i;
            }
            current.push(c);
        } else {
            flush(&mut current, start, segment, &mut tokens);
            if matches!(c, ',' | ';' | '\n') {
                segment += 1;
            }
        }
    }
    flush(&mut current, start, segment, &mut tokens);
    tokens
}

/// True when the words of `name` stand at `tokens[i..]`. Words written with diacritics must
/// match tone for tone; words written without them match on letters alone.
pub(crate) fn name_at(tokens: &[Token], i: usize, folded: &[String], toned: &[String]) -> bool {
    folded.iter().zip(toned).enumerate().all(|(k, (f, t))| {
        tokens.get(i + k).is_some_and(|token| if token.marked { &token.toned == t } else { &token.folded == f })
    })
}

/// The text before the first administrative word, without trailing separators: what an
/// answer keeps as the street part ("12 Lê Lợi, P. Vĩnh Ninh" keeps "12 Lê Lợi"; a full
/// stop before the unit, as in "12 Lê Lợi. P. Vĩnh Ninh", goes too).
pub(crate) fn street_before(address: &str, tokens: &[Token], admin_token: usize) -> Option<String> {
    let end = tokens.get(admin_token).map_or(address.len(), |t| t.start);
    let street = address[..end].trim().trim_end_matches([',', ';', '-', ' ', '.']).trim();
    (!street.is_empty()).then(|| street.to_string())
}

/// Of `matches` (an id, and the length in words of the name that matched there), the ids of
/// the longest, with that length; none and 0 when nothing matched. "Phú Vang" beats "Phú".
pub(crate) fn longest<T>(matches: impl Iterator<Item = (T, usize)>) -> (Vec<T>, usize) {
    let mut found = Vec::new();
    let mut length = 0;
    for (id, words) in matches {
        match words.cmp(&length) {
            std::cmp::Ordering::Greater => {
                length = words;
                found = vec![id];
            }
            std::cmp::Ordering::Equal => found.push(id),
            std::cmp::Ordering::Less => {}
        }
    }
    (found, length)
}
