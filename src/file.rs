//! The plain-file streamer: images and other configured static types, sent whole with
//! ranges and validators (RFC 9110 §13, §14). Types come from `type.<ext>` config keys.

use loomiere_http::Refusal;
use loomiere_plan::{Plan, TimeMap};
use loomiere_serve::{Body, Context};

/// Output format version, part of every `ETag`.
pub const FORMAT_VERSION: u32 = 1;

/// Plans the body: the whole file.
///
/// Errors: 404 when the extension has no configured media type.
pub fn handle(ctx: &Context<'_>) -> Result<Body, Refusal> {
    let ext = ctx.target.extension().unwrap_or_default();
    let content_type = ctx
        .config
        .content_type_for(&ext)
        .ok_or_else(|| Refusal::new(404, format!("no type configured for extension '{ext}'")))?;
    let plan = Plan::whole_file(0, ctx.file.len).map_err(|e| Refusal::new(500, e.to_string()))?;
    Ok(Body {
        plan,
        content_type: content_type.to_owned(),
        variant: String::new(),
        notes: vec![],
        time_map: TimeMap::new(),
        mapping: None,
        fields: Vec::new(),
    })
}
