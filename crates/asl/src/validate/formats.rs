//! Format rules for single strings: Task resource ARNs, RFC 3339 timestamps, Map labels.

/// Partitions an ARN may name.
const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// What is wrong with a Task `Resource`.
#[derive(Debug, PartialEq, Eq)]
pub enum ResourceProblem {
    /// Not an ARN at all (Step Functions requires one; the ASL specification only asks for a URI).
    NotAnArn,
    /// `${` without its `}`.
    UnclosedPlaceholder,
    /// An ARN with a malformed part.
    Malformed(String),
}

/// Checks a Task `Resource`. CloudFormation placeholders (`${…}`) stand for anything.
pub fn check_resource(resource: &str) -> Result<(), ResourceProblem> {
    // Replace each placeholder by a marker that every part accepts.
    let mut text = String::with_capacity(resource.len());
    let mut rest = resource;
    while let Some(open) = rest.find("${") {
        let Some(close) = rest[open..].find('}') else {
            return Err(ResourceProblem::UnclosedPlaceholder);
        };
        text.push_str(&rest[..open]);
        text.push('\u{0}');
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    if text == "\u{0}" {
        return Ok(());
    }
    let Some(after) = text.strip_prefix("arn:") else {
        return Err(ResourceProblem::NotAnArn);
    };
    let parts: Vec<&str> = after.splitn(5, ':').collect();
    let [partition, service, region, account, resource_part] = parts[..] else {
        return Err(ResourceProblem::Malformed(
            "an ARN has the form arn:partition:service:region:account:resource".to_string(),
        ));
    };
    let placeholder = |s: &str| s.contains('\u{0}');
    if !placeholder(partition) && !PARTITIONS.contains(&partition) {
        return Err(ResourceProblem::Malformed(format!(
            "`{partition}` is not an AWS partition (aws, aws-cn, aws-us-gov, …)"
        )));
    }
    if service.is_empty()
        || !(placeholder(service)
            || service
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    {
        return Err(ResourceProblem::Malformed(format!(
            "`{service}` is not a service name"
        )));
    }
    if !placeholder(region)
        && !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(ResourceProblem::Malformed(format!(
            "`{region}` is not a region"
        )));
    }
    if !placeholder(account) && !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ResourceProblem::Malformed(format!(
            "`{account}` is not an account id (digits)"
        )));
    }
    if resource_part.is_empty() {
        return Err(ResourceProblem::Malformed(
            "the resource part after the account is empty".to_string(),
        ));
    }
    if service == "lambda" {
        if let Some(function) = resource_part.strip_prefix("function:") {
            let (name, qualifier) = match function.split_once(':') {
                Some((name, qualifier)) => (name, Some(qualifier)),
                None => (function, None),
            };
            let word = |s: &str, max: usize| {
                !s.is_empty()
                    && s.chars().count() <= max
                    && (placeholder(s)
                        || s.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            };
            if !word(name, 64) {
                return Err(ResourceProblem::Malformed(format!(
                    "`{name}` is not a Lambda function name (letters, digits, - and _)"
                )));
            }
            if let Some(qualifier) = qualifier {
                if qualifier != "$LATEST" && !word(qualifier, 128) {
                    return Err(ResourceProblem::Malformed(format!(
                        "`{qualifier}` is not a Lambda version or alias (letters, digits, - and _, or $LATEST)"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Whether `s` is a timestamp Step Functions accepts: RFC 3339 with an uppercase `T` and either
/// `Z` or a numeric offset (`2016-03-14T01:59:00Z`, `2016-03-14T01:59:00.123+02:00`).
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<u32> {
        let part = s.get(from..from + n)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (Some(_year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(0, 4),
        digits(5, 2),
        digits(8, 2),
        digits(11, 2),
        digits(14, 2),
        digits(17, 2),
    ) else {
        return false;
    };
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return false;
    }
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let (Some(h), Some(m)) = (digits(i + 1, 2), digits(i + 4, 2)) else {
                return false;
            };
            b.get(i + 3) == Some(&b':') && h <= 23 && m <= 59 && i + 6 == b.len()
        }
        _ => false,
    }
}

/// What is wrong with a Distributed Map `Label` (Step Functions' rules, recorded in LocalStack's
/// AWS-validated `test_map_state_label_*` tests): at most 40 characters, not empty, none of
/// `` ?*<>{}[]:;,\|^~$#%&`" `` or control characters.
pub fn label_problem(label: &str) -> Option<String> {
    if label.is_empty() {
        return Some("a Map `Label` cannot be empty".to_string());
    }
    if label.chars().count() > 40 {
        return Some(format!(
            "a Map `Label` can have at most 40 characters; this one has {}",
            label.chars().count()
        ));
    }
    label
        .chars()
        .find(|c| {
            " ?*<>{}[]:;,\\|^~$#%&`\"".contains(*c)
                || (*c as u32) < 0x20
                || (0x7F..0xA0).contains(&(*c as u32))
        })
        .map(|c| format!("a Map `Label` cannot contain {c:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources() {
        for ok in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::states:startExecution.sync:2",
            "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:AZaz12-_",
            "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:$LATEST",
            "arn:aws:lambda:::function:publish-to-slack-lambda",
            "${lambdaArn}",
            "arn:${AWS::Partition}:states:::lambda:invoke",
            "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}",
        ] {
            assert_eq!(check_resource(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            check_resource("${lambdaArn"),
            Err(ResourceProblem::UnclosedPlaceholder)
        );
        assert_eq!(check_resource("foo:bar"), Err(ResourceProblem::NotAnArn));
        for bad in [
            "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:",
            "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:$*#$7485",
            "arn:invalid:iam::123456789012:resource",
            "arn:aws:::123456789012:resource",
            "arn:aws:lambda:us-east-1:ACCOUNT_ID:function:F",
        ] {
            assert!(
                matches!(check_resource(bad), Err(ResourceProblem::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn timestamps() {
        assert!(is_timestamp("2016-03-14T01:59:00Z"));
        assert!(is_timestamp("2016-03-14T01:59:00.123+02:00"));
        assert!(!is_timestamp("2016-03-14t01:59:00Z"));
        assert!(!is_timestamp("2016-03-14T01:59:00"));
        assert!(!is_timestamp("2016-13-14T01:59:00Z"));
        assert!(!is_timestamp("yesterday"));
    }

    #[test]
    fn labels() {
        assert_eq!(label_problem("my-map_1"), None);
        assert!(label_problem("").is_some());
        assert!(label_problem("a b").is_some());
        assert!(label_problem(&"x".repeat(41)).is_some());
    }
}
