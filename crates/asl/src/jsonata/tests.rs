//! Tests of the JSONata parser: what it accepts and refuses (as jsonata-js does), the trees it
//! builds, where its errors point, and that no input makes it (or a walk of its tree) recurse deeply.

use proptest::prelude::*;

use super::*;

fn ok(expression: &str) {
    let check = check(expression);
    assert_eq!(check.error, None, "{expression}");
}

fn bad(expression: &str) {
    assert!(
        check(expression).error.is_some(),
        "{expression} should not parse"
    );
}

#[test]
fn accepts_what_jsonata_accepts() {
    for e in [
        "10",
        "1+2",
        "$states.input.data.items",
        "$sum($states.input.numbers)",
        "$not(null in $each($states.input.data.address, function($v) { $length($trim($v)) > 0 ? $v : null }))",
        "($e := $x.email; $n := $x.first & ' ' & $x.last; $x.interests[category = 'home']{'customer': $n, 'total': $sum(estimatedValue), category: {type: yearBuilt}})",
        "$map($questions, function($v, $i, $a) {{\"question\": $questions[$i].Alias, \"answer\": $answers[$i]}})",
        "$states.result.Blocks[BlockType='QUERY'].Query",
        "$string($merge([$reduce($states.input.data, function($acc, $v) {$merge([$acc, { ($v.question): $v.answer }])}, {}), {\"processed_date\": $now('[Y0001]-[M01]-[D01]')}]))",
        "[1..5]",
        "$x ~> $uppercase()",
        "$match($s, /ab+c/i)",
        "$a / 2",
        "$x.y^(>price, <name)",
        "$f := function($x) <n:n> { $x * 2 }",
        "$states.input.Items",
        "$x ? 1",
        "$partial := $substring(?, 0, 5)",
        "$count($x[])",
        "/* comment */ 1",
        "$x.`weird name`",
        "-1 * -$x",
        "$states.input.a ?? 'default'",
        "$x ?: 'default'",
        "| $ | {'a': 1}, ['b'] |",
    ] {
        ok(e);
    }
}

#[test]
fn rejects_what_jsonata_rejects() {
    for e in [
        "420.",
        "10 + * 2",
        "$.store.book[?(@.price < 10)].title",
        "$sum($states.input.items.numbers",
        "a[1,2)",
        "\"unterminated",
        "1 +",
        "{\"a\":}",
        "$x :=",
        "$match(\"a\", /abc",
        "",
        "(1",
        "function(a) { 1 }",
    ] {
        bad(e);
    }
}

#[test]
fn finds_top_level_references() {
    assert_eq!(
        check("foo.bar").top_level_references,
        vec![(0, "foo".to_string())]
    );
    assert!(check("$states.input.foo.bar")
        .top_level_references
        .is_empty());
    assert!(check("$x[name = 'a']").top_level_references.is_empty());
    assert!(check("$map($x, function($v) { name })")
        .top_level_references
        .is_empty());
    assert_eq!(check("{'a': phone}").top_level_references.len(), 1);
}

#[test]
fn deep_nesting_is_reported_not_overflowed() {
    let expression = "(".repeat(10_000) + &")".repeat(10_000);
    assert!(check(&expression).too_deep);
}

/// A tree as an S-expression, to write expected trees compactly.
fn show(node: &Node) -> String {
    let all = |nodes: &[Node]| nodes.iter().map(show).collect::<Vec<_>>().join(" ");
    let pairs = |pairs: &[(Node, Node)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{}: {}", show(k), show(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match node {
        Node::Number(n) => n.to_string(),
        Node::String(s) => format!("{s:?}"),
        Node::Bool(b) => b.to_string(),
        Node::Null => "null".to_string(),
        Node::Regex(r) => format!(
            "/{}/{}{}#{}",
            r.pattern,
            if r.ignore_case { "i" } else { "" },
            if r.multiline { "m" } else { "" },
            r.index
        ),
        Node::Variable(name) => format!("${name}"),
        Node::Name(name) => name.clone(),
        Node::Wildcard => "*".to_string(),
        Node::Descendants => "**".to_string(),
        Node::Parent => "%".to_string(),
        Node::Placeholder => "?".to_string(),
        Node::Negate(a) => format!("(- {})", show(a)),
        Node::Binary(first, rest) => {
            let mut out = format!("({}", show(first));
            for (op, operand) in rest {
                out.push_str(&format!(" {} {}", op.symbol(), show(operand)));
            }
            out + ")"
        }
        Node::Path(steps) => format!("(. {})", all(steps)),
        Node::Filter(a, p) => format!("([] {} {})", show(a), show(p)),
        Node::KeepArray(a) => format!("([] {})", show(a)),
        Node::Group(a, p) => format!("({{}} {} {})", show(a), pairs(p)),
        Node::Sort(a, terms) => {
            let terms = terms
                .iter()
                .map(|t| format!("{}{}", if t.descending { ">" } else { "<" }, show(&t.key)))
                .collect::<Vec<_>>()
                .join(" ");
            format!("(^ {} {terms})", show(a))
        }
        Node::Focus(a, v) => format!("(@ {} ${v})", show(a)),
        Node::Index(a, v) => format!("(# {} ${v})", show(a)),
        Node::Condition(c, t, e) => match e {
            Some(e) => format!("(? {} {} {})", show(c), show(t), show(e)),
            None => format!("(? {} {})", show(c), show(t)),
        },
        Node::Coalesce(a, b) => format!("(?? {} {})", show(a), show(b)),
        Node::Default(a, b) => format!("(?: {} {})", show(a), show(b)),
        Node::Block(items) => format!("(; {})", all(items)),
        Node::Bind(name, value) => format!("(:= ${name} {})", show(value)),
        Node::Call(f, args) => format!("(call {} {})", show(f), all(args)),
        Node::Lambda(l) => {
            let parameters = l
                .parameters
                .iter()
                .map(|p| format!("${p}"))
                .collect::<Vec<_>>()
                .join(" ");
            let signature = l.signature.as_deref().unwrap_or("");
            format!("(function ({parameters}){signature} {})", show(&l.body))
        }
        Node::Array(items) => format!("[{}]", all(items)),
        Node::Range(a, b) => format!("(.. {} {})", show(a), show(b)),
        Node::Object(p) => format!("{{{}}}", pairs(p)),
        Node::Transform {
            pattern,
            update,
            delete,
        } => match delete {
            Some(d) => format!("(| {} {} {})", show(pattern), show(update), show(d)),
            None => format!("(| {} {})", show(pattern), show(update)),
        },
    }
}

fn height(node: &Node) -> usize {
    let mut deepest = 0;
    node.for_each_child(&mut |child| deepest = deepest.max(height(child)));
    deepest + 1
}

fn tree(expression: &str) -> String {
    match parse(expression) {
        Ok(node) => show(&node),
        Err(e) => panic!("{expression}: {e:?}"),
    }
}

#[test]
fn trees() {
    for (expression, expected) in [
        // Literals, names and variables.
        ("10", "10"),
        ("1.5e3", "1500"),
        ("-1", "-1"),
        ("-$x", "(- $x)"),
        (r#""a\"b\u00e9\ud83d\ude00""#, r#""a\"bé😀""#),
        ("'single'", r#""single""#),
        ("true and null", "(true and null)"),
        ("$", "$"),
        ("$$", "$$"),
        ("$states", "$states"),
        ("`odd name`", "odd name"),
        ("and", "and"),
        ("café", "café"),
        // Operators: precedence, left associativity, flat runs.
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 - 2 + 3 - 4", "(1 - 2 + 3 - 4)"),
        ("1 * 2 + 3 * 4", "((1 * 2) + (3 * 4))"),
        ("$a & ', ' & $b", "($a & \", \" & $b)"),
        ("a = 1 and b = 2 or c", "(((a = 1) and (b = 2)) or c)"),
        ("a < b = c", "(a < b = c)"),
        ("'x' in $list", "(\"x\" in $list)"),
        ("$x ~> $f(1) ~> $g", "($x ~> (call $f 1) ~> $g)"),
        ("$x ~> $f() = 2", "($x ~> (call $f ) = 2)"),
        // Paths, predicates, group-by, order-by, bindings.
        ("$states.input.items", "(. $states input items)"),
        ("a.b[0].c", "(. a ([] b 0) c)"),
        ("a[0][1]", "([] ([] a 0) 1)"),
        ("$x.items[]", "(. $x ([] items))"),
        ("(a.b)[0]", "([] (; (. a b)) 0)"),
        ("a.b{k: v}", "({} (. a b) k: v)"),
        ("a^(>x, y)", "(^ a >x <y)"),
        ("a.b@$v.c#$i", "(. a (@ b $v) (# c $i))"),
        ("*.**", "(. * **)"),
        ("%.x", "(. % x)"),
        ("\"a b\".c", "(. \"a b\" c)"),
        // Conditionals and defaults.
        ("a ? b : c", "(? a b c)"),
        ("a ? b", "(? a b)"),
        ("a ? b : c ? d : e", "(? a b (? c d e))"),
        ("$a ?? 1 + 2", "(?? $a (1 + 2))"),
        ("$a ?: $b = 1", "(?: $a ($b = 1))"),
        // Blocks, bindings, calls, lambdas.
        (
            "($a := 1; $b := $a + 1; $b)",
            "(; (:= $a 1) (:= $b ($a + 1)) $b)",
        ),
        ("(1;)", "(; 1)"),
        ("()", "(; )"),
        ("$a := $b := 2", "(:= $a (:= $b 2))"),
        ("$f(1, ?)", "(call $f 1 ?)"),
        (
            "function($x, $y) { $x + $y }",
            "(function ($x $y) ($x + $y))",
        ),
        ("λ($x) <n:n> { $x }(2)", "(call (function ($x)<n:n> $x) 2)"),
        (
            "$map($l, function($v) { $v })",
            "(call $map $l (function ($v) $v))",
        ),
        // Constructors.
        ("[1..3, 5]", "[(.. 1 3) 5]"),
        ("[]", "[]"),
        ("{'a': 1, $k: [2]}", "{\"a\": 1, $k: [2]}"),
        ("| $ | {'a': 1}, ['b'] |", "(| $ {\"a\": 1} [\"b\"])"),
        // Regular expressions and division.
        ("$split($s, /[-:T.]/)", "(call $split $s /[-:T.]/#0)"),
        (
            "$match($s, /a(b)/im) ~> $replace(/x/, 'y')",
            "((call $match $s /a(b)/im#0) ~> (call $replace /x/#1 \"y\"))",
        ),
        ("$a / 2 / $b", "($a / 2 / $b)"),
        ("$count($x) / 2", "((call $count $x) / 2)"),
        ("/ab\\/c/", "/ab\\/c/#0"),
        ("/a[/]b/", "/a[/]b/#0"),
        // Comments.
        ("/* a */ 1 /* b */ + 2", "(1 + 2)"),
    ] {
        assert_eq!(tree(expression), expected, "{expression}");
    }
}

/// Each case: the expression, the byte offset of the error, a part of its message.
#[test]
fn errors_point_at_the_offending_character() {
    for (expression, offset, message) in [
        ("", 0, "unexpected end of expression"),
        ("1 +", 3, "unexpected end of expression"),
        ("10 + * 2", 7, "unexpected `2`"),
        ("(1", 2, "expected `)`, found the end of the expression"),
        ("1 2", 2, "unexpected `2`"),
        ("{'a' 1}", 5, "expected `:`, found `1`"),
        ("$sum(1,", 7, "unexpected end of expression"),
        ("a[1,2)", 3, "expected `]`, found `,`"),
        ("\"unterminated", 0, "terminated by a matching quote"),
        ("'it\\'s'", 3, "unsupported escape sequence `\\'`"),
        ("'\\u12'", 1, "four hexadecimal digits"),
        ("`name", 0, "never closed with a backtick"),
        ("/* never", 0, "never closed with `*/`"),
        ("$match(\"a\", /abc", 12, "no terminating /"),
        ("$match(\"a\", //)", 12, "empty regular expression"),
        ("1e400", 0, "number out of range"),
        ("420.", 4, "unexpected end of expression"),
        ("012", 1, "unexpected `12`"),
        ("!x", 0, "unknown operator `!`"),
        ("a ~ b", 2, "unknown operator `~`"),
        ("1..5", 1, "unexpected `..`"),
        ("$x.0", 3, "literal value `0` cannot be a step"),
        ("1.a", 0, "literal value `1` cannot be a step"),
        ("a.null", 2, "literal value `null` cannot be a step"),
        ("a.b := 1", 0, "left side of `:=`"),
        ("$x@y", 3, "`@` must be followed by a variable"),
        (
            "function(a) { 1 }",
            9,
            "parameters of a function must be variables such as `$x`, found `a`",
        ),
        ("function($a, $b.c) { 1 }", 13, "found `$b.c`"),
        ("function($x) <n:n { $x }", 18, "expected `>`, found `{`"),
        ("function($x) $x", 13, "expected `{`, found `$x`"),
        ("$x^x", 3, "expected `(`, found `x`"),
        ("[/a/]", 1, "`/` cannot be used as a unary operator"),
        ("(/a/)", 1, "`/` cannot be used as a unary operator"),
        ("$x[] / 2", 5, "no terminating /"),
        ("/a/g", 3, "unexpected `g`"),
        ("$x ?", 4, "unexpected end of expression"),
        ("$f(?+1)", 4, "expected `)`, found `+`"),
        ("é 1", 3, "unexpected `1`"),
    ] {
        let error = parse(expression).err();
        let Some(error) = error else {
            panic!("{expression} should not parse");
        };
        assert_eq!(error.offset, offset, "{expression}: {}", error.message);
        assert!(
            error.message.contains(message),
            "{expression}: {:?} does not contain {message:?}",
            error.message
        );
        assert_eq!(check(expression).error, Some(error), "{expression}");
    }
}

#[test]
fn long_runs_of_one_operator_stay_flat() {
    let terms = 20_000;
    let sum = vec!["1"; terms].join(" + ");
    let Ok(node) = parse(&sum) else {
        panic!("a long sum should parse");
    };
    assert_eq!(height(&node), 2);
    let path = format!("$x{}", ".a".repeat(terms));
    let Ok(node) = parse(&path) else {
        panic!("a long path should parse");
    };
    assert_eq!(height(&node), 2);
    let concatenation = vec!["$a.b[0]"; terms].join(" & ");
    assert!(parse(&concatenation).is_ok());
}

#[test]
fn nesting_beyond_the_limit_is_refused_not_overflowed() {
    let limit = MAX_EXPRESSION_DEPTH;
    for (shape, opening, closing) in [
        ("blocks", "(", ")"),
        ("arrays", "[", "]"),
        ("objects", "{'a': ", "}"),
        ("negations", "-", ""),
        ("calls", "$f(", ")"),
        ("lambdas", "function($x) { ", " }"),
        ("bindings", "$a := ", ""),
        ("conditions", "$c ? 1 : ", ""),
    ] {
        let deep = |n: usize| format!("{}1{}", opening.repeat(n), closing.repeat(n));
        let fits = parse(&deep(limit / 2));
        assert!(fits.is_ok(), "{shape}: {fits:?}");
        let Err(error) = parse(&deep(10 * limit)) else {
            panic!("{shape} nested {} deep should be refused", 10 * limit);
        };
        assert!(
            error.message.contains("nests more than"),
            "{shape}: {error:?}"
        );
        assert!(check(&deep(10 * limit)).too_deep, "{shape}");
    }
    // Operators that wrap what stands before them make the tree taller, and are refused too …
    for (shape, step) in [
        ("predicates", "[0]"),
        ("calls", "(1)"),
        ("group-bys", "{'a': 1}"),
    ] {
        let expression = format!("$x{}", step.repeat(10 * limit));
        assert!(check(&expression).too_deep, "{shape}");
    }
    let alternating = (0..10 * limit)
        .map(|i| if i % 2 == 0 { "1 +" } else { "1 = " })
        .collect::<String>()
        + "1";
    // Wrapping after a nested operand has returned still counts: `((1)[0][0])[0][0]` is as tall
    // as it looks.
    for (blocks, wraps) in [(8, 8), (10, 10), (30, 3), (3, 30)] {
        let expression =
            "(".repeat(blocks) + "1" + &(")".to_string() + &"[0]".repeat(wraps)).repeat(blocks);
        match parse(&expression) {
            Ok(node) => assert!(height(&node) <= limit, "{expression}"),
            Err(error) => assert!(error.message.contains("nests more than"), "{error:?}"),
        }
        assert_eq!(
            check(&expression).too_deep,
            blocks * (wraps + 1) + 1 > limit,
            "{expression}"
        );
    }
    // … while runs of operators do not, whichever their mix.
    let Ok(node) = parse(&alternating) else {
        panic!("a long run of `+` and `=` should parse");
    };
    assert_eq!(height(&node), 3);
}

#[test]
fn top_level_references_are_found_in_every_construct() {
    for (expression, names) in [
        ("foo.bar", &["foo"][..]),
        ("$f(a, b)", &["a", "b"]),
        ("[a, {'k': b}]", &["a", "b"]),
        ("(c; d)", &["c", "d"]),
        ("x ? y : z", &["x", "y", "z"]),
        ("\"quoted\".field", &["quoted"]),
        ("and", &["and"]),
        ("$x.y[z]{k: v}^(w)", &[]),
        ("function($v) { name }", &[]),
        ("$states.input.a ?? b", &["b"]),
    ] {
        let found: Vec<String> = check(expression)
            .top_level_references
            .into_iter()
            .map(|(_, name)| name)
            .collect();
        assert_eq!(found, names, "{expression}");
    }
    assert_eq!(
        check("1 + é.x").top_level_references,
        vec![(4, "é".to_string())]
    );
}

/// Parses like the engine's former parser did for these (its test cases, kept).
#[test]
fn engine_cases() {
    for ok in [
        "1+2",
        "$states.input.a[0].b",
        "$x := 5",
        "($a := 1; $b := 2; $a + $b)",
        "function($v) { $v * 2 }",
        "a{'k': v}",
        "[1..5]",
        "$split(x, /[-:T.]/)",
        "10 / 2",
        "x ~> $f()",
        "/* comment */ 1",
        "`odd name`.x",
    ] {
        if let Err(e) = parse(ok) {
            panic!("{ok}: {e:?}");
        }
    }
}

proptest! {
    /// Whatever the text: no panic; `check` and `parse` agree; an error points inside the text
    /// at a character boundary; a tree is never deeper than the limit allows.
    #[test]
    fn any_text(expression in "[$a-z0-9 .()\\[\\]{}:;,+*/%&|?=<>!~^@#'\"`\\\\-]{0,80}|[\\PC]{0,20}") {
        let check = check(&expression);
        match parse(&expression) {
            Ok(node) => {
                prop_assert!(check.error.is_none() && !check.too_deep);
                prop_assert!(height(&node) <= MAX_EXPRESSION_DEPTH);
            }
            Err(error) => {
                prop_assert!(error.offset <= expression.len());
                prop_assert!(expression.is_char_boundary(error.offset));
                prop_assert!(!error.message.is_empty());
                prop_assert!(check.too_deep || check.error == Some(error));
            }
        }
    }

    /// Deep and long shapes built from pieces: the same, and the tree stays shallow.
    #[test]
    fn built_shapes(pieces in prop::collection::vec(prop::sample::select(vec![
        "(", ")", "[", "]", "{'a':", "}", "$f(", "-", "$x", "1", " + ", " = ", " and ", ".a", "[0]",
        " ? ", " : ", ";", ",", " ~> ", "function($v){", "$a := ", "/r/", " / ",
    ]), 0..400)) {
        let expression = pieces.concat();
        if let Ok(node) = parse(&expression) {
            prop_assert!(height(&node) <= MAX_EXPRESSION_DEPTH, "{}", height(&node));
        }
    }
}
