//! Vietnamese text folding for search and matching.
//!
//! People write the same name three ways: with the published tone-mark placement
//! ("Thuận Hoá"), with the other common placement ("Thuận Hóa"), and with no diacritics at all
//! ("thuan hoa"). Folding strips every combining mark after canonical decomposition, maps
//! đ/Đ to d, lowercases, and collapses white space, so all three become one key.
//!
//! Also here: which characters text we store may not hold ([`is_noncharacter`]).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Whether `c` is a Unicode noncharacter: U+FDD0–U+FDEF and the last two code points of
/// every plane (U+FFFE, U+FFFF, U+1FFFE, …). They are for a program's internal use, never
/// for interchange, and U+FFFE and U+FFFF are not XML characters at all: a feed or picture
/// holding one is refused by every XML parser.
pub fn is_noncharacter(c: char) -> bool {
    let code = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

/// Folds `text` to a diacritic-free, lowercase, single-spaced key.
///
/// ```
/// use data_boundaries::text::fold;
/// assert_eq!(fold("Thuận Hoá"), "thuan hoa");
/// assert_eq!(fold("Thuận  Hóa"), "thuan hoa");
/// assert_eq!(fold("ĐAN ĐIỀN"), "dan dien");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// A key that keeps which tone a syllable has but not where the mark sits, so "Hoá" and
/// "Hóa" (or "Thuỷ" and "Thủy") match while "Hòa" and "Hóa" do not. Vowel shapes (â, ă, ê,
/// ô, ơ, ư, đ) are kept; case and spacing are folded. The tone is appended per word as a
/// digit: 1 acute, 2 grave, 3 hook, 4 tilde, 5 dot below.
///
/// ```
/// use data_boundaries::text::tone_key;
/// assert_eq!(tone_key("Thuận Hoá"), tone_key("thuận hóa"));
/// assert_ne!(tone_key("Thuận Hòa"), tone_key("Thuận Hóa"));
/// assert_eq!(tone_key("Hương Thuỷ"), tone_key("Hương Thủy"));
/// ```
pub fn tone_key(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let (base, tone) = toned_word(word);
        out.push_str(&base);
        if tone > 0 {
            out.push(char::from(b'0' + tone));
        }
    }
    out
}

/// One word lowercase with its vowel shapes (â, ă, ê, ô, ơ, ư) but its tone mark taken off,
/// and the tone apart: 0 none, 1 acute, 2 grave, 3 hook, 4 tilde, 5 dot below. Where the
/// mark sat does not matter: "Hoá" and "hóa" are both ("hoa", 1).
///
/// ```
/// use data_boundaries::text::toned_word;
/// assert_eq!(toned_word("Thuận"), ("thuân".to_string(), 5));
/// assert_eq!(toned_word("Hoá"), toned_word("hóa"));
/// assert_ne!(toned_word("Hòa"), toned_word("Hóa"));
/// assert_eq!(toned_word("Huế"), ("huê".to_string(), 1));
/// ```
pub fn toned_word(word: &str) -> (String, u8) {
    let mut tone = 0;
    let mut base = String::new();
    for c in word.nfd() {
        match c {
            '\u{0301}' => tone = 1,
            '\u{0300}' => tone = 2,
            '\u{0309}' => tone = 3,
            '\u{0303}' => tone = 4,
            '\u{0323}' => tone = 5,
            _ => base.extend(c.to_lowercase()),
        }
    }
    (base.nfc().collect(), tone)
}

/// True when the text carries any Vietnamese diacritic (then tones are worth comparing).
pub fn has_diacritics(text: &str) -> bool {
    text.nfd().any(is_combining_mark) || text.contains(['đ', 'Đ'])
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn both_tone_mark_placements_and_plain_text_fold_alike() {
        for spelling in ["Thuận Hoá", "Thuận Hóa", "thuan hoa", " THUẬN   HOÁ "] {
            assert_eq!(fold(spelling), "thuan hoa", "{spelling:?}");
        }
        assert_eq!(fold("Hương Thuỷ"), fold("Hương Thủy"));
        assert_eq!(fold("Vỹ Dạ"), "vy da");
    }

    #[test]
    fn precomposed_and_decomposed_input_agree() {
        let decomposed = "Thua\u{0323}\u{0302}n";
        assert_eq!(fold(decomposed), fold("Thuận"));
    }
}
