//! Japanese explanations of the diagnostics `asl` reports. `asl` writes its messages in English
//! (they name states and fields, and the CLI prints them); in Japanese mode the page shows the
//! explanation of the diagnostic's code from this table, followed by the English detail.
//!
//! One entry per code of `crates/asl/RULES.md`; a test fails when a code is added there without
//! an explanation here.

/// What a diagnostic code means, in Japanese (`None` for a code this table does not know).
pub fn japanese(code: &str) -> Option<&'static str> {
    let text = match code {
        // Reading
        "empty-input" => "テキストが空です。定義を貼り付けるか、ファイルを開いてください。",
        "input-too-large" => "テキストが 16 MiB を超えているため読み込みません。",
        "invalid-utf8" => "UTF-8 ではないバイトが含まれています(UTF-16 のファイルならその旨を表示します)。",
        "syntax" => "JSON または YAML の構文エラーです。示された位置を確認してください。",
        "too-deep" => "配列やオブジェクトの入れ子が 128 段を超えています。",
        "number-out-of-range" => "数値が大きすぎて扱えません(±1.8e308 を超えています)。",
        "duplicate-key" => "同じオブジェクトに同じフィールドが 2 回書かれています。AWS はこの定義を受け付けません。",
        "unquoted-placeholder" => "CloudFormation の ${…} プレースホルダーが引用符の外にあります。文字列として読みました。",
        "not-an-object" => "テキストが JSON オブジェクト(定義、テンプレート、describe の出力)ではありません。",
        "yaml-alias-limit" => "YAML のエイリアスが展開しきれないほど多く使われています(エイリアス爆弾)。",
        "yaml-unsupported" => "文字列ではない YAML のマッピングキーは扱えません。",
        "yaml-extra-document" => "YAML に複数のドキュメントがあります。最初のものだけを読みました。",
        "unknown-yaml-tag" => "CloudFormation の組み込み関数ではない YAML タグです。",
        "definition-too-large" => "定義が 1,048,576 文字を超えています。Step Functions はこの長さの定義を受け付けません。",
        // Templates and describe output
        "no-state-machine" => "テンプレートにステートマシンのリソースがありません。",
        "unknown-machine" => "指定したステートマシンがテンプレートにありません(メッセージに候補を示します)。",
        "definition-elsewhere" => "定義が S3 など別の場所にあり、mapsim からは取得できません。",
        "missing-definition" => "ステートマシンのリソースに定義のプロパティがありません。",
        "invalid-definition" => "Definition / DefinitionString / DefinitionSubstitutions の形が正しくありません。",
        "unresolved-intrinsic" => "解決できない CloudFormation の組み込み関数があります。${Fn::…} として読みました。",
        "cloudformation-intrinsic" => "テンプレートからコピーした Ref / Fn::GetAtt が Task の Resource に残っています。",
        // Structure and types
        "missing-field" => "必須のフィールドがありません。",
        "wrong-type" => "フィールドの値の型が違います(整数が必要な所に小数がある場合も含みます)。",
        "out-of-range" => "数値が許される範囲の外にあります(リトライの間隔・回数・倍率、許容値、同時実行数など)。",
        "invalid-value" => "列挙値として認められていない値です(QueryLanguage、JitterStrategy、Mode、ExecutionType など)。",
        "unknown-state-type" => "Type が 8 種類のステートのどれでもありません。",
        "empty-error-equals" => "ErrorEquals が空の配列です。",
        "empty-choices" => "Choices(または And / Or)にルールがありません。",
        "empty-branches" => "Branches が空の配列です。",
        "multiple-comparisons" => "1 つの Choice ルールに比較演算子が 2 つあります。",
        "no-comparison" => "Choice ルールに比較も And / Or / Not もありません。",
        "jsonata-not-wrapped" => "JSONata の Condition が {% … %} で囲まれていません。",
        // Fields
        "unknown-field" => "ASL にないフィールドです(似た名前の候補を示します)。",
        "field-not-allowed" => "このステートの種類では使えないフィールドです。",
        "mutually-exclusive" => "どちらか一方しか書けないフィールドが両方書かれています(X と XPath など)。",
        "jsonpath-field-in-jsonata-state" => "JSONata のステートに JSONPath 用のフィールドがあります(代わりに使うものを示します)。",
        "jsonata-field-in-jsonpath-state" => "JSONPath のステートに JSONata 用のフィールド(Arguments、Output、Items)があります。",
        "next-and-end" => "Next と End: true が両方あります。",
        "missing-next" => "終端ではないステートに Next も End: true もありません。",
        "end-false" => "Next と並んだ End: false には意味がありません。",
        "state-name-too-long" => "ステート名が 80 文字を超えています。",
        "invalid-state-name" => "ステート名が空です。",
        // States graph
        "unknown-start-at" => "StartAt が、そのマシン(またはブランチ、プロセッサ)にないステートを指しています。",
        "start-at-out-of-scope" => "StartAt が別のスコープのステートを指しています。",
        "unknown-next" => "Next・Default・Catch の Next が存在しないステートを指しています(候補を示します)。",
        "next-out-of-scope" => "Next が別のブランチやプロセッサのステートを指しています。",
        "unreachable-state" => "どこからも遷移してこないステートです。",
        "no-terminal-state" => "Succeed / Fail ステートも End: true もないマシン(またはブランチ、プロセッサ)です。",
        "cannot-end" => "StartAt から終端にたどり着く経路がありません(ループしかありません)。",
        "no-path-to-end" => "このステートに来ると、失敗かタイムアウトまでループし続けるしかありません。",
        "duplicate-state-name" => "同じステート名が 2 回使われています(入れ子のスコープも含みます)。",
        // Paths, payload templates, intrinsic functions
        "invalid-path" => "パスの書き方が正しくありません。示された文字を確認してください。",
        "invalid-reference-path" => "参照パスが必要なフィールドに、ワイルドカードやフィルターなどが使われています。",
        "invalid-result-path" => "ResultPath にコンテキストオブジェクト($$)は指定できません。",
        "variable-in-result-path" => "ResultPath に変数($x)は指定できません。",
        "invalid-payload-template" => "名前が .$ で終わるフィールドの値が文字列ではありません。",
        "payload-template-conflict" => "同じオブジェクトに a と a.$ が両方あります。",
        "invalid-intrinsic" => "組み込み関数の名前、引数の数、引数の型のいずれかが正しくありません。",
        "intrinsic-format-arguments" => "States.Format の {} の数と引数の数が合いません(実行時に失敗します)。",
        "invalid-timestamp" => "Timestamp の比較値が RFC 3339 の形式(T と Z / オフセット付き)ではありません。",
        // JSONata
        "jsonata-wrapping" => "{% で始まる文字列が %} で終わっていない(またはその逆)か、{% の後に空白がありません。",
        "invalid-jsonata" => "JSONata の構文エラーです(または式が空です)。",
        "jsonata-top-level-reference" => "式の最上位にフィールド名だけが書かれています。Step Functions の JSONata には暗黙の入力がありません($states.input を使います)。",
        "jsonata-not-checked" => "式の入れ子が 64 段を超えているため、すべては検査していません。",
        // Retry and Catch
        "states-all-not-alone" => "States.ALL は ErrorEquals の中で単独で書く必要があります。",
        "states-all-not-last" => "States.ALL を含むリトライ / Catch は最後に置く必要があります。",
        "unknown-error-name" => "Step Functions が投げることのない States.* の名前か、綴りの誤り(State.ALL など)です。同じ名前のカスタムエラーにしか一致しません。",
        "uncatchable-error" => "States.Runtime は捕捉もリトライもできません。",
        "shadowed-handler" => "このエラー名(またはリトライ / Catch 全体)は、先に書かれたものがすでに一致させています。最初に一致したものだけが使われます。",
        // Tasks, Maps and workflow types
        "invalid-resource" => "Task の Resource の ARN が正しくありません(パーティション、サービス、リージョン、アカウント、関数名など)。",
        "resource-not-arn" => "Resource が ARN ではありません(Step Functions は ARN を求めます)。",
        "heartbeat-not-below-timeout" => "HeartbeatSeconds は TimeoutSeconds より小さくする必要があります。",
        "missing-execution-type" => "分散モードの Map に ProcessorConfig.ExecutionType がありません。",
        "inline-execution-type" => "インラインの Map に ExecutionType があります(無視されます)。",
        "distributed-only-field" => "分散マップ専用のフィールドがインラインの Map にあります(効果はありません)。",
        "distributed-map-in-express" => "Express ワークフロー(または分散マップの Express 子実行)の中に分散マップは置けません。",
        "unsupported-in-express" => "Express ワークフローでは .sync、.waitForTaskToken、アクティビティは使えません(リクエスト・レスポンス型のみ)。",
        "invalid-label" => "Map の Label が空か、40 文字を超えているか、使えない文字を含んでいます。",
        // Output
        "too-many-diagnostics" => "問題が 1,000 件を超えたため、残りは件数だけを示します。",
        _ => return None,
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code in the rule catalogue has a Japanese explanation.
    #[test]
    fn every_rule_of_the_catalogue_is_explained() {
        let rules = include_str!("../../crates/asl/RULES.md");
        let codes: Vec<&str> = rules
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .filter_map(|rest| rest.split('`').next())
            .collect();
        assert!(
            codes.len() >= 70,
            "the catalogue lists {} codes",
            codes.len()
        );
        let missing: Vec<&&str> = codes
            .iter()
            .filter(|code| japanese(code).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "no Japanese explanation for {missing:?}"
        );
        assert_eq!(japanese("no-such-code"), None);
    }
}
