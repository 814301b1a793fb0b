//! What `check-config` found: errors (the streamers refuse requests) and warnings
//! (they serve, but something is unsafe or slower than it should be).

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The streamers answer 500 (or 403 for every file) with this config.
    Error,
    /// They serve, but a mode is unsafe or a feature is off against the config.
    Warning,
}

/// The findings, in the order they were made.
#[derive(Debug, Default)]
pub struct Findings {
    items: Vec<(Severity, String)>,
}

impl Findings {
    pub fn error(&mut self, text: impl Into<String>) {
        self.items.push((Severity::Error, text.into()));
    }

    pub fn warning(&mut self, text: impl Into<String>) {
        self.items.push((Severity::Warning, text.into()));
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|(s, _)| *s == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every finding as `error: TEXT` / `warning: TEXT`, then the summary line
    /// `check-config: N errors, M warnings`.
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .items
            .iter()
            .map(|(s, t)| match s {
                Severity::Error => format!("error: {t}"),
                Severity::Warning => format!("warning: {t}"),
            })
            .collect();
        let (e, w) = (self.count(Severity::Error), self.count(Severity::Warning));
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        out.push(format!(
            "check-config: {}, {}",
            plural(e, "error"),
            plural(w, "warning")
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_with_the_counts() {
        let mut f = Findings::default();
        assert_eq!(f.lines(), ["check-config: 0 errors, 0 warnings"]);
        f.error("a");
        f.warning("b");
        f.warning("c");
        assert_eq!(
            f.lines(),
            [
                "error: a",
                "warning: b",
                "warning: c",
                "check-config: 1 error, 2 warnings"
            ]
        );
    }
}
