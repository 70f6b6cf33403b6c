//! JSON pointers (RFC 6901): the one place their tokens are escaped and unescaped — `~` as
//! `~0`, `/` as `~1` — for the reader, the validator, the editor, the engine and the page.

/// `pointer` with `token` appended as its last step, escaped.
pub fn push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    escape_into(&mut out, token);
    out
}

/// `token` escaped for a pointer (without its `/`).
pub fn escape(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    escape_into(&mut out, token);
    out
}

fn escape_into(out: &mut String, token: &str) {
    for ch in token.chars() {
        match ch {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            _ => out.push(ch),
        }
    }
}

/// A pointer's token as the key or index it names (`~1` is `/`, then `~0` is `~`).
pub fn unescape(token: &str) -> String {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~")
    } else {
        token.to_string()
    }
}

/// A pointer's steps, unescaped (`""` has none); `None` when it does not start with `/`.
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    Some(
        pointer
            .strip_prefix('/')?
            .split('/')
            .map(unescape)
            .collect(),
    )
}

/// A pointer made of these steps, escaped.
pub fn join<S: AsRef<str>>(tokens: &[S]) -> String {
    let mut out = String::new();
    for token in tokens {
        out.push('/');
        escape_into(&mut out, token.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_survive_the_round_trip() {
        for token in ["plain", "a/b", "~", "~1", "a~0/~1b", "", "é/ü"] {
            assert_eq!(unescape(&escape(token)), token, "{token}");
            assert_eq!(tokens(&push("", token)), Some(vec![token.to_string()]));
        }
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        // `~01` is `~1`, not `/`: `~1` is replaced first.
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(join(&["States", "a/b", "0"]), "/States/a~1b/0");
        assert_eq!(
            tokens("/States/a~1b/0"),
            Some(vec!["States".into(), "a/b".into(), "0".into()])
        );
        assert_eq!(tokens("no-slash"), None);
        assert_eq!(tokens(""), Some(Vec::new()));
    }
}
