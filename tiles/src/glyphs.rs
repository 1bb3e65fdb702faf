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

#[derive(Clone, PartialEq, Message)]
pub struct Glyph {
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    #[prost(bytes = "vec", optional, tag = "2")]
    pub bitmap: Option<Vec<u8>>,
    #[prost(uint32, required, tag = "3")]
    pub width: u32,
    #[prost(uint32, required, tag = "4")]
    pub height: u32,
    #[prost(sint32, required, tag = "5")]
    pub left: i32,
    #[prost(sint32, required, tag = "6")]
    pub top: i32,
    #[prost(uint32, required, tag = "7")]
    pub advance: u32,
}

#[derive(Clone, PartialEq, Message)]
pub struct FontStack {
    #[prost(string, required, tag = "1")]
    pub name: String,
    #[prost(string, required, tag = "2")]
    pub range: String,
    #[prost(message, repeated, tag = "3")]
    pub glyphs: Vec<Glyph>,
}

#[derive(Clone, PartialEq, Message)]
pub struct Glyphs {
    #[prost(message, repeated, tag = "1")]
    pub stacks: Vec<FontStack>,
}

#[derive(Debug, thiserror::Error)]
pub enum GlyphError {
    #[error("unknown font stack {0:?}; this server has {FONT_STACK:?}")]
    UnknownFontStack(String),
    #[error(
        "range {0:?} is not of the form START-END with START a multiple of 256 and END = START + 255, up to 65535"
    )]
    BadRange(String),
    #[error("the embedded font could not be read: {0}")]
    Font(String),
}

/// Parses `"0-255"` into its start, checking it is one of MapLibre's 256-code-point ranges.
pub fn parse_range(range: &str) -> Result<u32, GlyphError> {
    let bad = || GlyphError::BadRange(range.to_string());
    let (start, end) = range.split_once('-').ok_or_else(bad)?;
    let (start, end): (u32, u32) = (start.parse().map_err(|_| bad())?, end.parse().map_err(|_| bad())?);
    if start % 256 != 0 || end != start + 255 || end > 0xFFFF {
        return Err(bad());
    }
    Ok(start)
}

/// Whether a requested (comma-separated) font stack can be served by ours.
pub fn serves(font_stack: &str) -> bool {
    font_stack.split(',').any(|name| name.trim() == FONT_STACK)
}

/// The glyph PBF for the 256 code points from `start`.
pub fn glyph_range(font_stack: &str, start: u32) -> Result<Vec<u8>, GlyphError> {
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
    let stack = FontStack { name: FONT_STACK.into(), range: format!("{start}-{}", start + 255), glyphs };
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
            let start = code / 256 * 256;
            let bytes = glyph_range(FONT_STACK, start).unwrap();
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
        assert_eq!(parse_range("7680-7935").unwrap(), 7680);
        for bad in ["0-254", "1-256", "65536-65791", "x-255", "0255"] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
        assert!(serves("Noto Sans Regular,DejaVu Sans Book"));
        assert!(glyph_range("Comic Sans", 0).is_err());
    }
}
