//! FLV files built byte by byte: tags, AMF0 values and `onMetaData` with a keyframes
//! index that points at the built tags.

/// One tag to write.
#[derive(Clone, Debug)]
pub struct T {
    /// The whole first header byte (type, filter and reserved bits).
    pub type_byte: u8,
    pub ts: u32,
    pub data: Vec<u8>,
    pub stream_id: u32,
    /// `PreviousTagSize` to write instead of the right one.
    pub trailer: Option<u32>,
}

impl T {
    pub fn new(type_byte: u8, ts: u32, data: Vec<u8>) -> T {
        T {
            type_byte,
            ts,
            data,
            stream_id: 0,
            trailer: None,
        }
    }
}

fn payload(head: &[u8], n: usize, fill: u8) -> Vec<u8> {
    let mut d = head.to_vec();
    d.extend(std::iter::repeat_n(fill, n));
    d
}

/// AVC sequence header (`FrameType` 1, `CodecID` 7, `AVCPacketType` 0).
pub fn avc_config() -> T {
    T::new(
        9,
        0,
        payload(&[0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x0d], 8, 0xaa),
    )
}

/// AVC key frame (`AVCPacketType` 1) with `n` payload bytes.
pub fn avc_key(ts: u32, n: usize) -> T {
    T::new(9, ts, payload(&[0x17, 1, 0, 0, 0], n, 0x65))
}

/// AVC inter frame.
pub fn avc_inter(ts: u32, n: usize) -> T {
    T::new(9, ts, payload(&[0x27, 1, 0, 0, 0], n, 0x41))
}

/// AVC end of sequence (`AVCPacketType` 2), marked as a key frame as ffmpeg writes it.
pub fn avc_end(ts: u32) -> T {
    T::new(9, ts, vec![0x17, 2, 0, 0, 0])
}

/// AAC `AudioSpecificConfig` (`AACPacketType` 0).
pub fn aac_config() -> T {
    T::new(8, 0, vec![0xaf, 0, 0x12, 0x10])
}

/// AAC raw frame.
pub fn aac(ts: u32, n: usize) -> T {
    T::new(8, ts, payload(&[0xaf, 1], n, 0x21))
}

/// MP3 frame (`SoundFormat` 2).
pub fn mp3(ts: u32, n: usize) -> T {
    T::new(8, ts, payload(&[0x2f], n, 0xff))
}

/// Sorenson H.263 (`CodecID` 2) frame, key or inter.
pub fn h263(ts: u32, key: bool, n: usize) -> T {
    T::new(9, ts, payload(&[if key { 0x12 } else { 0x22 }], n, 0x08))
}

/// A script tag: the string `name` then `value` (AMF0 bytes).
pub fn script(name: &str, value: Vec<u8>) -> T {
    let mut d = amf_str(name);
    d.extend(value);
    T::new(18, 0, d)
}

pub fn amf_num(v: f64) -> Vec<u8> {
    let mut d = vec![0];
    d.extend(v.to_be_bytes());
    d
}

pub fn amf_str(s: &str) -> Vec<u8> {
    let mut d = vec![2];
    d.extend((s.len() as u16).to_be_bytes());
    d.extend(s.as_bytes());
    d
}

fn props(props: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut d = Vec::new();
    for (name, value) in props {
        d.extend((name.len() as u16).to_be_bytes());
        d.extend(name.as_bytes());
        d.extend(value);
    }
    d.extend([0, 0, 9]);
    d
}

pub fn amf_obj(p: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut d = vec![3];
    d.extend(props(p));
    d
}

pub fn amf_ecma(p: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut d = vec![8];
    d.extend((p.len() as u32).to_be_bytes());
    d.extend(props(p));
    d
}

pub fn amf_strict(values: &[Vec<u8>]) -> Vec<u8> {
    let mut d = vec![10];
    d.extend((values.len() as u32).to_be_bytes());
    for v in values {
        d.extend(v);
    }
    d
}

/// `onMetaData` as an ECMA array with `duration` and, when given, a keyframes object.
pub fn meta(index: Option<(&[f64], &[f64])>) -> T {
    let mut p = vec![("duration", amf_num(10.0)), ("videocodecid", amf_num(7.0))];
    if let Some((pos, times)) = index {
        let arr = |v: &[f64]| amf_strict(&v.iter().map(|&x| amf_num(x)).collect::<Vec<_>>());
        p.push((
            "keyframes",
            amf_obj(&[("filepositions", arr(pos)), ("times", arr(times))]),
        ));
    }
    script("onMetaData", amf_ecma(&p))
}

/// A built file and the offset of each tag.
#[derive(Clone, Debug)]
pub struct Built {
    pub bytes: Vec<u8>,
    pub offsets: Vec<u64>,
}

/// Header with `flags`, `PreviousTagSize0`, then every tag with its `PreviousTagSize`.
pub fn build(flags: u8, tags: &[T]) -> Built {
    let mut bytes = vec![b'F', b'L', b'V', 1, flags, 0, 0, 0, 9, 0, 0, 0, 0];
    let mut offsets = Vec::new();
    for t in tags {
        offsets.push(bytes.len() as u64);
        let size = t.data.len() as u32;
        bytes.push(t.type_byte);
        bytes.extend(&size.to_be_bytes()[1..]);
        bytes.extend(&t.ts.to_be_bytes()[1..]);
        bytes.push((t.ts >> 24) as u8);
        bytes.extend(&t.stream_id.to_be_bytes()[1..]);
        bytes.extend(&t.data);
        bytes.extend(t.trailer.unwrap_or(size + 11).to_be_bytes());
    }
    Built { bytes, offsets }
}

/// `meta` (its index pointing at the key frames of `media`, with their timestamps in
/// seconds, when `indexed`), the AVC and AAC configurations, then `media`.
pub fn with_head(flags: u8, indexed: bool, configs: &[T], media: &[T]) -> Built {
    let keys: Vec<usize> = media
        .iter()
        .enumerate()
        .filter(|(_, t)| is_key(t))
        .map(|(i, _)| i)
        .collect();
    let times: Vec<f64> = keys
        .iter()
        .map(|&i| f64::from(media[i].ts) / 1000.0)
        .collect();
    let zeros = vec![0.0; keys.len()];
    let assemble = |pos: &[f64]| {
        let mut tags = vec![meta(indexed.then_some((pos, &times[..])))];
        tags.extend(configs.iter().cloned());
        tags.extend(media.iter().cloned());
        build(flags, &tags)
    };
    let first = assemble(&zeros);
    let head = 1 + configs.len();
    let pos: Vec<f64> = keys
        .iter()
        .map(|&i| first.offsets[head + i] as f64)
        .collect();
    let built = assemble(&pos);
    assert_eq!(
        built.offsets, first.offsets,
        "the index does not change the layout"
    );
    built
}

/// A video key frame in the builder's terms (legacy header, `FrameType` 1, coded).
pub fn is_key(t: &T) -> bool {
    t.type_byte == 9
        && t.data.first().is_some_and(|b| b >> 4 == 1)
        && (t.data[0] & 0x0f != 7 || t.data.get(1) == Some(&1))
}

/// Ten seconds of H.264 + AAC: a key frame every 2 s (25 fps video as 5 tags per
/// 200 ms, to stay small) with AAC in between.
pub fn h264_media() -> Vec<T> {
    let mut media = Vec::new();
    for i in 0..50u32 {
        let ts = i * 200;
        media.push(if i % 10 == 0 {
            avc_key(ts, 300)
        } else {
            avc_inter(ts, 120)
        });
        media.push(aac(ts + 10, 40));
    }
    media.push(avc_end(10_000));
    media
}

/// The usual H.264 + AAC file: `onMetaData` (indexed or not), configurations, media.
pub fn h264(indexed: bool) -> Built {
    with_head(0x05, indexed, &[avc_config(), aac_config()], &h264_media())
}
