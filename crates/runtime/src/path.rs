//! Path parameters into a URL, percent-encoded as one path segment each.

use std::fmt::{self, Write};

/// What a path segment percent-encodes: the WHATWG URL standard's path-segment set, the set
/// progenitor's `encode_path` uses (not public there, so written here; a property test holds
/// the two to the same output).
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// Appends `value`, as it displays, to `url` as one percent-encoded path segment: what every
/// generated operation fills its path with. Written straight into the URL, without the two
/// strings and the formatting pass per parameter of progenitor's
/// `format!(…, encode_path(&value.to_string()))`, which every call paid.
pub fn push_path_segment<T: fmt::Display + ?Sized>(url: &mut String, value: &T) {
    /// Encodes each piece `value`'s `Display` writes; percent-encoding goes byte by byte, so
    /// however it is split, the result is the same.
    struct Encoding<'a>(&'a mut String);
    impl Write for Encoding<'_> {
        fn write_str(&mut self, piece: &str) -> fmt::Result {
            self.0
                .extend(percent_encoding::utf8_percent_encode(piece, PATH_SEGMENT));
            Ok(())
        }
    }
    // Writing into a `String` cannot fail; a `Display` that fails leaves what it wrote.
    let _ = write!(Encoding(url), "{value}");
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::push_path_segment;

    fn encoded(value: &str) -> String {
        let mut url = String::new();
        push_path_segment(&mut url, value);
        url
    }

    #[test]
    fn every_ascii_character_is_encoded_as_progenitor_encodes_it() {
        for byte in 0u8..=127 {
            let value = (byte as char).to_string();
            assert_eq!(
                encoded(&value),
                progenitor_client::encode_path(&value),
                "{byte:#04x}"
            );
        }
    }

    #[test]
    fn numbers_and_other_displays_are_written_as_they_display() {
        let mut url = "http://127.0.0.1:1/orgs/".to_owned();
        push_path_segment(&mut url, &42);
        push_path_segment(&mut url, &"/a b");
        assert_eq!(url, "http://127.0.0.1:1/orgs/42%2Fa%20b");
    }

    proptest! {
        #[test]
        fn any_string_is_encoded_as_progenitor_encodes_it(value in any::<String>()) {
            prop_assert_eq!(encoded(&value), progenitor_client::encode_path(&value));
        }
    }
}
