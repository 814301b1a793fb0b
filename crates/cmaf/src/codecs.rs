//! Codec strings for the `CODECS` attribute (RFC 8216 §4.3.4.2) and the MPD's
//! `@codecs` (ISO/IEC 23009-1 §5.3.7.2), as RFC 6381 §3 defines them, read from the
//! sample entry's decoder configuration record:
//!
//! | entry | record | string |
//! | --- | --- | --- |
//! | `avc1`, `avc3` | `avcC` (ISO/IEC 14496-15 §5.3.3.1) | `avc1.64001f`: profile, constraint flags, level in hex |
//! | `hvc1`, `hev1` | `hvcC` (ISO/IEC 14496-15 §8.3.3.1, Annex E) | `hvc1.1.6.L93.B0` |
//! | `mp4a` | `esds` (ISO/IEC 14496-1 §7.2.6.5; RFC 6381 §3.3) | `mp4a.40.2`: object type, then the audio object type |
//! | `av01` | `av1C` (AV1 Codec ISOBMFF Binding §5) | `av01.0.04M.08` |
//! | `vp09` | `vpcC` (VP Codec ISOBMFF Binding) | `vp09.00.10.08` |
//! | `Opus` | `dOps` | `opus` |
//! | `fLaC`, `ac-3`, `ec-3` | | `flac`, `ac-3`, `ec-3` |
//!
//! Any other entry gives its four-character code.

/// The codec string of a sample entry of type `entry` whose decoder configuration box
/// has payload `config` (the bytes after its 8-byte header; `None` when it has none).
/// `None` when the record is too short or malformed, or the entry's code is not
/// printable: the caller then leaves the codec out rather than state a wrong one.
pub fn codec_string(entry: &[u8; 4], config: Option<&[u8]>) -> Option<String> {
    match entry {
        b"avc1" | b"avc3" => avc(entry, config?),
        b"hvc1" | b"hev1" => hevc(entry, config?),
        b"mp4a" => aac(config?),
        b"av01" => av1(config?),
        b"vp09" => vp9(config?),
        b"Opus" => Some("opus".to_owned()),
        b"fLaC" => Some("flac".to_owned()),
        _ => entry
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'.')
            .then(|| String::from_utf8_lossy(entry).into_owned()),
    }
}

/// `avcC`: AVCProfileIndication, profile_compatibility and AVCLevelIndication.
fn avc(entry: &[u8; 4], c: &[u8]) -> Option<String> {
    let p = c.get(1..4)?;
    let name = std::str::from_utf8(entry).ok()?;
    Some(format!("{name}.{:02x}{:02x}{:02x}", p[0], p[1], p[2]))
}

/// `hvcC` (ISO/IEC 14496-15 Annex E.3): profile space (none, A, B, C) and profile,
/// the 32 compatibility flags in reverse bit order as hex, tier (L or H) and level,
/// then the constraint bytes in hex, trailing zero bytes left out.
fn hevc(entry: &[u8; 4], c: &[u8]) -> Option<String> {
    let h = c.get(..13)?;
    let space = ["", "A", "B", "C"][usize::from(h[1] >> 6)];
    let tier = if h[1] & 0x20 != 0 { 'H' } else { 'L' };
    let compat = u32::from_be_bytes([h[2], h[3], h[4], h[5]]).reverse_bits();
    let name = std::str::from_utf8(entry).ok()?;
    let mut s = format!("{name}.{space}{}.{compat:X}.{tier}{}", h[1] & 0x1f, h[12]);
    let constraints = &h[6..12];
    let used = constraints
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |i| i + 1);
    for b in &constraints[..used] {
        s.push_str(&format!(".{b:X}"));
    }
    Some(s)
}

/// The channel count a decoder outputs, from the configuration record: AAC's
/// `channelConfiguration` (ISO/IEC 14496-3 §1.6.3.5; 7 means 8 channels, 0 a program
/// config element, unknown here) or Opus's `OutputChannelCount` (`dOps`). `None` for
/// other codecs or a record that does not say: the caller then uses the sample
/// entry's `channelcount`, which muxers often leave at 2.
pub fn audio_channels(entry: &[u8; 4], config: Option<&[u8]>) -> Option<u16> {
    match entry {
        b"mp4a" => {
            let asc = audio_specific_config(config?)?;
            let (aot_bits, rate_at) = if asc.first()? >> 3 == 31 {
                (11, 11)
            } else {
                (5, 5)
            };
            let bits = u64::from_be_bytes(padded(asc));
            let index = (bits >> (64 - rate_at - 4)) & 0xf;
            let at = aot_bits + 4 + if index == 0xf { 24 } else { 0 };
            match (bits >> (64 - at - 4)) & 0xf {
                0 => None,
                7 => Some(8),
                c => Some(c as u16),
            }
        }
        b"Opus" => config?.get(1).map(|&c| u16::from(c)),
        _ => None,
    }
}

/// The first 8 bytes of `b`, zero-padded.
fn padded(b: &[u8]) -> [u8; 8] {
    let mut w = [0u8; 8];
    let n = b.len().min(8);
    w[..n].copy_from_slice(&b[..n]);
    w
}

/// The AudioSpecificConfig bytes in an `esds` payload (the DecoderSpecificInfo of an
/// MPEG-4 audio DecoderConfigDescriptor), if there are any.
fn audio_specific_config(c: &[u8]) -> Option<&[u8]> {
    let dc = decoder_config(c)?;
    (*dc.first()? == 0x40)
        .then(|| descriptor(dc.get(13..)?, 0x05))
        .flatten()
}

/// The DecoderConfigDescriptor body of an `esds` payload.
fn decoder_config(c: &[u8]) -> Option<&[u8]> {
    let es = descriptor(c.get(4..)?, 0x03)?;
    let flags = *es.get(2)?;
    let mut at = 3;
    if flags & 0x80 != 0 {
        at += 2;
    }
    if flags & 0x40 != 0 {
        at += 1 + usize::from(*es.get(at)?);
    }
    if flags & 0x20 != 0 {
        at += 2;
    }
    descriptor(es.get(at..)?, 0x04)
}

/// `esds`: the DecoderConfigDescriptor's objectTypeIndication and, for MPEG-4 audio
/// (0x40), the audio object type from the AudioSpecificConfig (ISO/IEC 14496-3
/// §1.6.2.1: 5 bits, 31 meaning 32 plus the next 6).
fn aac(c: &[u8]) -> Option<String> {
    let oti = *decoder_config(c)?.first()?;
    if oti != 0x40 {
        return Some(format!("mp4a.{oti:02X}"));
    }
    mpeg4_audio(audio_specific_config(c)?)
}

/// The codec string of MPEG-4 audio from its AudioSpecificConfig `asc` (ISO/IEC
/// 14496-3 §1.6.2.1, as an `esds` or an FLV AAC sequence header carries it):
/// `mp4a.40.` and the audio object type (5 bits, 31 meaning 32 plus the next 6).
/// `None` when `asc` is too short.
pub fn mpeg4_audio(asc: &[u8]) -> Option<String> {
    let aot = match asc.first()? >> 3 {
        31 => 32 + ((u16::from(asc[0] & 0x07) << 3 | u16::from(*asc.get(1)? >> 5)) as u8),
        t => t,
    };
    Some(format!("mp4a.40.{aot}"))
}

/// The body of the descriptor with `tag` at the start of `b` (ISO/IEC 14496-1 §8.3.3:
/// a tag byte, then a size of up to four 7-bit groups); `None` when another tag is
/// there or the size runs past `b`.
fn descriptor(b: &[u8], tag: u8) -> Option<&[u8]> {
    if *b.first()? != tag {
        return None;
    }
    let (mut size, mut at) = (0usize, 1usize);
    for _ in 0..4 {
        let byte = *b.get(at)?;
        at += 1;
        size = size << 7 | usize::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return b.get(at..at.checked_add(size)?);
        }
    }
    None
}

/// `av1C`: seq_profile, seq_level_idx_0 (two digits), seq_tier_0 (M or H) and the bit
/// depth (08, 10 or 12).
fn av1(c: &[u8]) -> Option<String> {
    let h = c.get(..3)?;
    if h[0] != 0x81 {
        return None;
    }
    let (profile, level) = (h[1] >> 5, h[1] & 0x1f);
    let tier = if h[2] & 0x80 != 0 { 'H' } else { 'M' };
    let depth = match (h[2] & 0x40 != 0, h[2] & 0x20 != 0) {
        (true, true) if profile == 2 => 12,
        (true, _) => 10,
        _ => 8,
    };
    Some(format!("av01.{profile}.{level:02}{tier}.{depth:02}"))
}

/// `vpcC` version 1: profile, level and bit depth, two digits each.
fn vp9(c: &[u8]) -> Option<String> {
    let h = c.get(..7)?;
    Some(format!("vp09.{:02}.{:02}.{:02}", h[4], h[5], h[6] >> 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avc_strings_carry_profile_flags_and_level_in_hex() {
        let avcc = [1, 0x64, 0x00, 0x1f, 0xff];
        assert_eq!(
            codec_string(b"avc1", Some(&avcc)).as_deref(),
            Some("avc1.64001f")
        );
        assert_eq!(
            codec_string(b"avc3", Some(&avcc)).as_deref(),
            Some("avc3.64001f")
        );
        assert_eq!(codec_string(b"avc1", Some(&[1, 0x64])), None);
        assert_eq!(codec_string(b"avc1", None), None);
    }

    #[test]
    fn hevc_strings_follow_annex_e() {
        // Main profile, compatibility flags 0x60000000 (bits 1 and 2), main tier,
        // level 93 (3.1), progressive_source + frame_only constraints (0xB0).
        let mut hvcc = vec![1, 0x01, 0x60, 0, 0, 0, 0xB0, 0, 0, 0, 0, 0, 93];
        assert_eq!(
            codec_string(b"hvc1", Some(&hvcc)).as_deref(),
            Some("hvc1.1.6.L93.B0")
        );
        hvcc[1] = 0b0110_0010; // profile space 1, high tier, profile 2
        hvcc[11] = 0x01;
        assert_eq!(
            codec_string(b"hev1", Some(&hvcc)).as_deref(),
            Some("hev1.A2.6.H93.B0.0.0.0.0.1")
        );
    }

    #[test]
    fn aac_strings_read_the_audio_object_type() {
        // esds v0: ES_Descriptor(ES_ID 1, no flags) > DecoderConfig(0x40, audio) >
        // DecoderSpecificInfo 0x12 0x10 (AAC LC, 44.1 kHz, stereo).
        let mut esds = vec![0, 0, 0, 0, 0x03, 0x80, 0x80, 0x80, 28, 0, 1, 0];
        esds.extend_from_slice(&[
            0x04, 0x80, 0x80, 0x80, 20, 0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        esds.extend_from_slice(&[0x05, 0x80, 0x80, 0x80, 2, 0x12, 0x10]);
        assert_eq!(
            codec_string(b"mp4a", Some(&esds)).as_deref(),
            Some("mp4a.40.2")
        );
        let he = [0x2b, 0x92, 0x08, 0x00]; // object type 5 (SBR), escaped forms below
        let last = esds.len() - 2;
        esds.splice(last.., he[..2].iter().copied());
        assert_eq!(
            codec_string(b"mp4a", Some(&esds)).as_deref(),
            Some("mp4a.40.5")
        );
        let n = esds.len();
        esds[n - 2] = 0xf8; // 31: escape, then 6 more bits
        esds[n - 1] = 0x20; // 000001 -> 32 + 1 = 33
        assert_eq!(
            codec_string(b"mp4a", Some(&esds)).as_deref(),
            Some("mp4a.40.33")
        );
        esds[17] = 0x6B; // MPEG-1 audio (MP3)
        assert_eq!(
            codec_string(b"mp4a", Some(&esds)).as_deref(),
            Some("mp4a.6B")
        );
        assert_eq!(codec_string(b"mp4a", Some(&esds[..20])), None, "cut short");
    }

    #[test]
    fn channels_come_from_the_decoder_configuration() {
        let esds = |asc: &[u8]| {
            let mut v = vec![
                0,
                0,
                0,
                0,
                0x03,
                (3 + 2 + 13 + 2 + asc.len()) as u8,
                0,
                1,
                0,
            ];
            v.extend_from_slice(&[
                0x04,
                (13 + 2 + asc.len()) as u8,
                0x40,
                0x15,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
            ]);
            v.extend_from_slice(&[0x05, asc.len() as u8]);
            v.extend_from_slice(asc);
            v
        };
        // AAC LC 48 kHz (index 3): 00010 0011 CCCC: mono, stereo, 5.1, 7.1 (config 7).
        for (asc, want) in [
            ([0x11, 0x88], Some(1)),
            ([0x11, 0x90], Some(2)),
            ([0x11, 0xb0], Some(6)),
            ([0x11, 0xb8], Some(8)),
            ([0x11, 0x80], None),
        ] {
            assert_eq!(
                audio_channels(b"mp4a", Some(&esds(&asc))),
                want,
                "{asc:02x?}"
            );
        }
        // An explicit 24-bit sampling rate (index 15) before the channels: stereo.
        let explicit = [0x17, 0x80, 0xbb, 0x80, 0x10];
        assert_eq!(audio_channels(b"mp4a", Some(&esds(&explicit))), Some(2));
        assert_eq!(audio_channels(b"Opus", Some(&[0, 6, 0, 0])), Some(6));
        assert_eq!(audio_channels(b"avc1", Some(&[1, 2, 3])), None);
    }

    #[test]
    fn av1_vp9_and_named_codecs() {
        assert_eq!(
            codec_string(b"av01", Some(&[0x81, 0x04, 0x0c])).as_deref(),
            Some("av01.0.04M.08")
        );
        assert_eq!(
            codec_string(b"av01", Some(&[0x81, 0x48, 0xc0])).as_deref(),
            Some("av01.2.08H.10")
        );
        assert_eq!(
            codec_string(b"av01", Some(&[0x81, 0x48, 0x60])).as_deref(),
            Some("av01.2.08M.12")
        );
        assert_eq!(
            codec_string(b"av01", Some(&[0x01, 0, 0])),
            None,
            "no marker bit"
        );
        assert_eq!(
            codec_string(b"vp09", Some(&[1, 0, 0, 0, 0, 10, 0x80])).as_deref(),
            Some("vp09.00.10.08")
        );
        assert_eq!(codec_string(b"Opus", None).as_deref(), Some("opus"));
        assert_eq!(codec_string(b"ac-3", None).as_deref(), Some("ac-3"));
        assert_eq!(codec_string(b"\x00abc", None), None);
    }
}
