//! Web Mercator (EPSG:3857) tile maths on the unit square: x to the east, y to the south,
//! both from 0 to 1, the way XYZ tile URLs count.

/// Latitude limit of Web Mercator.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// An XYZ tile address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Zoom: the grid has 2^z × 2^z tiles.
    pub z: u8,
    /// Column, from 0 at 180° W eastwards.
    pub x: u32,
    /// Row, from 0 at the northern edge (85.05° N) southwards.
    pub y: u32,
}

impl TileId {
    /// A tile id, or `None` when x or y is outside the grid at z (or z > 30).
    pub fn new(z: u8, x: u32, y: u32) -> Option<TileId> {
        if z > 30 {
            return None;
        }
        let n = 1u64 << z;
        ((x as u64) < n && (y as u64) < n).then_some(TileId { z, x, y })
    }

    /// Tiles per side at this zoom.
    pub fn grid_size(self) -> f64 {
        (1u64 << self.z) as f64
    }

    /// The tile's bounds on the unit square, `[x0, y0, x1, y1]` with y0 the northern edge.
    pub fn unit_bounds(self) -> [f64; 4] {
        let n = self.grid_size();
        [self.x as f64 / n, self.y as f64 / n, (self.x + 1) as f64 / n, (self.y + 1) as f64 / n]
    }
}

/// Projects lon/lat to the unit square.
pub fn to_unit(lon: f64, lat: f64) -> [f64; 2] {
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    [x, y]
}

/// The inverse of [`to_unit`].
pub fn to_lon_lat(x: f64, y: f64) -> [f64; 2] {
    let lon = x * 360.0 - 180.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * y)).sinh().atan().to_degrees();
    [lon, lat]
}

/// The columns and rows `[x0, y0, x1, y1]` (inclusive) of the tiles at zoom `z` that meet the
/// unit-square box `[x0, y0, x1, y1]`.
pub fn covering_range(bounds: [f64; 4], z: u8) -> [u32; 4] {
    let n = (1u64 << z) as f64;
    let last = (1u64 << z) - 1;
    let cell = |v: f64| ((v * n).floor().max(0.0) as u64).min(last) as u32;
    [cell(bounds[0]), cell(bounds[1]), cell(bounds[2]), cell(bounds[3])]
}

/// Every tile at zoom `z` that meets the unit-square box `[x0, y0, x1, y1]`.
pub fn tiles_covering(bounds: [f64; 4], z: u8) -> impl Iterator<Item = TileId> {
    let [x0, y0, x1, y1] = covering_range(bounds, z);
    (y0..=y1).flat_map(move |y| (x0..=x1).map(move |x| TileId { z, x, y }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_known_tile() {
        let [x, y] = to_unit(107.5794, 16.4668);
        let [lon, lat] = to_lon_lat(x, y);
        assert!((lon - 107.5794).abs() < 1e-9 && (lat - 16.4668).abs() < 1e-9);
        // Ngọ Môn is in z10 tile 818/464 (the standard XYZ formula, computed independently).
        assert_eq!(((x * 1024.0) as u32, (y * 1024.0) as u32), (818, 464));
    }

    #[test]
    fn tile_ids_are_checked_against_the_grid() {
        assert!(TileId::new(0, 0, 0).is_some());
        assert!(TileId::new(0, 1, 0).is_none());
        assert!(TileId::new(3, 7, 7).is_some());
        assert!(TileId::new(3, 8, 0).is_none());
    }
}
