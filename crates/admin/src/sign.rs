//! `loomiere sign PATH --expires 2h [--ip ADDR]`: a link signed for the configured
//! `secure_link_md5`, the way nginx's secure_link module checks it.

use crate::cli::Sign;
use crate::runtime::{self, LinkRequest};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

/// Runs `sign`: prints the link on stdout. Exit status 1 when it cannot be made.
pub fn run(args: &Sign) -> ExitCode {
    match link(args) {
        Ok(link) => {
            println!("{link}");
            ExitCode::SUCCESS
        }
        Err(e) => crate::exit::fail("sign", &e),
    }
}

fn link(args: &Sign) -> Result<String, String> {
    let (path, explicit) = runtime::default_path(args.config.config.as_deref());
    let loaded = runtime::load(&path, explicit).map_err(|f| f.text)?;
    let secret = match loaded.secret_file() {
        Some(file) => crate::secret::read(file)?,
        None => Vec::new(),
    };
    let headers = args
        .header
        .iter()
        .map(|h| {
            h.split_once('=')
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .ok_or_else(|| format!("--header {h}: expected NAME=VALUE"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let expires = args.expires.map(expiry).transpose()?;
    let ip = args.ip.map(|ip| ip.to_string());
    let query = loaded.sign(&LinkRequest {
        path: &args.path,
        remote_addr: ip.as_deref(),
        host: args.host.as_deref(),
        headers: &headers,
        expires,
        secret: &secret,
    })?;
    let sep = match args.path.contains('?') {
        true if args.path.ends_with(['?', '&']) => "",
        true => "&",
        false => "?",
    };
    let mut link = format!("{}{sep}{}={}", args.path, query.hash.0, query.hash.1);
    if let Some((name, value)) = query.expires {
        link.push_str(&format!("&{name}={value}"));
    }
    Ok(link)
}

/// Seconds since the Unix epoch, `valid` from now.
fn expiry(valid: std::time::Duration) -> Result<u64, String> {
    SystemTime::now()
        .checked_add(valid)
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .filter(|&s| i64::try_from(s).is_ok())
        .ok_or_else(|| "--expires is too far in the future".to_owned())
}
