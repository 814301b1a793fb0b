//! The `secure_link_md5` expression: text with nginx-style variables.

use loomiere_http::Request;
use loomiere_log::Quoted;

/// What the variables of an [`Expression`] stand for in one request.
#[derive(Debug, Clone, Copy)]
pub struct Vars<'a> {
    /// `$uri`: the decoded, normalized path with its leading `/` (`/s/link`).
    pub uri: &'a str,
    /// The raw query (after `?`), for `$arg_NAME`.
    pub query: &'a str,
    /// `$remote_addr`: the client's IP address; empty when unknown.
    pub remote_addr: &'a str,
    /// `$host`: the request's host, lower case, no port; empty when there is none.
    pub host: &'a str,
    /// `$secure_link_expires`: the expiry time exactly as the link gave it.
    pub expires: &'a str,
    /// `$secret`: the contents of `secure_link_secret_file`.
    pub secret: &'a [u8],
    /// The request, for `$http_NAME`.
    pub request: &'a Request<'a>,
}

/// One piece of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Uri,
    Expires,
    RemoteAddr,
    Host,
    Secret,
    /// `$http_user_agent`: the field name with `_` turned into `-`.
    Header(String),
    /// `$arg_name`: the raw query parameter.
    Arg(String),
}

/// A parsed `secure_link_md5` expression, such as
/// `$secure_link_expires$uri$remote_addr secret` (nginx's own example).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression {
    parts: Vec<Part>,
}

/// The variables an expression may use, for messages.
const KNOWN: &str =
    "$uri, $secure_link_expires, $remote_addr, $host, $secret, $http_NAME, $arg_NAME";

impl Expression {
    /// Parses an expression. One pair of surrounding double quotes is removed, so a
    /// value copied from an nginx configuration works as it is. `$name` ends at the
    /// first character that is not a letter, digit or `_`; `${name}` may be followed
    /// by any text.
    ///
    /// Errors: an empty expression, an opening `"` without its closing one (a ` #` in
    /// the value started a comment), a `$` without a name, an unclosed `${`, an
    /// unknown variable.
    pub fn parse(value: &str) -> Result<Expression, String> {
        let text = match value.strip_prefix('"') {
            Some(rest) => rest.strip_suffix('"').ok_or(
                "opening '\"' without a closing one (a '#' after a space starts a comment: keep such a secret in secure_link_secret_file)",
            )?,
            None => value,
        };
        if text.is_empty() {
            return Err("empty expression".to_string());
        }
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(dollar) = rest.find('$') {
            literal.push_str(&rest[..dollar]);
            let (name, after) = variable_name(&rest[dollar + 1..])?;
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(variable(name)?);
            rest = after;
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Expression { parts })
    }

    /// Whether `$secret` occurs, so the secret file must be read.
    pub fn uses_secret(&self) -> bool {
        self.parts.contains(&Part::Secret)
    }

    /// The bytes the expression stands for in one request. A missing header or
    /// query parameter is empty, as in nginx.
    pub fn expand(&self, vars: &Vars<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.extend_from_slice(t.as_bytes()),
                Part::Uri => out.extend_from_slice(vars.uri.as_bytes()),
                Part::Expires => out.extend_from_slice(vars.expires.as_bytes()),
                Part::RemoteAddr => out.extend_from_slice(vars.remote_addr.as_bytes()),
                Part::Host => out.extend_from_slice(vars.host.as_bytes()),
                Part::Secret => out.extend_from_slice(vars.secret),
                Part::Header(name) => {
                    out.extend_from_slice(vars.request.header(name).unwrap_or_default())
                }
                Part::Arg(name) => {
                    out.extend_from_slice(raw_arg(vars.query, name).unwrap_or_default().as_bytes())
                }
            }
        }
        out
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits `name rest` or `{name} rest` off the text after a `$`.
fn variable_name(after: &str) -> Result<(&str, &str), String> {
    if let Some(braced) = after.strip_prefix('{') {
        let end = braced.find('}').ok_or("unclosed '${' in expression")?;
        let name = &braced[..end];
        if name.is_empty() || !name.chars().all(is_name_char) {
            return Err(format!("bad variable name '${{{}}}'", Quoted(name)));
        }
        return Ok((name, &braced[end + 1..]));
    }
    let end = after
        .find(|c: char| !is_name_char(c))
        .unwrap_or(after.len());
    if end == 0 {
        return Err(
            "'$' without a variable name (a literal '$' can only come from $secret)".to_string(),
        );
    }
    Ok(after.split_at(end))
}

fn variable(name: &str) -> Result<Part, String> {
    let part = match name {
        "uri" => Part::Uri,
        "secure_link_expires" => Part::Expires,
        "remote_addr" => Part::RemoteAddr,
        "host" => Part::Host,
        "secret" => Part::Secret,
        _ => match (name.strip_prefix("http_"), name.strip_prefix("arg_")) {
            (Some(field), _) if !field.is_empty() => Part::Header(field.replace('_', "-")),
            (_, Some(arg)) if !arg.is_empty() => Part::Arg(arg.to_string()),
            _ => return Err(format!("unknown variable '${name}' (known: {KNOWN})")),
        },
    };
    Ok(part)
}

/// The raw (not decoded) value of query parameter `name`, found as nginx's
/// `$arg_NAME` finds it: the first `name=` (ASCII case-insensitive) at the start of
/// the query or after `&`, up to the next `&`. `None` when absent.
pub fn raw_arg<'q>(query: &'q str, name: &str) -> Option<&'q str> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.eq_ignore_ascii_case(name).then_some(value)
    })
}
