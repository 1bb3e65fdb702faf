//! Refusing JSON objects that repeat a key. RFC 8259 leaves their meaning open and serde_json
//! keeps the last one, so `{"lat": 16.46, "lat": 10.8}` would silently mean something other
//! than what a reviewer of the request reads first. Every JSON body the service takes is
//! checked with [`check`] before it is read.

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};

/// `Ok` when no object in `text` repeats a key; otherwise the key, and where, as a message.
/// Text that is not JSON is left for the real parser to describe.
pub fn check(text: &[u8]) -> Result<(), String> {
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let walked = Unique { path: String::new() }.deserialize(&mut deserializer);
    match walked {
        Ok(()) => Ok(()),
        Err(error) if error.is_data() => Err(error.to_string()),
        Err(_) => Ok(()),
    }
}

/// Walks one value, `path` naming where it is (`/features/3/properties`).
struct Unique {
    path: String,
}

impl<'de> DeserializeSeed<'de> for Unique {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Unique {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = format!("{}/{key}", self.path);
            if !seen.insert(key) {
                let at = if self.path.is_empty() { String::new() } else { format!(" in {}", self.path) };
                return Err(A::Error::custom(format!(
                    "the key {:?} appears twice{at}; send each key once",
                    path.rsplit('/').next().unwrap_or_default()
                )));
            }
            map.next_value_seed(Unique { path })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        while seq.next_element_seed(Unique { path: format!("{}/{index}", self.path) })?.is_some() {
            index += 1;
        }
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn a_repeated_key_is_named_with_where_it_is() {
        assert_eq!(check(br#"{"lat": 1, "lon": 2}"#), Ok(()));
        let error = check(br#"{"lat": 16.46, "lat": 10.8}"#).unwrap_err();
        assert!(error.contains("\"lat\" appears twice"), "{error}");
        let nested = check(br#"{"features": [{"properties": {"id": "a", "id": "b"}}]}"#).unwrap_err();
        assert!(nested.contains("\"id\" appears twice in /features/0/properties"), "{nested}");
    }

    #[test]
    fn the_same_key_in_sibling_objects_is_fine() {
        assert_eq!(check(br#"[{"a": 1}, {"a": 2}, {"b": {"a": 3}}]"#), Ok(()));
        assert_eq!(check(b"not json"), Ok(()), "left for the real parser to describe");
    }
}
