//! Property tests on the reference data: whatever the index calls inside, geo's own
//! `Contains` agrees with, and nothing outside the city's bounding box is ever inside.

mod common;

use common::dataset;
use geo::{Contains, Point};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn inside_means_geo_contains(fx in 0.0f64..1.0, fy in 0.0f64..1.0) {
        let data = dataset();
        let [x0, y0, x1, y1] = data.bounds();
        let (lon, lat) = (x0 + fx * (x1 - x0), y0 + fy * (y1 - y0));
        let here = data.locate(lon, lat);
        let point = Point::new(lon, lat);
        if let Some(i) = here.commune {
            if !here.on_boundary {
                prop_assert!(data.communes[i].geometry.contains(&point), "{lon},{lat} in {}", data.communes[i].code);
            }
        } else {
            // And the converse: nothing says inside when the index says outside.
            prop_assert!(data.communes.iter().all(|c| !c.geometry.contains(&point)), "{lon},{lat} missed");
        }
    }

    #[test]
    fn outside_the_city_bbox_is_never_inside(lon in -180.0f64..180.0, lat in -90.0f64..90.0) {
        let data = dataset();
        let [x0, y0, x1, y1] = data.bounds();
        prop_assume!(lon < x0 || lon > x1 || lat < y0 || lat > y1);
        prop_assert_eq!(data.locate(lon, lat).commune, None);
    }
}
