//! Our point-in-polygon agrees with GEOS on tg's five benchmark polygons.

mod common;

use data_boundaries::pip::{IndexedPolygon, Position};

#[test]
fn agrees_with_geos_on_every_random_point_of_every_shape() {
    for name in common::TG_SHAPES {
        let index = IndexedPolygon::new(&common::tg_shape(name));
        let rows = common::oracle_rows(name);
        let random: Vec<_> = rows.iter().filter(|r| r.0 == "random").collect();
        assert_eq!(random.len(), 10_000, "{name}");
        let mut disagreements = Vec::new();
        for (_, x, y, contains, _) in &random {
            if (index.position(*x, *y) == Position::Inside) != *contains {
                disagreements.push((*x, *y, *contains));
            }
        }
        assert!(
            disagreements.is_empty(),
            "{name}: {} disagreements, first {:?}",
            disagreements.len(),
            &disagreements[..disagreements.len().min(5)]
        );
        let hits = random.iter().filter(|r| r.3).count();
        eprintln!("{name}: {hits} of 10,000 random points inside, all agreeing with GEOS");
    }
}

#[test]
fn ring_vertices_are_on_the_boundary_as_geos_covers_says() {
    for name in common::TG_SHAPES {
        let index = IndexedPolygon::new(&common::tg_shape(name));
        for (kind, x, y, contains, covers) in common::oracle_rows(name) {
            if kind == "vertex" {
                assert!(!contains && covers, "{name}: the oracle's vertex convention");
                assert_eq!(index.position(x, y), Position::OnBoundary, "{name}: vertex ({x}, {y})");
            }
        }
    }
}

#[test]
fn midpoints_are_never_misplaced_by_more_than_rounding() {
    // Midpoints are rounded to f64, so they may sit a hair off the edge: GEOS then says
    // inside or outside. We must either agree or call them boundary.
    for name in common::TG_SHAPES {
        let index = IndexedPolygon::new(&common::tg_shape(name));
        for (kind, x, y, contains, covers) in common::oracle_rows(name) {
            if kind != "midpoint" {
                continue;
            }
            let ours = index.position(x, y);
            let agrees = match ours {
                Position::Inside => contains,
                Position::Outside => !covers,
                Position::OnBoundary => covers && !contains,
            };
            assert!(agrees, "{name}: midpoint ({x}, {y}) ours {ours:?}, GEOS contains={contains} covers={covers}");
        }
    }
}
