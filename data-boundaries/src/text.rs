//! Vietnamese text folding for search and matching.
//!
//! People write the same name three ways: with the published tone-mark placement
//! ("Thuận Hoá"), with the other common placement ("Thuận Hóa"), and with no diacritics at all
//! ("thuan hoa"). Folding strips every combining mark after canonical decomposition, maps
//! đ/Đ to d, lowercases, and collapses white space, so all three become one key.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

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
