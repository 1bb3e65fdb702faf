//! A uniform grid over the commune parts: the first step of `locate`.
//!
//! Each cell of the grid knows which parts meet it. Most cells of a country lie wholly
//! inside one part, and meet no other: a point there is answered from the cell alone, with
//! no polygon test and one memory read. A cell that a border crosses lists the parts that
//! meet it (a handful), and each listed part's y-stripe index decides exactly. A cell that
//! no part meets answers "nothing" at once.
//!
//! Without the grid, an R-tree of the parts' bounding boxes picked the candidates: every
//! neighbour whose box held the point, and for each an exact test reading its edges, which
//! for the whole country means memory far outside the cache (BENCHMARKS.md, "The national
//! service").
//!
//! Exactness: a cell is "inside" a part only when no edge of that part comes within a small
//! margin of the cell, so every point that falls in the cell (by the same arithmetic the
//! query uses) is strictly inside the part; anything less certain is listed for the exact
//! test.

use geo::Polygon;

use crate::pip::{IndexedPolygon, Position};

/// Cells per degree at most (about 870 m), halved until the grid has at most
/// [`MAX_CELLS`] cells: a city's grid is a few thousand cells, the country's a few million.
const FINEST_CELLS_PER_DEGREE: f64 = 128.0;
const MAX_CELLS: usize = 4 << 20;
/// Cells visited while building, over all parts' boxes, at most (the country: about 3 M).
const MAX_VISITS: usize = 32 << 20;
/// The coarsest grid (a cell of 1,024°: one cell for any extent on Earth).
const MIN_CELLS_PER_DEGREE: f64 = 1.0 / 1024.0;
/// How far past an edge its cells reach, in degrees: far more than the rounding of the
/// cell arithmetic (1e-13 at these magnitudes), far less than a cell.
const MARGIN: f64 = 1e-9;

/// The grid is stored in blocks of `BLOCK × BLOCK` cells, and a block no part meets (the
/// sea, mostly, around a country) is not stored: the country's 4 M cells take 3 MB, not 17.
const BLOCK_SHIFT: usize = 4;
const BLOCK: usize = 1 << BLOCK_SHIFT;

/// A cell's value: 0 for no part; `INSIDE | part` for a cell wholly inside one part that no
/// other part meets; otherwise `1 +` the offset of its list in `lists`.
const INSIDE: u32 = 1 << 31;

/// What one cell says about the points that fall in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// No part meets the cell: the point is in no commune.
    Nothing,
    /// The point is strictly inside this part (an index into the parts the grid was built
    /// from), and in no other.
    Inside(usize),
    /// These parts meet the cell; each entry is a part index, with [`Candidates::inside`]
    /// telling whether the whole cell is strictly inside it (no test needed).
    Candidates(Candidates<'a>),
}

/// The parts that meet a cell a border crosses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidates<'a>(&'a [u32]);

impl Candidates<'_> {
    /// Each part, and whether the whole cell is strictly inside it.
    pub fn iter(&self) -> impl Iterator<Item = (usize, bool)> + '_ {
        self.0.iter().map(|&entry| ((entry & !INSIDE) as usize, entry & INSIDE != 0))
    }
}

/// The grid; see the module's documentation.
#[derive(Debug, Clone)]
pub struct PartGrid {
    west: f64,
    south: f64,
    cells_per_degree: f64,
    columns: usize,
    rows: usize,
    /// Blocks across (`columns / BLOCK`, rounded up).
    block_columns: usize,
    /// For each block, row by row: 0 when no part meets it, else 1 + its place in `blocks`.
    block_of: Vec<u32>,
    /// The stored blocks' cells, `BLOCK × BLOCK` each, row by row.
    blocks: Vec<u32>,
    /// Each listed cell's parts: a length, then that many entries (`INSIDE | part` or part).
    lists: Vec<u32>,
}

impl PartGrid {
    /// Builds the grid over `parts` (each polygon with its stripe index); answers name
    /// parts by their place in `parts`.
    pub fn new(parts: &[(&Polygon<f64>, &IndexedPolygon)]) -> PartGrid {
        let (mut west, mut south, mut east, mut north) =
            (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (_, index) in parts {
            let [x0, y0, x1, y1] = index.bounds();
            west = west.min(x0);
            south = south.min(y0);
            east = east.max(x1);
            north = north.max(y1);
        }
        if !(west <= east && south <= north) {
            // No part has an edge: every cell is empty.
            return PartGrid {
                west: 0.0,
                south: 0.0,
                cells_per_degree: 0.0,
                columns: 0,
                rows: 0,
                block_columns: 0,
                block_of: Vec::new(),
                blocks: Vec::new(),
                lists: Vec::new(),
            };
        }
        let mut cells_per_degree = FINEST_CELLS_PER_DEGREE;
        let size = |cpd: f64| {
            let columns = ((east - west) * cpd).floor() as usize + 1;
            let rows = ((north - south) * cpd).floor() as usize + 1;
            (columns, rows)
        };
        // The build visits every cell of every part's box: overlapping, far-flung parts (a
        // hostile or broken file) must not make that unbounded either.
        let visits = |cpd: f64| -> usize {
            parts
                .iter()
                .map(|(_, index)| {
                    let [x0, y0, x1, y1] = index.bounds();
                    let cells = |span: f64| (span.max(0.0) * cpd) as usize + 2;
                    cells(x1 - x0).saturating_mul(cells(y1 - y0))
                })
                .fold(0usize, usize::saturating_add)
        };
        while {
            let (columns, rows) = size(cells_per_degree);
            columns.saturating_mul(rows) > MAX_CELLS || visits(cells_per_degree) > MAX_VISITS
        } && cells_per_degree > MIN_CELLS_PER_DEGREE
        {
            cells_per_degree /= 2.0;
        }
        let (columns, rows) = size(cells_per_degree);
        let block_columns = columns.div_ceil(BLOCK);
        let mut grid = PartGrid {
            west,
            south,
            cells_per_degree,
            columns,
            rows,
            block_columns,
            block_of: vec![0; block_columns * rows.div_ceil(BLOCK)],
            blocks: Vec::new(),
            lists: Vec::new(),
        };

        // Every (cell, part) meeting, as `cell << 32 | entry`, then grouped by cell.
        let mut meetings: Vec<u64> = Vec::new();
        for (part, (polygon, index)) in parts.iter().enumerate() {
            // A part's index and a list's offset share a u32 with the INSIDE bit.
            debug_assert!(part < INSIDE as usize, "too many parts for the grid");
            grid.meetings_of(part as u32, polygon, index, &mut meetings);
        }
        meetings.sort_unstable();
        let mut start = 0;
        while start < meetings.len() {
            let cell = (meetings[start] >> 32) as usize;
            let end = start + meetings[start..].iter().take_while(|&&m| (m >> 32) as usize == cell).count();
            let entries = meetings[start..end].iter().map(|&m| m as u32);
            let value = if end - start == 1 && meetings[start] as u32 & INSIDE != 0 {
                meetings[start] as u32
            } else {
                debug_assert!(grid.lists.len() < INSIDE as usize - 1, "too many listed cells");
                let at = 1 + grid.lists.len() as u32;
                grid.lists.push((end - start) as u32);
                grid.lists.extend(entries);
                at
            };
            let slot = grid.slot_to_fill(cell % columns, cell / columns);
            grid.blocks[slot] = value;
            start = end;
        }
        grid.blocks.shrink_to_fit();
        grid.lists.shrink_to_fit();
        grid
    }

    /// What the cell holding `(x, y)` says; [`Cell::Nothing`] outside the grid and for a
    /// coordinate that is not finite.
    pub fn cell(&self, x: f64, y: f64) -> Cell<'_> {
        let column = (x - self.west) * self.cells_per_degree;
        let row = (y - self.south) * self.cells_per_degree;
        // Written so that NaN fails the comparisons.
        if !(column >= 0.0 && row >= 0.0 && column < self.columns as f64 && row < self.rows as f64) {
            return Cell::Nothing;
        }
        match self.value(column as usize, row as usize) {
            0 => Cell::Nothing,
            value if value & INSIDE != 0 => Cell::Inside((value & !INSIDE) as usize),
            value => {
                let at = value as usize - 1;
                let length = self.lists[at] as usize;
                Cell::Candidates(Candidates(&self.lists[at + 1..at + 1 + length]))
            }
        }
    }

    /// The bytes the grid holds (for the start-up log and the benchmarks).
    pub fn heap_bytes(&self) -> usize {
        (self.block_of.capacity() + self.blocks.capacity() + self.lists.capacity()) * std::mem::size_of::<u32>()
    }

    fn value(&self, column: usize, row: usize) -> u32 {
        match self.block_of[(row >> BLOCK_SHIFT) * self.block_columns + (column >> BLOCK_SHIFT)] {
            0 => 0,
            block => self.blocks[(block as usize - 1) * BLOCK * BLOCK + (row % BLOCK) * BLOCK + column % BLOCK],
        }
    }

    /// Where the cell's value goes in `blocks`, storing its block first if need be.
    fn slot_to_fill(&mut self, column: usize, row: usize) -> usize {
        let block = &mut self.block_of[(row >> BLOCK_SHIFT) * self.block_columns + (column >> BLOCK_SHIFT)];
        if *block == 0 {
            self.blocks.resize(self.blocks.len() + BLOCK * BLOCK, 0);
            *block = (self.blocks.len() / (BLOCK * BLOCK)) as u32;
        }
        (*block as usize - 1) * BLOCK * BLOCK + (row % BLOCK) * BLOCK + column % BLOCK
    }

    fn column_of(&self, x: f64) -> usize {
        (((x - self.west) * self.cells_per_degree).max(0.0) as usize).min(self.columns - 1)
    }

    fn row_of(&self, y: f64) -> usize {
        (((y - self.south) * self.cells_per_degree).max(0.0) as usize).min(self.rows - 1)
    }

    /// The cells `part` meets: those its edges come near (to be tested), then, row by row,
    /// the runs of cells between them that lie wholly inside it.
    fn meetings_of(&self, part: u32, polygon: &Polygon<f64>, index: &IndexedPolygon, meetings: &mut Vec<u64>) {
        let [x0, y0, x1, y1] = index.bounds();
        if !(x0 <= x1 && y0 <= y1) {
            return;
        }
        let (first_column, last_column) = (self.column_of(x0 - MARGIN), self.column_of(x1 + MARGIN));
        let (first_row, last_row) = (self.row_of(y0 - MARGIN), self.row_of(y1 + MARGIN));
        let width = last_column - first_column + 1;
        let mut crossed = vec![false; width * (last_row - first_row + 1)];
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for line in ring.lines() {
                self.cells_near(line.start.into(), line.end.into(), |column, row| {
                    crossed[(row - first_row) * width + column - first_column] = true;
                });
            }
        }
        let cell_id = |column: usize, row: usize| ((row * self.columns + column) as u64) << 32;
        for row in first_row..=last_row {
            // Within a run of cells no edge comes near, every point is on the same side of
            // the part's border, so the first cell's centre speaks for the run.
            let mut run_inside: Option<bool> = None;
            for column in first_column..=last_column {
                if crossed[(row - first_row) * width + column - first_column] {
                    meetings.push(cell_id(column, row) | u64::from(part));
                    run_inside = None;
                    continue;
                }
                let inside = *run_inside.get_or_insert_with(|| {
                    let x = self.west + (column as f64 + 0.5) / self.cells_per_degree;
                    let y = self.south + (row as f64 + 0.5) / self.cells_per_degree;
                    index.position(x, y) == Position::Inside
                });
                if inside {
                    meetings.push(cell_id(column, row) | u64::from(part | INSIDE));
                }
            }
        }
    }

    /// Calls `mark(column, row)` for every cell the segment `a`–`b` comes within
    /// [`MARGIN`] of (some more, never fewer).
    fn cells_near(&self, a: (f64, f64), b: (f64, f64), mut mark: impl FnMut(usize, usize)) {
        let ((ax, ay), (bx, by)) = if a.0 <= b.0 { (a, b) } else { (b, a) };
        for column in self.column_of(ax - MARGIN)..=self.column_of(bx + MARGIN) {
            // The part of the segment over this column (widened by the margin), and the
            // latitudes it spans there.
            let left = (self.west + column as f64 / self.cells_per_degree - MARGIN).max(ax);
            let right = (self.west + (column + 1) as f64 / self.cells_per_degree + MARGIN).min(bx);
            let (left, right) = (left.clamp(ax, bx), right.clamp(ax, bx));
            // Clamped to the segment's own span: the division may round a hair past an end,
            // and no row may fall outside the part's (its cells are indexed from them).
            let y_at = |x: f64| {
                let y = if bx > ax { ay + (x - ax) * (by - ay) / (bx - ax) } else { ay };
                y.clamp(ay.min(by), ay.max(by))
            };
            let (low, high) = if bx > ax {
                let (p, q) = (y_at(left), y_at(right));
                (p.min(q), p.max(q))
            } else {
                (ay.min(by), ay.max(by))
            };
            for row in self.row_of(low - MARGIN)..=self.row_of(high + MARGIN) {
                mark(column, row);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn grid_of(polygons: &[Polygon<f64>]) -> (PartGrid, Vec<IndexedPolygon>) {
        let indexes: Vec<IndexedPolygon> = polygons.iter().map(IndexedPolygon::new).collect();
        let parts: Vec<(&Polygon<f64>, &IndexedPolygon)> = polygons.iter().zip(&indexes).collect();
        (PartGrid::new(&parts), indexes)
    }

    /// What the grid and the exact tests say together, for one point.
    fn answer(grid: &PartGrid, indexes: &[IndexedPolygon], x: f64, y: f64) -> Vec<(usize, Position)> {
        match grid.cell(x, y) {
            Cell::Nothing => Vec::new(),
            Cell::Inside(part) => vec![(part, Position::Inside)],
            Cell::Candidates(list) => list
                .iter()
                .map(|(part, inside)| (part, if inside { Position::Inside } else { indexes[part].position(x, y) }))
                .filter(|(_, p)| *p != Position::Outside)
                .collect(),
        }
    }

    #[test]
    fn agrees_with_the_exact_test_everywhere_on_a_fine_lattice() {
        // Two squares sharing an edge, one with a hole, and a thin diagonal sliver: cells
        // wholly inside, crossed, empty, and on the shared border.
        let polygons = vec![
            polygon!(
                exterior: [(x: 0., y: 0.), (x: 0.5, y: 0.), (x: 0.5, y: 0.5), (x: 0., y: 0.5)],
                interiors: [[(x: 0.2, y: 0.2), (x: 0.3, y: 0.2), (x: 0.3, y: 0.3), (x: 0.2, y: 0.3)]],
            ),
            polygon![(x: 0.5, y: 0.), (x: 1., y: 0.), (x: 1., y: 0.5), (x: 0.5, y: 0.5)],
            polygon![(x: 0., y: 0.6), (x: 1., y: 0.9), (x: 1., y: 0.91)],
        ];
        let (grid, indexes) = grid_of(&polygons);
        assert!(grid.blocks.iter().any(|&c| c & INSIDE != 0), "some cells answer alone");
        let agrees = |x: f64, y: f64| {
            let exact: Vec<(usize, Position)> = indexes
                .iter()
                .enumerate()
                .map(|(k, index)| (k, index.position(x, y)))
                .filter(|(_, p)| *p != Position::Outside)
                .collect();
            let mut got = answer(&grid, &indexes, x, y);
            got.sort_by_key(|(k, _)| *k);
            assert_eq!(got, exact, "({x}, {y})");
        };
        for i in -20..=1020 {
            for j in -20..=1020 {
                agrees(i as f64 / 1000.0 + 0.00013, j as f64 / 1000.0 + 0.00007);
            }
        }
        // Exactly on the shared edge, and on the grid's own cell borders.
        for (x, y) in [(0.5, 0.25), (0.5, 0.0), (0.0, 0.5), (1.0, 0.5), (0.25, 0.2), (0.5 + 1.0 / 128.0, 0.5)] {
            agrees(x, y);
        }
    }

    #[test]
    fn outside_the_grid_and_not_finite_is_nothing() {
        let (grid, _) = grid_of(&[polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.)]]);
        for (x, y) in [(-0.1, 0.5), (1.1, 0.5), (0.5, -1.0), (f64::NAN, 0.5), (0.5, f64::INFINITY)] {
            assert_eq!(grid.cell(x, y), Cell::Nothing, "({x}, {y})");
        }
        let (empty, _) = grid_of(&[]);
        assert_eq!(empty.cell(0.0, 0.0), Cell::Nothing);
    }

    #[test]
    fn many_overlapping_wide_parts_get_coarser_cells_and_stay_exact() {
        // 300 copies of a 40° square: at the finest cells the build would visit 300 × 26 M.
        let square = polygon![(x: 0., y: 0.), (x: 40., y: 0.), (x: 40., y: 40.), (x: 0., y: 40.)];
        let (grid, indexes) = grid_of(&vec![square; 300]);
        // 300 × (40 × 8 + 2)² visits is within the cap; one step finer would not be.
        assert_eq!(grid.cells_per_degree, 8.0);
        assert_eq!(answer(&grid, &indexes, 20.0, 20.0).len(), 300);
        assert!(answer(&grid, &indexes, 40.5, 20.0).is_empty());
    }

    #[test]
    fn a_wide_extent_gets_coarser_cells_within_the_cap() {
        let (grid, _) = grid_of(&[polygon![(x: 0., y: 0.), (x: 40., y: 0.), (x: 40., y: 40.)]]);
        assert!(grid.columns * grid.rows <= MAX_CELLS);
        assert!(grid.cells_per_degree < FINEST_CELLS_PER_DEGREE);
    }
}
