//! Language tags for manifests: HLS `LANGUAGE` (RFC 8216 §4.3.4.1) and the MPD's
//! `@lang` are BCP 47 tags (RFC 5646), whose primary subtag is the ISO 639-1 code
//! where one exists (§2.2.1): `mdhd`'s ISO 639-2/T `eng` becomes `en`.

/// ISO 639-2/T code, ISO 639-1 code, English name, for the common languages.
const LANGUAGES: &[(&str, &str, &str)] = &[
    ("ara", "ar", "Arabic"),
    ("ces", "cs", "Czech"),
    ("dan", "da", "Danish"),
    ("deu", "de", "German"),
    ("ell", "el", "Greek"),
    ("eng", "en", "English"),
    ("fin", "fi", "Finnish"),
    ("fra", "fr", "French"),
    ("heb", "he", "Hebrew"),
    ("hin", "hi", "Hindi"),
    ("hun", "hu", "Hungarian"),
    ("ita", "it", "Italian"),
    ("jpn", "ja", "Japanese"),
    ("kor", "ko", "Korean"),
    ("nld", "nl", "Dutch"),
    ("nor", "no", "Norwegian"),
    ("pol", "pl", "Polish"),
    ("por", "pt", "Portuguese"),
    ("ron", "ro", "Romanian"),
    ("rus", "ru", "Russian"),
    ("spa", "es", "Spanish"),
    ("swe", "sv", "Swedish"),
    ("tha", "th", "Thai"),
    ("tur", "tr", "Turkish"),
    ("ukr", "uk", "Ukrainian"),
    ("vie", "vi", "Vietnamese"),
    ("zho", "zh", "Chinese"),
];

/// ISO 639-2/B codes that differ from the /T ones, with the /T code.
const BIBLIOGRAPHIC: &[(&str, &str)] = &[
    ("cze", "ces"),
    ("ger", "deu"),
    ("gre", "ell"),
    ("fre", "fra"),
    ("dut", "nld"),
    ("rum", "ron"),
    ("chi", "zho"),
];

/// The BCP 47 tag for an `mdhd` code (ISO 639-2, /T or /B) or an `elng` tag: the ISO
/// 639-1 code when the table has one, else the code as given.
pub fn bcp47(code: &str) -> String {
    let t = BIBLIOGRAPHIC
        .iter()
        .find(|(b, _)| *b == code)
        .map_or(code, |(_, t)| t);
    LANGUAGES
        .iter()
        .find(|l| l.0 == t)
        .map_or_else(|| code.to_owned(), |l| l.1.to_owned())
}

/// The English name of a language tag's primary language (`en-GB` -> English), when
/// the table has it.
pub fn english_name(tag: &str) -> Option<&'static str> {
    let primary = tag.split('-').next()?;
    LANGUAGES
        .iter()
        .find(|l| l.1 == primary || l.0 == primary)
        .map(|l| l.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_letter_codes_where_they_exist() {
        assert_eq!(
            (bcp47("eng"), bcp47("fre"), bcp47("fra"), bcp47("gsw")),
            ("en".into(), "fr".into(), "fr".into(), "gsw".into())
        );
        assert_eq!(bcp47("en-GB"), "en-GB");
        assert_eq!(
            (
                english_name("en-GB"),
                english_name("fr"),
                english_name("gsw")
            ),
            (Some("English"), Some("French"), None)
        );
    }
}
