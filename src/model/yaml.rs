//! The one door through which desk text becomes YAML data.
//!
//! libyaml's scanner keeps one entry per open flow collection (`[`, `{`) and walks all of
//! them at every token, so the time it takes grows with the square of the nesting depth: a
//! 4 MiB file of `[` would keep a command busy for hours. Text that opens collections deeper
//! than [`MAX_NESTING`] is refused before the parser sees it.

use serde::de::DeserializeOwned;

/// Deeper than any record tkt writes (three or four levels) by far.
pub const MAX_NESTING: usize = 1000;

/// Why text was not read.
#[derive(Debug)]
pub enum YamlError {
    /// Collections nested too deep, opened at this line.
    TooDeep {
        line: usize,
    },
    Yaml(serde_yaml::Error),
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            YamlError::TooDeep { line } => {
                write!(f, "line {line}: collections nested more than {MAX_NESTING} levels deep")
            }
            YamlError::Yaml(e) => write!(f, "{e}"),
        }
    }
}

/// Parses YAML text into `T`, refusing deep nesting first.
pub fn from_yaml<T: DeserializeOwned>(text: &[u8]) -> Result<T, YamlError> {
    check_nesting(text)?;
    serde_yaml::from_slice(text).map_err(YamlError::Yaml)
}

/// Counts open flow collections outside quoted scalars and comments. Brackets in plain or
/// block text are counted too, which can only over-count: the limit is far above anything
/// a person writes.
fn check_nesting(text: &[u8]) -> Result<(), YamlError> {
    let (mut depth, mut line) = (0usize, 1usize);
    let mut i = 0;
    let mut line_start = true;
    let mut after_space = true;
    while i < text.len() {
        let b = text[i];
        match b {
            b'\n' => line += 1,
            b'#' if after_space || line_start => {
                while i < text.len() && text[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                // A quoted scalar: skip to its closing quote ('' and \" stay inside).
                i += 1;
                while i < text.len() {
                    match text[i] {
                        b'\n' => line += 1,
                        b'\\' if b == b'"' => i += 1,
                        q if q == b && b == b'\'' && text.get(i + 1) == Some(&b'\'') => i += 1,
                        q if q == b => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(YamlError::TooDeep { line });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        line_start = b == b'\n';
        after_space = b == b' ' || b == b'\t' || b == b'\n';
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_refused_before_parsing_and_shallow_text_is_not() {
        let deep = format!("a: {}", "[".repeat(4 * 1024 * 1024));
        let start = std::time::Instant::now();
        assert!(matches!(from_yaml::<serde_yaml::Value>(deep.as_bytes()), Err(YamlError::TooDeep { line: 1 })));
        assert!(start.elapsed().as_secs() < 5, "refused at once");
        let fine = format!(
            "a: {}{}\nb: '{}'\nc: \"{}\" # {}\n",
            "[".repeat(100),
            "]".repeat(100),
            "[".repeat(5000),
            "{".repeat(5000),
            "[".repeat(5000)
        );
        let read = from_yaml::<serde_yaml::Value>(fine.as_bytes());
        assert!(read.is_ok(), "{read:?}");
    }
}
