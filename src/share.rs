//! Share links: the whole work — definition, scenario, picked machine, example — in the URL
//! fragment, so that a link (or an embedded frame) restores exactly the same run with no
//! server. Opening the link gives the same texts, hence the same seed and the same digest.
//!
//! Format: `#v1=` followed by URL-safe base64 (no padding) of the zlib-deflated JSON
//! `{"d": definition, "s": scenario, "m": machine, "x": example}`. zlib rather than raw deflate
//! for its Adler-32 checksum: a link damaged in transit is detected, not half-read. The version
//! prefix lets a later format be recognised as such instead of being reported as garbage.
//!
//! Limits: a link's fragment may hold at most [`MAX_LINK_CHARS`] characters (about 64 KB; a
//! typical definition and scenario take 1–4 KB) — browsers accept far longer URLs, but chat
//! tools, mail clients and documentation generators often cut them, and a cut link is worse
//! than no link. The decoded work may be at most [`MAX_WORK_BYTES`] (the page's file limit), so
//! a small link cannot inflate into an enormous document.
//!
//! Everything here is pure and tested natively; the header's Share button and the page's start
//! (`crate::storage`) do the browser side.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};

use crate::i18n::Lang;
use crate::state::{Work, MAX_FILE_BYTES};

/// The version this page writes and reads.
pub const VERSION: u32 = 1;
/// The longest fragment (after `#`) a link may have.
pub const MAX_LINK_CHARS: usize = 65_536;
/// The most bytes the decoded work may take.
pub const MAX_WORK_BYTES: usize = MAX_FILE_BYTES;

/// URL-safe base64 without padding; padding is tolerated when decoding (a tool may add it).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The keys of the JSON inside a link, in [`Work`]'s order (definition, scenario, machine,
/// example); short because every byte lands in the URL.
const KEYS: WorkKeys = ["d", "s", "m", "x"];

/// The four keys a [`Work`] is written under as a JSON object.
pub type WorkKeys = [&'static str; 4];

/// `work` as a JSON object under `keys`; an absent machine or example is left out.
///
/// Through `serde_json::Value` rather than derived (de)serialisers: the page already carries
/// the `Value` reader and writer, and each derived one would add its own code to the wasm.
pub fn work_to_json(work: &Work, keys: WorkKeys) -> String {
    let mut object = serde_json::Map::new();
    let fields = [
        Some(&work.definition),
        Some(&work.scenario),
        work.machine.as_ref(),
        work.example.as_ref(),
    ];
    for (key, field) in keys.into_iter().zip(fields) {
        if let Some(text) = field {
            object.insert(key.to_string(), serde_json::Value::String(text.clone()));
        }
    }
    serde_json::Value::Object(object).to_string()
}

/// The work in a JSON object written by [`work_to_json`]: the definition and scenario must be
/// strings, the machine and example strings, `null` or absent; other keys are ignored.
pub fn work_from_json(text: &str, keys: WorkKeys) -> Option<Work> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let object = value.as_object()?;
    let required = |key: &str| object.get(key)?.as_str().map(str::to_string);
    let optional = |key: &str| match object.get(key) {
        None | Some(serde_json::Value::Null) => Some(None),
        Some(serde_json::Value::String(text)) => Some(Some(text.clone())),
        Some(_) => None,
    };
    Some(Work {
        definition: required(keys[0])?,
        scenario: required(keys[1])?,
        machine: optional(keys[2])?,
        example: optional(keys[3])?,
    })
}

/// Why a link cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodeError {
    /// The compressed work would make a fragment of `chars` characters, over [`MAX_LINK_CHARS`].
    TooLong { chars: usize },
}

/// Why a link cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// `#v1=` with nothing after it.
    Empty,
    /// A link of another format version (made by a newer or older mapsim).
    UnknownVersion { version: String },
    /// The fragment is longer than [`MAX_LINK_CHARS`].
    TooLong { chars: usize },
    /// A character that base64 links never contain, at this position of the link's data
    /// (counted from 1): the link was changed, or text was glued to its end.
    BadCharacter { position: usize, character: char },
    /// The data does not decompress, or fails its checksum: the link was cut short or altered.
    Damaged,
    /// The data would decompress into more than [`MAX_WORK_BYTES`].
    TooLarge,
    /// The data decompresses, but not into a definition and a scenario.
    NotAWork,
}

/// The fragment (without `#`) of a link to `work`: `v1=…`.
pub fn encode(work: &Work) -> Result<String, EncodeError> {
    let json = work_to_json(work, KEYS);
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(json.as_bytes(), 9);
    let fragment = format!("v{VERSION}={}", BASE64.encode(compressed));
    if fragment.len() > MAX_LINK_CHARS {
        return Err(EncodeError::TooLong {
            chars: fragment.len(),
        });
    }
    Ok(fragment)
}

/// A link to `work` from the page at `page_url` (whose own fragment, if any, is replaced).
pub fn link(page_url: &str, work: &Work) -> Result<String, EncodeError> {
    let base = page_url.split('#').next().unwrap_or(page_url);
    Ok(format!("{base}#{}", encode(work)?))
}

/// Reads a fragment (with or without its `#`). `None` when the fragment is not a share link at
/// all (empty, or an anchor such as `#help`); otherwise the work or why it cannot be opened.
pub fn decode(fragment: &str) -> Option<Result<Work, LinkError>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let rest = fragment.strip_prefix('v')?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let (version, data) = rest.split_at(digits);
    let data = match data.strip_prefix('=') {
        Some(data) => data,
        None if data.is_empty() => "",
        None => return None,
    };
    Some(decode_data(version, data, fragment.len()))
}

fn decode_data(version: &str, data: &str, fragment_chars: usize) -> Result<Work, LinkError> {
    if version != VERSION.to_string() {
        return Err(LinkError::UnknownVersion {
            version: format!("v{version}"),
        });
    }
    if fragment_chars > MAX_LINK_CHARS {
        return Err(LinkError::TooLong {
            chars: fragment_chars,
        });
    }
    if data.is_empty() {
        return Err(LinkError::Empty);
    }
    if let Some((index, character)) = data
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '=')))
    {
        return Err(LinkError::BadCharacter {
            position: index + 1,
            character,
        });
    }
    // Every character is of the alphabet; what base64 still refuses is a length no encoder
    // produces or padding in the middle — a link cut or glued together.
    let compressed = BASE64.decode(data).map_err(|_| LinkError::Damaged)?;
    let json = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, MAX_WORK_BYTES)
        .map_err(|error| match error.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge,
            _ => LinkError::Damaged,
        })?;
    std::str::from_utf8(&json)
        .ok()
        .and_then(|json| work_from_json(json, KEYS))
        .ok_or(LinkError::NotAWork)
}

impl LinkError {
    /// What went wrong, for the notice the page shows.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (LinkError::Empty, Lang::En) => "The link holds no work: it ends right after “#v1=”.".into(),
            (LinkError::Empty, Lang::Ja) => "このリンクには作業内容が入っていません（「#v1=」の後が空です）。".into(),
            (LinkError::UnknownVersion { version }, Lang::En) => format!(
                "The link is in format {version}; this page reads v{VERSION} links. It was probably made by another version of mapsim."
            ),
            (LinkError::UnknownVersion { version }, Lang::Ja) => format!(
                "このリンクの形式は {version} ですが、このページが読めるのは v{VERSION} のリンクです。別のバージョンの mapsim で作られたリンクのようです。"
            ),
            (LinkError::TooLong { chars }, Lang::En) => format!(
                "The link is {chars} characters long; share links may have at most {MAX_LINK_CHARS}."
            ),
            (LinkError::TooLong { chars }, Lang::Ja) => format!(
                "このリンクは {chars} 文字あります。共有リンクは {MAX_LINK_CHARS} 文字までです。"
            ),
            (LinkError::BadCharacter { position, character }, Lang::En) => format!(
                "The link was changed: character {position} of its data is “{character}”, which share links never contain."
            ),
            (LinkError::BadCharacter { position, character }, Lang::Ja) => format!(
                "リンクが書き換えられています。データの {position} 文字目が「{character}」ですが、共有リンクにこの文字は含まれません。"
            ),
            (LinkError::Damaged, Lang::En) => "The link is damaged: it was cut short or altered (its data does not decompress or fails its checksum).".into(),
            (LinkError::Damaged, Lang::Ja) => "リンクが壊れています。途中で切れたか書き換えられています（データを展開できないか、チェックサムが一致しません）。".into(),
            (LinkError::TooLarge, Lang::En) => format!(
                "The link would open more than {} MB of text, more than the page accepts.",
                MAX_WORK_BYTES / (1024 * 1024)
            ),
            (LinkError::TooLarge, Lang::Ja) => format!(
                "このリンクを開くと {} MB を超えるテキストになり、ページで扱える量を超えます。",
                MAX_WORK_BYTES / (1024 * 1024)
            ),
            (LinkError::NotAWork, Lang::En) => "The link's data is not a mapsim definition and scenario.".into(),
            (LinkError::NotAWork, Lang::Ja) => "このリンクのデータは mapsim の定義とシナリオではありません。".into(),
        }
    }
}

impl EncodeError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (EncodeError::TooLong { chars }, Lang::En) => format!(
                "Even compressed, this work needs a {chars}-character link; share links may have at most {MAX_LINK_CHARS}. Share the definition and scenario files instead."
            ),
            (EncodeError::TooLong { chars }, Lang::Ja) => format!(
                "圧縮してもリンクが {chars} 文字になります。共有リンクは {MAX_LINK_CHARS} 文字までです。定義とシナリオのファイルを共有してください。"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::EXAMPLES;

    fn work() -> Work {
        Work {
            definition: EXAMPLES[0].definition.into(),
            scenario: EXAMPLES[0].scenario.into(),
            machine: Some("OrdersMachine".into()),
            example: Some("order-processing".into()),
        }
    }

    fn fragment_data(fragment: &str) -> &str {
        fragment.strip_prefix("v1=").unwrap_or("")
    }

    #[test]
    fn every_example_round_trips_and_stays_short() {
        for example in EXAMPLES {
            let work = Work {
                definition: example.definition.into(),
                scenario: example.scenario.into(),
                machine: None,
                example: Some(example.id.into()),
            };
            let Ok(fragment) = encode(&work) else {
                panic!("{}: no link", example.id);
            };
            assert!(fragment.starts_with("v1="));
            assert!(
                fragment.len() < (example.definition.len() + example.scenario.len()) * 3 / 5,
                "{}: {} characters",
                example.id,
                fragment.len()
            );
            assert_eq!(
                decode(&format!("#{fragment}")),
                Some(Ok(work)),
                "{}",
                example.id
            );
        }
    }

    #[test]
    fn text_round_trips_exactly_with_any_characters() {
        let cases = [
            "",
            "{}",
            "名前: 値\n  - 日本語の状態名 🙂\r\n\ttabs",
            "\u{0}\u{feff} quotes \" and backslashes \\",
        ];
        for text in cases {
            let work = Work {
                definition: text.into(),
                scenario: text.repeat(3),
                machine: None,
                example: None,
            };
            let decoded = encode(&work).ok().and_then(|f| decode(&f));
            assert_eq!(decoded, Some(Ok(work)), "{text:?}");
        }
    }

    #[test]
    fn fragments_that_are_not_share_links_are_left_alone() {
        for fragment in ["", "#", "#help", "#v", "#version=2", "#vx=abc", "#v1x"] {
            assert_eq!(decode(fragment), None, "{fragment:?}");
        }
    }

    #[test]
    fn malformed_links_say_what_is_wrong() {
        let Ok(good) = encode(&work()) else {
            panic!("no link");
        };
        let data = fragment_data(&good);
        let half = &data[..data.len() / 2];
        let mut flipped: Vec<char> = data.chars().collect();
        let middle = flipped.len() / 2;
        flipped[middle] = if flipped[middle] == 'A' { 'B' } else { 'A' };
        let flipped: String = flipped.into_iter().collect();
        let not_zlib = BASE64.encode(b"plain text, not deflated");
        let not_work = BASE64.encode(miniz_oxide::deflate::compress_to_vec_zlib(b"{\"a\": 1}", 9));
        let cases: Vec<(String, LinkError)> = vec![
            ("#v1=".into(), LinkError::Empty),
            ("#v1".into(), LinkError::Empty),
            (
                format!("#v2={data}"),
                LinkError::UnknownVersion {
                    version: "v2".into(),
                },
            ),
            (
                format!("#v1={data})."),
                LinkError::BadCharacter {
                    position: data.len() + 1,
                    character: ')',
                },
            ),
            (
                "#v1=ab%20cd".into(),
                LinkError::BadCharacter {
                    position: 3,
                    character: '%',
                },
            ),
            (format!("#v1={half}"), LinkError::Damaged),
            (format!("#v1={flipped}"), LinkError::Damaged),
            (format!("#v1={not_zlib}"), LinkError::Damaged),
            (format!("#v1={not_work}"), LinkError::NotAWork),
            (
                format!("#v1={}", "A".repeat(MAX_LINK_CHARS)),
                LinkError::TooLong {
                    chars: MAX_LINK_CHARS + 3,
                },
            ),
        ];
        for (fragment, expected) in cases {
            assert_eq!(decode(&fragment), Some(Err(expected)), "{fragment:.80}");
        }
    }

    #[test]
    fn a_link_cut_anywhere_is_refused() {
        let Ok(good) = encode(&work()) else {
            panic!("no link");
        };
        for cut in 4..good.len() - 1 {
            let result = decode(&good[..cut]);
            assert!(
                matches!(result, Some(Err(LinkError::Damaged | LinkError::Empty))),
                "cut at {cut}: {result:?}"
            );
        }
    }

    #[test]
    fn a_small_link_cannot_inflate_into_a_huge_document() {
        // 8 MiB of one repeated byte compresses into a few kilobytes.
        let bomb = vec![b' '; 2 * MAX_WORK_BYTES];
        let data = BASE64.encode(miniz_oxide::deflate::compress_to_vec_zlib(&bomb, 9));
        assert!(data.len() < MAX_LINK_CHARS);
        assert_eq!(
            decode(&format!("v1={data}")),
            Some(Err(LinkError::TooLarge))
        );
    }

    #[test]
    fn work_too_large_for_a_link_is_refused_when_sharing() {
        // Text that does not compress: a pseudo-random walk over letters.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let noise: String = (0..80_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'a' + (state % 26) as u8)
            })
            .collect();
        let work = Work {
            definition: noise,
            scenario: "{}".into(),
            machine: None,
            example: None,
        };
        assert!(
            matches!(encode(&work), Err(EncodeError::TooLong { chars }) if chars > MAX_LINK_CHARS)
        );
    }

    #[test]
    fn a_link_replaces_the_page_url_fragment() {
        let Ok(fragment) = encode(&work()) else {
            panic!("no link");
        };
        let cases = [
            "https://example.org/docs/mapsim/",
            "https://example.org/docs/mapsim/#v1=old",
            "https://example.org/docs/mapsim/?lang=ja#top",
        ];
        for page in cases {
            let Ok(link) = link(page, &work()) else {
                panic!("no link");
            };
            let base = page.split('#').next().unwrap_or(page);
            assert_eq!(link, format!("{base}#{fragment}"));
        }
    }

    #[test]
    fn every_error_has_a_message_in_both_languages() {
        let errors = [
            LinkError::Empty,
            LinkError::UnknownVersion {
                version: "v9".into(),
            },
            LinkError::TooLong { chars: 70_000 },
            LinkError::BadCharacter {
                position: 12,
                character: '!',
            },
            LinkError::Damaged,
            LinkError::TooLarge,
            LinkError::NotAWork,
        ];
        for error in errors {
            let en = error.message(Lang::En);
            let ja = error.message(Lang::Ja);
            assert!(!en.is_empty() && !ja.is_empty() && en != ja, "{error:?}");
        }
    }
}
