//! Glyphs for map labels, so Vietnamese names render with no internet and no font server.
//!
//! MapLibre draws text from signed-distance-field glyphs fetched in ranges of 256 code points
//! (`{fontstack}/{start}-{end}.pbf`). We rasterise DejaVu Sans (embedded by the `dejavu`
//! crate; it covers Vietnamese, including the Latin Extended Additional block where "ậ",
//! "ổ" and "ữ" live) at 24 px with ab_glyph and turn each bitmap into an SDF with the same
//! parameters as Mapbox's fontnik (buffer 3, radius 8, cutoff 0.25).

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use prost::Message;
use sdf_glyph_renderer::{clamp_to_u8, BitmapGlyph};

/// The font stack name the style asks for.
pub const FONT_STACK: &str = "DejaVu Sans Book";

const SIZE_PX: f32 = 24.0;
const BUFFER: usize = 3;
const RADIUS: usize = 8;
const CUTOFF: f64 = 0.25;

/// One glyph of the Mapbox glyph PBF format (`glyphs.proto`). Sizes are pixels at 24 px.
#[derive(Clone, PartialEq, Message)]
pub struct Glyph {
    /// The Unicode code point.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// The signed distance field, `(width + 6) × (height + 6)` bytes (3 px of buffer on every
    /// side), row by row; `None` for a glyph with no ink, such as a space.
    #[prost(bytes = "vec", optional, tag = "2")]
    pub bitmap: Option<Vec<u8>>,
    /// Width of the ink, without the buffer.
    #[prost(uint32, required, tag = "3")]
    pub width: u32,
    /// Height of the ink, without the buffer.
    #[prost(uint32, required, tag = "4")]
    pub height: u32,
    /// From the pen position to the ink's left edge.
    #[prost(sint32, required, tag = "5")]
    pub left: i32,
    /// From the baseline up to the ink's top, minus the font's ascender (the spec's convention).
    #[prost(sint32, required, tag = "6")]
    pub top: i32,
    /// How far the pen moves after this glyph.
    #[prost(uint32, required, tag = "7")]
    pub advance: u32,
}

/// The glyphs of one font stack in one range.
#[derive(Clone, PartialEq, Message)]
pub struct FontStack {
    /// The font stack's name, e.g. [`FONT_STACK`].
    #[prost(string, required, tag = "1")]
    pub name: String,
    /// The range as `"{start}-{end}"`, e.g. `"0-255"`.
    #[prost(string, required, tag = "2")]
    pub range: String,
    /// The glyphs the font has in the range, by code point; missing ones are left out.
    #[prost(message, repeated, tag = "3")]
    pub glyphs: Vec<Glyph>,
}

/// A glyph PBF file: what MapLibre fetches for one range.
#[derive(Clone, PartialEq, Message)]
pub struct Glyphs {
    /// One entry, for our font stack.
    #[prost(message, repeated, tag = "1")]
    pub stacks: Vec<FontStack>,
}

/// Why glyphs could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum GlyphError {
    /// The requested font stack does not include ours (see [`serves`]).
    #[error("unknown font stack {0:?}; this server has {FONT_STACK:?}")]
    UnknownFontStack(String),
    /// The embedded font or a rendered bitmap was unusable: a build problem, not a request one.
    #[error("the embedded font could not be read: {0}")]
    Font(String),
}

/// One of MapLibre's glyph ranges: the 256 code points from a multiple of 256, within the
/// Basic Multilingual Plane (up to U+FFFF), so there are 256 ranges in all.
///
/// ```
/// use tiles::glyphs::GlyphRange;
/// let vietnamese = GlyphRange::new(7680, 7935).unwrap(); // Latin Extended Additional: "ậ", "ổ"…
/// assert_eq!((vietnamese.start(), vietnamese.end()), (7680, 7935));
/// assert_eq!(GlyphRange::containing('ậ' as u32), Some(vietnamese));
/// assert_eq!(vietnamese.to_string(), "7680-7935");
/// assert!(GlyphRange::new(0, 254).is_err());
/// assert!(GlyphRange::new(65536, 65791).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlyphRange {
    start: u32,
}

/// Why two numbers are not a glyph range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GlyphRangeError {
    /// The start is not a multiple of 256.
    #[error("a glyph range starts at a multiple of 256, not at {start}")]
    Unaligned {
        /// The start given.
        start: u32,
    },
    /// The end is not the start + 255.
    #[error("the glyph range from {start} ends at {}, not at {end}", u64::from(*start) + 255)]
    WrongEnd {
        /// The start given.
        start: u32,
        /// The end given.
        end: u32,
    },
    /// The range lies beyond U+FFFF, where MapLibre asks for no glyphs.
    #[error("glyph ranges end at 65535 (U+FFFF); {end} is beyond")]
    BeyondBmp {
        /// The end given.
        end: u32,
    },
}

impl GlyphRange {
    /// The last code point a range may hold (U+FFFF).
    pub const MAX_CODE_POINT: u32 = 0xFFFF;

    /// The range `start..=end`. `start` must be a multiple of 256, `end` exactly `start + 255`,
    /// and `end` at most 65535; the error says which rule failed (checked in that order).
    pub fn new(start: u32, end: u32) -> Result<GlyphRange, GlyphRangeError> {
        if !start.is_multiple_of(256) {
            return Err(GlyphRangeError::Unaligned { start });
        }
        if start.checked_add(255) != Some(end) {
            return Err(GlyphRangeError::WrongEnd { start, end });
        }
        if end > GlyphRange::MAX_CODE_POINT {
            return Err(GlyphRangeError::BeyondBmp { end });
        }
        Ok(GlyphRange { start })
    }

    /// The range holding `code_point`; `None` above U+FFFF.
    pub fn containing(code_point: u32) -> Option<GlyphRange> {
        (code_point <= GlyphRange::MAX_CODE_POINT).then_some(GlyphRange { start: code_point / 256 * 256 })
    }

    /// The first code point, a multiple of 256.
    pub fn start(self) -> u32 {
        self.start
    }

    /// The last code point, `start + 255`.
    pub fn end(self) -> u32 {
        self.start + 255
    }
}

/// `"{start}-{end}"`, as the glyph PBF's `range` field and MapLibre's glyph URLs write it.
impl std::fmt::Display for GlyphRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.start(), self.end())
    }
}

/// Whether a requested font stack (comma-separated names, as MapLibre sends it) can be served
/// by ours: true when any of its names is exactly [`FONT_STACK`], surrounding spaces aside.
pub fn serves(font_stack: &str) -> bool {
    font_stack.split(',').any(|name| name.trim() == FONT_STACK)
}

/// The glyph PBF ([`Glyphs`], encoded) for `range` in our font: SDF bitmaps for every code
/// point the font has there, in code-point order; code points it lacks (and surrogates) are
/// left out, so a range the font does not cover gives a valid PBF with no glyphs. Fails with
/// [`GlyphError::UnknownFontStack`] unless [`serves`] accepts `font_stack`. Every call
/// rasterises the whole range again: cache the bytes.
pub fn glyph_range(font_stack: &str, range: GlyphRange) -> Result<Vec<u8>, GlyphError> {
    let start = range.start();
    if !serves(font_stack) {
        return Err(GlyphError::UnknownFontStack(font_stack.to_string()));
    }
    let font = FontRef::try_from_slice(dejavu::sans::regular()).map_err(|e| GlyphError::Font(e.to_string()))?;
    let scaled = font.as_scaled(PxScale::from(SIZE_PX));
    let ascender = scaled.ascent().round() as i32;
    let mut glyphs = Vec::new();
    for code in start..=start + 255 {
        let Some(ch) = char::from_u32(code) else { continue };
        let id = font.glyph_id(ch);
        if id.0 == 0 {
            continue;
        }
        let advance = scaled.h_advance(id).round().max(0.0) as u32;
        let positioned = id.with_scale_and_position(PxScale::from(SIZE_PX), ab_glyph::point(0.0, 0.0));
        let glyph = match font.outline_glyph(positioned) {
            None => Glyph { id: code, bitmap: None, width: 0, height: 0, left: 0, top: -ascender, advance },
            Some(outline) => {
                let bounds = outline.px_bounds();
                let (width, height) = (bounds.width() as usize, bounds.height() as usize);
                let mut alpha = vec![0u8; width * height];
                outline.draw(|x, y, coverage| {
                    if let Some(cell) = alpha.get_mut(y as usize * width + x as usize) {
                        *cell = (coverage.clamp(0.0, 1.0) * 255.0).round() as u8;
                    }
                });
                let bitmap = BitmapGlyph::from_unbuffered(&alpha, width, height, BUFFER)
                    .map_err(|e| GlyphError::Font(e.to_string()))?;
                let sdf =
                    clamp_to_u8(&bitmap.render_sdf(RADIUS), CUTOFF).map_err(|e| GlyphError::Font(e.to_string()))?;
                Glyph {
                    id: code,
                    bitmap: Some(sdf),
                    width: width as u32,
                    height: height as u32,
                    left: bounds.min.x.round() as i32,
                    // Distance from the baseline up to the bitmap's top, minus the ascender.
                    top: (-bounds.min.y).round() as i32 - ascender,
                    advance,
                }
            }
        };
        glyphs.push(glyph);
    }
    let stack = FontStack { name: FONT_STACK.into(), range: range.to_string(), glyphs };
    Ok(Glyphs { stacks: vec![stack] }.encode_to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_letters_have_real_glyphs() {
        // "Thuận Hoá, Đan Điền, Vỹ Dạ": every letter must be drawable.
        let mut needed: Vec<u32> = "Thuận Hoá Hóa Đan Điền Vỹ Dạ Hương Thuỷ Lộc Nỗ Ưu ơ"
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c as u32)
            .collect();
        needed.sort();
        needed.dedup();
        for code in needed {
            let bytes = glyph_range(FONT_STACK, GlyphRange::containing(code).unwrap()).unwrap();
            let decoded = Glyphs::decode(bytes.as_slice()).unwrap();
            let glyph = decoded.stacks[0]
                .glyphs
                .iter()
                .find(|g| g.id == code)
                .unwrap_or_else(|| panic!("U+{code:04X} missing"));
            assert!(glyph.width > 0 && glyph.height > 0 && glyph.advance > 0, "U+{code:04X}");
            let bitmap = glyph.bitmap.as_ref().unwrap();
            assert_eq!(bitmap.len(), ((glyph.width + 6) * (glyph.height + 6)) as usize);
            assert!(bitmap.iter().any(|&v| v > 191), "U+{code:04X} has an inside");
        }
    }

    #[test]
    fn ranges_and_stacks_are_checked() {
        assert_eq!(GlyphRange::new(7680, 7935).map(GlyphRange::start), Ok(7680));
        assert_eq!(GlyphRange::new(65280, 65535).map(GlyphRange::end), Ok(65535));
        assert_eq!(GlyphRange::new(0, 254), Err(GlyphRangeError::WrongEnd { start: 0, end: 254 }));
        assert_eq!(GlyphRange::new(1, 256), Err(GlyphRangeError::Unaligned { start: 1 }));
        assert_eq!(GlyphRange::new(65536, 65791), Err(GlyphRangeError::BeyondBmp { end: 65791 }));
        let last = u32::MAX / 256 * 256;
        assert_eq!(GlyphRange::new(last, u32::MAX), Err(GlyphRangeError::BeyondBmp { end: u32::MAX }));
        assert_eq!(GlyphRange::new(0, 254).unwrap_err().to_string(), "the glyph range from 0 ends at 255, not at 254");
        assert_eq!(GlyphRange::containing(0x10000), None);
        assert!(serves("Noto Sans Regular,DejaVu Sans Book"));
        assert!(glyph_range("Comic Sans", GlyphRange::containing(0).unwrap()).is_err());
    }

    #[test]
    fn a_range_the_font_does_not_cover_is_a_valid_empty_pbf() {
        // U+D800–U+D8FF are surrogates: no characters at all.
        let bytes = glyph_range(FONT_STACK, GlyphRange::new(0xD800, 0xD8FF).unwrap()).unwrap();
        let decoded = Glyphs::decode(bytes.as_slice()).unwrap();
        assert_eq!(decoded.stacks[0].range, "55296-55551");
        assert!(decoded.stacks[0].glyphs.is_empty());
    }
}
