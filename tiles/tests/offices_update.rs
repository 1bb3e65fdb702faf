//! The offices layer follows the registry: after an office moves, is renamed, added or
//! closed, `TileStore::with_offices` renders again exactly the tiles a full rebuild would
//! change, and every other tile keeps its bytes and its content hash (its ETag).

mod common;

use tiles::{TileSource, TileStore};

#[test]
fn with_offices_matches_a_full_rebuild_and_touches_nothing_else() {
    let data = common::dataset();
    let before = TileStore::build(TileSource::new(data), 12, 0);

    // Kim Long's seat moves from its label point to the river; Phú Xuân's is renamed; one
    // office is closed and a new agent point is added.
    let mut offices = data.offices.clone();
    let kim_long = offices.iter_mut().find(|o| o.id == "seat-19774").expect("Kim Long's seat");
    (kim_long.lon, kim_long.lat) = (107.5600, 16.4610);
    kim_long.position_precision = data_boundaries::PositionPrecision::Surveyed;
    offices.iter_mut().find(|o| o.id == "seat-19753").expect("Phú Xuân's seat").name = "Trụ sở mới".into();
    let closed = offices.iter().position(|o| o.id == "seat-19777").expect("Vỹ Dạ's seat");
    offices.remove(closed);
    let mut agent = offices[0].clone();
    (agent.id, agent.kind, agent.lon, agent.lat) =
        ("agent-1".into(), data_boundaries::OfficeKind::PublicServiceAgent, 107.60, 16.47);
    offices.push(agent);

    let updated = before.with_offices(&offices);
    let rebuilt = TileStore::build(TileSource::new(&data.with_offices(offices.clone())), 12, 0);

    let old: std::collections::HashMap<_, _> = before.pyramid_tiles().into_iter().collect();
    let new = updated.pyramid_tiles();
    let full = rebuilt.pyramid_tiles();
    assert_eq!(new.len(), full.len(), "the same tiles exist");
    let mut changed = 0;
    for ((id, tile), (full_id, full_tile)) in new.iter().zip(&full) {
        assert_eq!(id, full_id);
        assert_eq!(tile.raw, full_tile.raw, "tile {id:?} differs from a full rebuild");
        match old.get(id) {
            Some(previous) if previous.raw == tile.raw => {
                assert_eq!(previous.content_hash, tile.content_hash, "{id:?}: same bytes, same ETag")
            }
            _ => changed += 1,
        }
    }
    // Each changed office shows at every zoom from 0 to 12; far more tiles exist than that.
    assert!(changed >= 13, "only {changed} tiles changed");
    assert!(changed < new.len() / 4, "{changed} of {} tiles changed", new.len());
}
