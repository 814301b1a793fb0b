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
        let response = options_head(&self.cors().options_fields(), SystemTime::now());
        let note = if self.cors().preflight {
            "preflight"
        } else {
            "options"
        };
        self.send_whole(204, &response, note)
    }
}
