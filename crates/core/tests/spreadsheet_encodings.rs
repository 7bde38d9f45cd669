//! Spreadsheet files in the encodings Excel writes are read as a browser
//! would read them: `decode_spreadsheet` gives the same text as
//! `encoding_rs` (the WHATWG Encoding Standard) for every byte.

use tandem_core::decode_spreadsheet;

fn as_encoding_rs_reads(bytes: &[u8]) -> String {
    encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned()
}

#[test]
fn every_windows_1252_byte_is_read_as_the_encoding_standard_says() {
    for byte in 0x80..=0xFFu8 {
        // A lone high byte is never valid UTF-8, so it is read as
        // Windows-1252; the letters around it stay as they are.
        let bytes = [b'A', byte, b'z'];
        assert_eq!(
            decode_spreadsheet(&bytes),
            as_encoding_rs_reads(&bytes),
            "byte {byte:#04x}"
        );
    }
    let all: Vec<u8> = (0..=0xFFu8).collect();
    assert_eq!(decode_spreadsheet(&all), as_encoding_rs_reads(&all));
}

#[test]
fn a_german_sheet_from_an_old_excel_keeps_its_umlauts_and_signs() {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252
        .encode("Vorname;Straße;Beitrag\nJürgen;Größer Weg 3;12 € – „bar“\n");
    assert!(!unmappable);
    assert_eq!(
        decode_spreadsheet(&bytes),
        "Vorname;Straße;Beitrag\nJürgen;Größer Weg 3;12 € – „bar“\n"
    );
}

#[test]
fn unicode_text_from_excel_is_read_after_its_byte_order_mark() {
    let sheet = "Vorname\tNachname\nŞükrü\tÖztürk 🙂\n";
    let mut little_endian = vec![0xFF, 0xFE];
    let mut big_endian = vec![0xFE, 0xFF];
    for unit in sheet.encode_utf16() {
        little_endian.extend(unit.to_le_bytes());
        big_endian.extend(unit.to_be_bytes());
    }
    assert_eq!(decode_spreadsheet(&little_endian), sheet);
    assert_eq!(decode_spreadsheet(&big_endian), sheet);
    assert_eq!(
        decode_spreadsheet(&little_endian),
        as_encoding_rs_reads(&little_endian)
    );
    assert_eq!(
        decode_spreadsheet(&big_endian),
        as_encoding_rs_reads(&big_endian)
    );
}

#[test]
fn broken_utf16_is_marked_not_dropped() {
    // A lone surrogate and a last byte without its pair.
    let bytes = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0, b'c'];
    let text = decode_spreadsheet(&bytes);
    assert_eq!(text, "a\u{FFFD}b\u{FFFD}");
    assert_eq!(text, as_encoding_rs_reads(&bytes));
}
