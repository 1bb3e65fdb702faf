//! The public mvt-fixtures (mapbox/mvt-fixtures): every valid fixture decodes, our protobuf
//! messages read each one exactly as its tile.json describes, and our encoder re-encodes the
//! geometry so that it decodes to the same thing. Our encoder never emits what the invalid
//! fixtures exhibit.

use prost::Message;
use serde_json::Value as Json;
use tiles::mvt::{encode_geometry, signed_area2, Coord, GeomType, Geometry, Tile};

fn fixtures() -> Vec<(String, Json, Json, Vec<u8>)> {
    let dir = testkit::shared_dir().join("external/mvt-fixtures/fixtures");
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let read_json = |file: &str| {
                serde_json::from_str(&std::fs::read_to_string(dir.join(&name).join(file)).unwrap()).unwrap()
            };
            let info: Json = read_json("info.json");
            let tile: Json = read_json("tile.json");
            let bytes = std::fs::read(dir.join(&name).join("tile.mvt")).unwrap();
            (name, info, tile, bytes)
        })
        .collect()
}

fn valid(info: &Json) -> bool {
    info["validity"]["v2"] == true
}

/// A lenient command decoder for the tests: turns command integers back into coordinates.
fn rings_of(commands: &[u32]) -> Option<Vec<Vec<Coord>>> {
    let (mut parts, mut at, mut i) = (Vec::<Vec<Coord>>::new(), [0i32, 0i32], 0usize);
    let unzig = |v: u32| ((v >> 1) as i32) ^ -((v & 1) as i32);
    while i < commands.len() {
        let (id, count) = (commands[i] & 7, commands[i] >> 3);
        i += 1;
        match id {
            1 | 2 => {
                for _ in 0..count {
                    if id == 1 {
                        parts.push(Vec::new());
                    }
                    let (dx, dy) = (*commands.get(i)?, *commands.get(i + 1)?);
                    at = [at[0].wrapping_add(unzig(dx)), at[1].wrapping_add(unzig(dy))];
                    i += 2;
                    parts.last_mut()?.push(at);
                }
            }
            7 => {}
            _ => return None,
        }
    }
    Some(parts)
}

/// The rules an encoder must follow, checked on a command stream.
fn check_commands(kind: GeomType, commands: &[u32]) -> Result<(), String> {
    let unzig = |v: u32| ((v >> 1) as i32) ^ -((v & 1) as i32);
    let (mut i, mut ring, mut rings) = (0usize, Vec::<Coord>::new(), 0usize);
    let mut at = [0i32, 0i32];
    while i < commands.len() {
        let (id, count) = (commands[i] & 7, commands[i] >> 3);
        i += 1;
        match (id, kind) {
            (1, GeomType::Point) if count >= 1 => {}
            (1, _) if count == 1 => {}
            (2, GeomType::Linestring | GeomType::Polygon) if count >= 1 => {}
            (7, GeomType::Polygon) if count == 1 => {
                if ring.len() < 3 {
                    return Err("ring with fewer than 3 points".into());
                }
                let area = signed_area2(&ring);
                if rings == 0 && area <= 0 {
                    return Err("first ring is not exterior (positive area)".into());
                }
                rings += 1;
                ring.clear();
                continue;
            }
            _ => return Err(format!("command {id} with count {count} not allowed for {kind:?}")),
        }
        if id == 1 && kind != GeomType::Point {
            ring.clear();
        }
        for _ in 0..count {
            let (dx, dy) =
                (*commands.get(i).ok_or("missing parameters")?, *commands.get(i + 1).ok_or("missing parameters")?);
            i += 2;
            if id == 2 && dx == 0 && dy == 0 {
                return Err("zero-length LineTo".into());
            }
            at = [at[0].wrapping_add(unzig(dx)), at[1].wrapping_add(unzig(dy))];
            ring.push(at);
        }
    }
    if kind == GeomType::Polygon && rings == 0 {
        return Err("polygon without a closed ring".into());
    }
    Ok(())
}

#[test]
fn every_valid_fixture_decodes_with_mvt_reader() {
    let mut decoded = 0;
    for (name, info, tile, bytes) in fixtures() {
        if !valid(&info) {
            continue;
        }
        let reader = mvt_reader::Reader::new(bytes.clone()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let names = reader.get_layer_names().unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let expected: Vec<&str> = tile["layers"]
            .as_array()
            .map(|l| l.iter().map(|l| l["name"].as_str().unwrap()).collect())
            .unwrap_or_default();
        assert_eq!(names, expected, "{name}");
        decoded += 1;
    }
    assert!(decoded >= 40, "{decoded}");
}

#[test]
fn our_protobuf_messages_read_valid_fixtures_as_their_json_says() {
    for (name, info, tile, bytes) in fixtures() {
        if !valid(&info) {
            continue;
        }
        let ours = Tile::decode(bytes.as_slice()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let layers = tile["layers"].as_array().cloned().unwrap_or_default();
        assert_eq!(ours.layers.len(), layers.len(), "{name}");
        for (layer, json) in ours.layers.iter().zip(&layers) {
            assert_eq!(layer.name, json["name"].as_str().unwrap(), "{name}");
            assert_eq!(
                layer.keys,
                json["keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect::<Vec<_>>(),
                "{name}"
            );
            assert_eq!(layer.features.len(), json["features"].as_array().unwrap().len(), "{name}");
            for (feature, fj) in layer.features.iter().zip(json["features"].as_array().unwrap()) {
                let geometry: Vec<u32> =
                    fj["geometry"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
                assert_eq!(feature.geometry, geometry, "{name}");
                let tags: Vec<u32> =
                    fj["tags"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
                assert_eq!(feature.tags, tags, "{name}");
            }
        }
    }
}

#[test]
fn valid_fixture_geometry_round_trips_through_our_encoder() {
    let mut round_tripped = 0;
    for (name, info, tile, _) in fixtures() {
        if !valid(&info) {
            continue;
        }
        for layer in tile["layers"].as_array().cloned().unwrap_or_default() {
            for feature in layer["features"].as_array().cloned().unwrap_or_default() {
                let commands: Vec<u32> =
                    feature["geometry"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
                let Some(parts) = rings_of(&commands) else { continue };
                let geometry = match feature["type"].as_u64() {
                    Some(1) => Geometry::Points(parts.concat()),
                    Some(2) => Geometry::Lines(parts),
                    Some(3) => {
                        // Group rings into polygons by winding, as the spec defines.
                        let mut polygons: Vec<Vec<Vec<Coord>>> = Vec::new();
                        for ring in parts {
                            if signed_area2(&ring) > 0 || polygons.is_empty() {
                                polygons.push(vec![ring]);
                            } else {
                                polygons.last_mut().unwrap().push(ring);
                            }
                        }
                        Geometry::Polygons(polygons)
                    }
                    _ => continue,
                };
                let (kind, encoded) = encode_geometry(&geometry).unwrap_or_else(|| panic!("{name}: encodes"));
                check_commands(kind, &encoded).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(encoded, commands, "{name}: commands, zigzag deltas and winding round-trip exactly");
                round_tripped += 1;
            }
        }
    }
    assert!(round_tripped >= 20, "{round_tripped}");
}

#[test]
fn our_encoder_repairs_what_invalid_fixtures_contain() {
    let mut checked = 0;
    for (name, info, tile, _) in fixtures() {
        if valid(&info) {
            continue;
        }
        for layer in tile["layers"].as_array().cloned().unwrap_or_default() {
            for feature in layer["features"].as_array().cloned().unwrap_or_default() {
                let Some(commands) = feature["geometry"].as_array() else { continue };
                let commands: Vec<u32> = commands.iter().filter_map(|v| v.as_u64()).map(|v| v as u32).collect();
                let Some(parts) = rings_of(&commands) else { continue };
                for geometry in [Geometry::Lines(parts.clone()), Geometry::Polygons(vec![parts.clone()])] {
                    if let Some((kind, encoded)) = encode_geometry(&geometry) {
                        check_commands(kind, &encoded).unwrap_or_else(|e| panic!("{name}: our encoder emitted {e}"));
                        checked += 1;
                    }
                }
            }
        }
    }
    // And the checker itself can fail: a zero-length LineTo and a ClosePath on a line.
    assert!(check_commands(GeomType::Linestring, &[9, 2, 2, 10, 0, 0]).is_err());
    assert!(check_commands(GeomType::Linestring, &[9, 2, 2, 10, 4, 4, 15]).is_err());
    assert!(checked > 0);
}

#[test]
fn real_world_tiles_decode() {
    let dir = testkit::shared_dir().join("external/mvt-fixtures/real-world/bangkok");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "mvt") {
            let bytes = std::fs::read(&path).unwrap();
            Tile::decode(bytes.as_slice()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            mvt_reader::Reader::new(bytes).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            count += 1;
        }
    }
    assert!(count >= 40, "{count}");
}
