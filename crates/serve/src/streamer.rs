//! The flow every streamer shares: start-up, the request head, the checks, the
//! document root, the format-specific plan, validators and ranges (RFC 9110 §13, §14),
//! sending, and one access-log line.
//!
//! The phases of a streamer process, each one step of [`run_streamer`] and the
//! functions it calls, in order; the process's scoreboard slot ([`crate::watch`])
//! records each where it begins:
//!
//! 1. start-up ([`crate::startup::start`]), then the slot claimed
//!    ([`Exchange::watch`]);
//! 2. reading the request head ([`acquire_head`]): state `reading`;
//! 3. planning (state `planning` once the request line is known): the checks ([`admit`], [`check_routed_to`]), the file (`open`), the
//!    format's plan (the [`Handler`]), the answer (`send`: validators, ranges, the
//!    throttle's schedule): [`Body::plan`] is then the bytes planned;
//! 4. sending: the first burst (`bursting`, status and bytes planned recorded), then,
//!    when throttled, sending and resting in turn (`throttled`;
//!    `loomiere_connection::send`, whose sender reports the bytes sent);
//! 5. draining: the lingering close ([`finish_connection`]), `draining`;
//! 6. the end: the access-log line with the status and how the send ended
//!    ([`Exchange::sent`]; a refusal instead: [`Exchange::refuse`]), counted in the
//!    scoreboard's counters; the slot is freed when the exchange is dropped.

use crate::exchange::Exchange;
use crate::exit::after_send;
use crate::request::{admit, limits, Admitted};
use crate::route::check_routed_to;
use crate::startup::{start, Startup};
use loomiere_config::Config;
use loomiere_connection::intake::{acquire_head, Source};
use loomiere_connection::send::{
    finish_connection, is_socket, send_response_watched, send_throttled_watched,
};
use loomiere_connection::{stdin, stdout};
use loomiere_docroot::{DocRoot, OpenedFile, Retired};
use loomiere_http::{add_fields, answer, strong_etag, Refusal, Representation, Request, Target};
use loomiere_plan::{Plan, TimeMap};
use loomiere_throttle::{is_exempt, schedule_for};
use std::process::ExitCode;
use std::time::SystemTime;

/// What a streamer is given for one request.
pub struct Context<'a> {
    pub request: &'a Request<'a>,
    pub target: &'a Target,
    /// The file opened for the request: the target's own path, or for a segmenter
    /// the film the name is inside ([`Opens`]).
    pub file: &'a OpenedFile,
    pub config: &'a Config,
}

/// Which file a streamer opens for its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opens {
    /// The target's path (`films/a.mp4` for `/films/a.mp4?start=3`).
    Target,
    /// The film a name is inside (`films/a.mp4` for `/films/a.mp4/master.m3u8`, see
    /// [`Target::within_film`]); a target that is no such name is a 404.
    Film,
}

/// A streamer's answer: the planned representation.
pub struct Body {
    /// The whole body, complete before anything is sent.
    pub plan: Plan,
    /// `Content-Type` media type.
    pub content_type: String,
    /// What distinguishes this representation from others of the same file (the seek
    /// parameters); part of the strong `ETag`.
    pub variant: String,
    /// Words for the access log (e.g. the snapped start).
    pub notes: Vec<String>,
    /// When each body byte is due at the player (empty: never throttled).
    pub time_map: TimeMap,
    /// The source mapping the planner read, unmapped off the path to the first byte:
    /// once an unthrottled response is sent, or before a throttled one first rests.
    pub mapping: Option<Retired>,
    /// More header fields of the representation, `(name, value)`, sent with 200,
    /// 206 and 304 (see [`Representation::fields`]); e.g. `Cache-Control`.
    pub fields: Vec<(&'static str, String)>,
}

/// A format-specific planner.
pub type Handler = fn(&Context<'_>) -> Result<Body, Refusal>;

/// One streamer program: what [`run_streamer`] is given.
pub(crate) struct Streamer {
    /// The program's name (`loomiere-mp4`): log lines, and the routing check.
    pub program: &'static str,
    /// Part of every `ETag`.
    pub format_version: u32,
    pub handler: Handler,
    pub opens: Opens,
}

/// Runs one streamer process end to end. `format_version` is part of every `ETag` and
/// is bumped whenever the output bytes for the same input change.
///
/// Exit status ([`crate::exit`]): 0 for every answered request (including refusals
/// and clients that went away), 100 for a usage error, 111 (a temporary failure)
/// when sending failed on our side.
pub fn run_streamer(program: &'static str, format_version: u32, handler: Handler) -> ExitCode {
    run(Streamer {
        program,
        format_version,
        handler,
        opens: Opens::Target,
    })
}

/// Runs one segmenting streamer process end to end, as [`run_streamer`] does, for
/// names inside a film (`/films/a.mp4/master.m3u8`): the file opened is the film
/// ([`Opens::Film`]), and the handler reads the name from the target.
pub fn run_segmenter(program: &'static str, format_version: u32, handler: Handler) -> ExitCode {
    run(Streamer {
        program,
        format_version,
        handler,
        opens: Opens::Film,
    })
}

/// The flow of [`run_streamer`] and [`run_segmenter`].
fn run(streamer: Streamer) -> ExitCode {
    let Startup {
        mut ex,
        config,
        base,
        ..
    } = match start(streamer.program) {
        Ok(s) => s,
        Err(code) => return code,
    };
    ex.watch(&base, streamer.program);
    // Never freed (the process ends with this request): dropping it cost ~11,000
    // instructions.
    let base = std::mem::ManuallyDrop::new(base);
    let (head, source) = match acquire_head(&limits(&base), base.request_timeout) {
        Ok(h) => h,
        Err(e) => return ex.intake_failed(&e),
    };
    ex.note_request(&head);
    let outcome = config
        .map_err(|e| Refusal::new(500, format!("config {e}")))
        .and_then(|()| serve(&head, source, &base, &mut ex, &streamer));
    outcome.unwrap_or_else(|r| ex.refuse(&r))
}

/// Serves a request whose head has been read (by `source`): checks it (and, when no
/// front chose this streamer for it, that the configuration routes it here), answers
/// `OPTIONS`, or plans the answer and sends it. Refusals come back as `Err`.
pub(crate) fn serve(
    head: &[u8],
    source: Source,
    config: &Config,
    ex: &mut Exchange,
    streamer: &Streamer,
) -> Result<ExitCode, Refusal> {
    let admitted = admit(head, config, ex)?;
    if source == Source::Client {
        check_routed_to(config, &admitted.target, streamer.program)?;
    }
    if admitted.request.method == "OPTIONS" {
        return Ok(ex.options());
    }
    let file = open(&admitted, streamer.opens)?;
    let body = (streamer.handler)(&Context {
        request: &admitted.request,
        target: &admitted.target,
        file: &file,
        config,
    })?;
    let version = streamer.format_version;
    Ok(send(&admitted.request, &file, body, version, config, ex))
}

/// Opens the requested file (`opens`) beneath the admitted document root.
/// Errors: 404 for a film name that is no name inside a film; the document root's.
fn open(admitted: &Admitted<'_, '_>, opens: Opens) -> Result<OpenedFile, Refusal> {
    let target = &admitted.target;
    let path = match opens {
        Opens::Target => target.path.as_str(),
        Opens::Film => target
            .within_film()
            .map(|(film, _, _)| film)
            .ok_or_else(|| Refusal::new(404, "not a name inside a film"))?,
    };
    let root = admitted.access.root;
    let docroot = DocRoot::open(root)
        .map_err(|e| Refusal::new(500, format!("document root {}: {e}", root.display())))?;
    docroot.open_file(path)
}

/// Answers `request` with the planned `body` of `file` (validators, ranges, head), sends
/// it at full speed or paced by the throttle, closes the connection and logs the send.
/// The head is made here, by [`answer`], from the representation alone; fields that
/// depend on the request (CORS's, for its `Origin`) join it here ([`add_fields`]).
fn send(
    request: &Request<'_>,
    file: &OpenedFile,
    mut body: Body,
    version: u32,
    config: &Config,
    ex: &mut Exchange,
) -> ExitCode {
    let etag = strong_etag(&file.identity, &body.variant, version);
    let fields: Vec<(&str, &str)> = body.fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let rep = Representation {
        len: body.plan.len(),
        content_type: &body.content_type,
        etag: &etag,
        last_modified: file.modified,
        fields: &fields,
    };
    let mut ans = answer(request, &rep, SystemTime::now());
    add_fields(&mut ans.head, &ex.cors().fields());
    let schedule = schedule_for(
        &config.throttle,
        std::mem::take(&mut body.time_map),
        ans.body,
    )
    .filter(|_| is_socket(stdout()));
    // A cache tier fetches at full speed (`throttle_exempt`).
    let exempt = schedule.is_some() && is_exempt(&config.throttle_exempt, ex.remote());
    let schedule = schedule.filter(|_| !exempt);
    let (start, end) = ans.body.unwrap_or((0, 0));
    ex.answering(ans.status, end.saturating_sub(start));
    let mut watch = ex.watcher();
    // Unmapped after the response, or before a throttled stream's first rest.
    let mapping = body.mapping.take();
    let sent = match &schedule {
        Some(s) => send_throttled_watched(
            stdout(),
            &ans.head,
            &body.plan,
            Some(&file.file),
            config.send_timeout,
            s,
            mapping,
            &mut watch,
        ),
        None => {
            let sent = send_response_watched(
                stdout(),
                &ans.head,
                &body.plan,
                ans.body,
                Some(&file.file),
                config.send_timeout,
                &mut watch,
            );
            drop(mapping);
            sent
        }
    };
    ex.watcher().draining();
    finish_connection(stdout(), stdin());
    let mut notes: Vec<&str> = body.notes.iter().map(String::as_str).collect();
    if schedule.is_some() {
        notes.push("throttled");
    }
    if exempt {
        notes.push("throttle-exempt");
    }
    ex.sent(ans.status, &sent, &notes);
    after_send(&sent.end)
}
