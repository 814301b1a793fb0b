//! Who may stream what: the checks made before any file is opened, by the front
//! (`loomiere-stream`, before it runs a streamer) and again by every streamer, so a
//! streamer that a supervisor runs directly is just as protected.
//!
//! 1. [`refuse_root`]: no process serves as root unless `allow_root = yes` (500).
//! 2. [`admit`]: the virtual host picks the document root (404 for an unknown host),
//!    then the `Referer` allowlist (403), then the secure link (403); an `OPTIONS`
//!    request only gets the first.
//! 3. [`cors::decide`]: the CORS fields the answers carry, refusals included (it
//!    never refuses).
//!
//! Both take the [`Rules`] alone: the configuration file fills them in
//! (`loomiere-config`), nothing here reads it.
//!
//! - [`rules`]: [`Rules`], the settings, and the choice of document root by host.
//! - [`admission`]: [`admit`] and the [`Admission`] it gives.
//! - [`root_user`]: the refusal to serve as root, [`refuse_root`].
//! - [`host`]: [`HostPattern`] and host normalization; [`referer`]: the allowlist;
//!   [`expr`]: the `secure_link_md5` [`Expression`]; [`link`]: the secure-link check.
//! - [`origin`]: [`Origin`] and [`OriginPattern`]; [`cors`]: [`CorsOrigins`] and the
//!   CORS decision ([`Cors`]).
//!
//! IP allow and deny lists and per-IP connection limits stay with the supervisor:
//! tcpsvd's `-C N:MESSAGE` and its per-IP instructions (`-i DIR` or `-x CDB`, see
//! ipsvd-instruct(5) and `runit/loomiere-stream/run`).
//!
//! | key | value | default |
//! |-----|-------|---------|
//! | `allow_root` | `yes` or `no` | `no` |
//! | `vhost.<pattern>` | absolute document root, for a [`HostPattern`]; in file order | none |
//! | `referers` | `off`, or [`HostPattern`]s separated by spaces | `off` |
//! | `referer_empty` | `allow` or `deny` | `allow` |
//! | `secure_link` | `$arg_HASH,$arg_EXPIRES` or `$arg_HASH` ([`LinkArgs`]) | `$arg_md5,$arg_expires` |
//! | `secure_link_md5` | `off`, or an [`Expression`] | `off` |
//! | `secure_link_secret_file` | absolute path, read only for `$secret` | `/etc/loomiere/secret` |
//! | `cors_origins` | `off`, `*`, or [`OriginPattern`]s separated by spaces | `off` |

pub mod admission;
pub mod cors;
pub mod expr;
pub mod host;
pub mod link;
pub mod origin;
pub mod referer;
pub mod root_user;
pub mod rules;
#[cfg(test)]
mod tests;

pub use admission::{admit, request_host, Admission};
pub use cors::{Cors, CorsOrigins};
pub use expr::{Expression, Vars};
pub use host::{normalize_host, HostPattern};
pub use link::LinkArgs;
pub use origin::{Origin, OriginPattern, Scheme};
pub use root_user::refuse_root;
pub use rules::{Rules, DEFAULT_SECRET_FILE};
