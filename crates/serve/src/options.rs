//! Answering `OPTIONS` (RFC 9110 §9.3.7): `204` with `Allow`, and for a CORS
//! preflight from a granted origin the fields of Fetch §3.2.3.

use crate::exchange::Exchange;
use loomiere_http::options_head;
use std::process::ExitCode;
use std::time::SystemTime;

impl Exchange {
    /// Answers an admitted `OPTIONS` request: `204 No Content`, `Allow: GET, HEAD,
    /// OPTIONS`, and the CORS fields of [`loomiere_access::Cors::options_fields`]
    /// (the preflight's when it is one from a granted origin). Logged as 204 with the
    /// note `preflight` or `options`. Returns the exit status.
    pub fn options(&self) -> ExitCode {
        let fields = self.cors().options_fields();
        let extra: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let response = options_head(&extra, SystemTime::now());
        let note = if self.cors().preflight {
            "preflight"
        } else {
            "options"
        };
        self.send_whole(204, &response, note)
    }
}
