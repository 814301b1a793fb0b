#![no_main]
use loomiere_http::{
    check_request, parse_head, parse_seconds_ms, parse_target, query_param, Limits, Parsed,
};
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(Parsed::Complete { request, head_len }) = parse_head(data, &Limits::default()) else {
        return;
    };
    assert_eq!(
        parse_head(&data[..head_len - 1], &Limits::default()),
        Ok(Parsed::Partial),
        "one byte short"
    );
    assert!(check_request(&request).map_or(true, |()| request.header_count("host") < 2));
    let Ok(target) = parse_target(request.target) else {
        return;
    };
    let bad = |s: &str| s.is_empty() || s.starts_with('.') || s.contains('\0');
    assert!(
        target.path.is_empty() || !target.path.split('/').any(bad),
        "unsafe path {:?}",
        target.path
    );
    let _ = (
        target.extension(),
        query_param(&target.query, "start").map(|v| v.map(|v| parse_seconds_ms(&v))),
    );
});
