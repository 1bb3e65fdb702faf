//! Every tile from z0 to z12 that holds data decodes with an independent decoder (mvt-reader),
//! with the expected layers, feature counts and attribute values.

mod common;

use std::collections::HashMap;

use common::{decode, string_property, tiles_at};

const LAYER_NAMES: [&str; 5] = ["communes", "boundaries", "labels", "offices", "former_units"];

#[test]
fn every_tile_z0_to_z12_decodes_with_correct_attributes() {
    let data = common::dataset();
    let by_code: HashMap<&str, &data_boundaries::Commune> =
        data.communes.iter().map(|c| (c.code.as_str(), c)).collect();
    let mut tiles_checked = 0;
    for z in 0..=12 {
        let tiles = tiles_at(z);
        assert!(!tiles.is_empty(), "z{z} has tiles");
        for (id, bytes) in tiles {
            let layers = decode(&bytes);
            assert!(!layers.is_empty(), "{id:?}");
            for (name, features) in &layers {
                assert!(LAYER_NAMES.contains(&name.as_str()), "{id:?}: unexpected layer {name}");
                assert!(!features.is_empty(), "{id:?}: empty layer {name} should have been left out");
                for feature in features {
                    match name.as_str() {
                        "communes" | "labels" => {
                            let code = string_property(feature, "code").expect("code");
                            let commune = by_code.get(code.as_str()).unwrap_or_else(|| panic!("unknown code {code}"));
                            assert_eq!(string_property(feature, "name").as_deref(), Some(commune.name.as_str()));
                            assert_eq!(
                                string_property(feature, "full_name").as_deref(),
                                Some(commune.full_name.as_str())
                            );
                            let kind = string_property(feature, "type").unwrap();
                            assert!(kind == "phuong" || kind == "xa");
                        }
                        "boundaries" => {
                            let kind = string_property(feature, "kind").unwrap();
                            let right = string_property(feature, "right").unwrap();
                            assert_eq!(kind == "city", right.is_empty(), "{id:?}");
                            assert!(by_code.contains_key(string_property(feature, "left").unwrap().as_str()));
                        }
                        "offices" => {
                            assert_eq!(
                                string_property(feature, "position_precision").as_deref(),
                                Some("commune_label_point")
                            );
                            assert!(matches!(
                                feature.properties.as_ref().unwrap().get("position_is_exact"),
                                Some(mvt_reader::feature::Value::Bool(false))
                            ));
                        }
                        _ => {}
                    }
                }
            }
            tiles_checked += 1;
        }
    }
    eprintln!("{tiles_checked} tiles decoded");
}

#[test]
fn the_world_tile_holds_the_units_and_their_offices_and_former_units_wait_for_their_zoom() {
    let layers = decode(&tiles_at(0)[0].1);
    let count = |name: &str| layers.iter().find(|(n, _)| n == name).map(|(_, f)| f.len()).unwrap_or(0);
    // At z0 Huế is a few pixels wide: units smaller than a quantisation cell vanish, the rest
    // stay; labels, offices and the borders between units wait until a unit is 8 px wide,
    // and former units until z11, where the style draws them.
    assert!((20..=40).contains(&count("communes")), "{}", count("communes"));
    assert_eq!(count("labels"), 0);
    assert_eq!(count("offices"), 0);
    assert_eq!(count("former_units"), 0);
    // Distinct by name or code: a point near a tile's edge is in its neighbour's buffer too.
    let deeper = |z: u8, name: &str, key: &str| -> usize {
        let mut seen = std::collections::HashSet::new();
        for (_, raw) in tiles_at(z) {
            for (layer, features) in decode(&raw) {
                if layer == name {
                    seen.extend(features.iter().filter_map(|f| string_property(f, key)));
                }
            }
        }
        seen.len()
    };
    assert_eq!(deeper(10, "offices", "name"), 40, "every office by z10");
    assert_eq!(deeper(10, "former_units", "code"), 0);
    assert_eq!(deeper(11, "former_units", "code"), 133);
    let (_, borders) = layers.iter().find(|(n, _)| n == "boundaries").expect("the city's edge");
    assert!(borders.iter().all(|b| string_property(b, "kind").as_deref() == Some("city")), "only the city's edge");
}

#[test]
fn every_unit_is_labelled_and_its_borders_drawn_by_z10() {
    let layers: Vec<_> = tiles_at(10).into_iter().flat_map(|(_, bytes)| decode(&bytes)).collect();
    let codes: std::collections::HashSet<String> = layers
        .iter()
        .filter(|(name, _)| name == "labels")
        .flat_map(|(_, features)| features.iter().filter_map(|f| string_property(f, "code")))
        .collect();
    assert_eq!(codes.len(), 40, "every unit has a label at z10");
    let bordered: std::collections::HashSet<String> = layers
        .iter()
        .filter(|(name, _)| name == "boundaries")
        .flat_map(|(_, features)| {
            features.iter().flat_map(|f| [string_property(f, "left"), string_property(f, "right")])
        })
        .flatten()
        .filter(|code| !code.is_empty())
        .collect();
    assert_eq!(bordered.len(), 40, "every unit's borders are drawn at z10");
}

#[test]
fn shared_borders_appear_once_in_the_boundaries_layer() {
    // At z10 every internal border piece has two different neighbours and is not repeated.
    for (id, bytes) in tiles_at(10) {
        let layers = decode(&bytes);
        let Some((_, borders)) = layers.iter().find(|(n, _)| n == "boundaries") else { continue };
        let mut seen = std::collections::HashSet::new();
        for b in borders {
            let (left, right) = (string_property(b, "left").unwrap(), string_property(b, "right").unwrap());
            assert_ne!(left, right, "{id:?}");
            let geometry = format!("{:?}", b.geometry);
            assert!(seen.insert(geometry), "{id:?}: a border line appears twice");
        }
    }
}
