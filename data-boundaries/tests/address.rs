//! Old-address conversion: the public sample cases, and one test per rule (abbreviations,
//! diacritics, tone-mark placement, case and commas, old district names, ambiguity).

mod common;

use common::{address_index, dataset};
use data_boundaries::address::{Conversion, Status};

fn convert(address: &str) -> Conversion {
    address_index().convert(dataset(), address)
}

fn new_unit(address: &str) -> String {
    let data = dataset();
    let c = convert(address);
    assert_eq!(c.status, Status::Matched, "{address}: {c:?}");
    data.communes[c.best.unwrap().new_commune].full_name.clone()
}

#[test]
fn sample_cases() {
    let c = convert("12 Lê Lợi, Phường Vĩnh Ninh, TP Huế, Thừa Thiên Huế");
    assert_eq!(c.best.as_ref().unwrap().new_address, "12 Lê Lợi, Phường Thuận Hoá, Thành phố Huế");
    assert!(c.confidence >= 0.95);
    assert_eq!(new_unit("thon 3, xa huong phong, huyen a luoi, tinh thua thien hue"), "Xã A Lưới 4");
    let c = convert("Kiệt 5 Nguyễn Sinh Cung, P. Vỹ Dạ, Q. Thuận Hóa, TP Huế");
    assert_eq!(c.best.as_ref().unwrap().new_address, "Kiệt 5 Nguyễn Sinh Cung, Phường Vỹ Dạ, Thành phố Huế");
    assert_eq!(new_unit("Phường Hương Phong"), "Phường Hoá Châu");
    let c = convert("Hương Phong, Huế");
    assert_eq!(c.status, Status::Ambiguous);
    assert_eq!(c.alternatives.len(), 2);
}

#[test]
fn abbreviations_of_unit_types() {
    for address in
        ["12 Lê Lợi, P. Vĩnh Ninh", "12 Lê Lợi, Ph. Vĩnh Ninh", "12 Lê Lợi, P Vĩnh Ninh", "12 Lê Lợi, phường Vĩnh Ninh"]
    {
        assert_eq!(new_unit(address), "Phường Thuận Hoá", "{address}");
    }
    assert_eq!(new_unit("X. Hương Phong, H. A Lưới"), "Xã A Lưới 4");
    assert_eq!(new_unit("TT. Sịa, H. Quảng Điền"), "Xã Quảng Điền");
    assert_eq!(new_unit("thị trấn Lăng Cô, huyện Phú Lộc"), "Xã Chân Mây - Lăng Cô");
}

#[test]
fn abbreviations_of_the_province_are_not_read_as_a_town() {
    for province in ["TT Huế", "TT-Huế", "T.T.Huế", "Thừa Thiên Huế", "tỉnh Thừa Thiên Huế", "TTH"] {
        let address = format!("12 Lê Lợi, P. Vĩnh Ninh, TP Huế, {province}");
        assert_eq!(new_unit(&address), "Phường Thuận Hoá", "{address}");
    }
}

#[test]
fn diacritics_tone_placement_case_and_commas() {
    for address in [
        "12 le loi, phuong vinh ninh, tp hue",
        "12 LÊ LỢI, PHƯỜNG VĨNH NINH, TP HUẾ",
        "12 Lê Lợi Phường Vĩnh Ninh TP Huế",
        "12 Lê Lợi,, Phường Vĩnh Ninh ,TP Huế,",
    ] {
        let c = convert(address);
        assert_eq!(c.status, Status::Matched, "{address}");
        assert_eq!(dataset().communes[c.best.unwrap().new_commune].code, "19789", "{address}");
    }
    // Both tone-mark placements: Thủy/Thuỷ.
    assert_eq!(new_unit("Phường Thủy Vân, Quận Thuận Hóa"), new_unit("Phường Thuỷ Vân, Quận Thuận Hoá"));
    assert_eq!(new_unit("phuong thuy van"), "Phường Vỹ Dạ");
}

#[test]
fn tone_marks_tell_thuan_hoa_ward_from_thuan_hoa_district() {
    // Phường Thuận Hòa (grave) was a ward of Phú Xuân; Thuận Hóa (acute) is a district.
    assert_eq!(new_unit("5 Đinh Tiên Hoàng, Phường Thuận Hòa, Quận Phú Xuân"), "Phường Phú Xuân");
}

#[test]
fn old_district_names_before_and_after_2025() {
    assert_eq!(new_unit("Phường Phú Bài, thị xã Hương Thủy"), "Phường Phú Bài");
    assert_eq!(new_unit("Xã Hương Phong, Huyện A Lưới"), "Xã A Lưới 4");
    assert_eq!(new_unit("Phường Hương Phong, Quận Thuận Hóa"), "Phường Hoá Châu");
    assert_eq!(new_unit("Hương Phong, Quận Thuận Hóa"), "Phường Hoá Châu", "the district decides");
    assert_eq!(new_unit("Hương Phong, huyện A Lưới"), "Xã A Lưới 4", "the district decides");
    assert_eq!(new_unit("Hương Phong, TP Huế, Thừa Thiên Huế"), "Phường Hoá Châu", "the old city of Huế");
}

#[test]
fn nothing_recognised_is_said_plainly() {
    for address in ["", "123 Main Street, Springfield", "Hà Nội"] {
        let c = convert(address);
        assert_eq!(c.status, Status::NotRecognised, "{address}");
        assert!(c.best.is_none() && c.alternatives.is_empty());
    }
}
