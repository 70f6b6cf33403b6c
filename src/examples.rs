//! The built-in examples the page can open: a definition and a scenario each, stored as
//! files under `static/examples/` (also published beside the page, so they can be downloaded),
//! and the story each tells — a run that fails, why, and the change that fixes it.
//!
//! Every story is checked by a native test (`tests` below): the shipped documents give exactly
//! [`Story::verdict_before`], and the same documents with [`Fix::edits`] applied give exactly
//! [`Fix::verdict_after`]. A change in the engine or in an example that breaks a story fails
//! that test instead of silently teaching the wrong lesson.
//!
//! The seed document's three configurations come first; the others are our own definitions
//! modelled on public samples (named in [`Example::modelled_on`]), written for this page and
//! never copied from them.

use serde_json::Value;

use crate::document_edit::{self, DocumentEdit, EditFailure, Edited};
use crate::i18n::Text;
use crate::state::Document;

/// One built-in example.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Example {
    /// Stable identifier (used in the gallery, in storage and in share links).
    pub id: &'static str,
    pub title: Text,
    /// One or two sentences: what the workflow does and how it is set up.
    pub description: Text,
    /// The public sample this definition is modelled on (`owner/repository`, sample), when it
    /// is one of the real-world examples.
    pub modelled_on: Option<(&'static str, &'static str)>,
    /// The ASL definition, as the user would paste it.
    pub definition: &'static str,
    /// The scenario document (see PRODUCT.md) that goes with it.
    pub scenario: &'static str,
    pub story: Story,
}

/// What happens when the example runs as shipped, and how to fix it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Story {
    /// Why the run fails: which error, which retrier ran out, when the threshold is crossed.
    pub failure: Text,
    /// The engine's verdict for the shipped documents (checked by a test).
    pub verdict_before: &'static str,
    pub fix: Fix,
}

/// The change that makes the run succeed, offered as one click.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// A short imperative, for the button's neighbourhood ("Raise MaxAttempts from 2 to 6").
    pub summary: Text,
    /// Why it works.
    pub explanation: Text,
    pub edits: &'static [FixEdit],
    /// The engine's verdict once the fix is applied (checked by a test).
    pub verdict_after: &'static str,
}

/// One change of a fix: a value set (JSON text) or removed at a JSON pointer of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixEdit {
    pub document: Document,
    pub pointer: &'static str,
    /// The new value as JSON text; `None` removes the value.
    pub value: Option<&'static str>,
}

impl FixEdit {
    const fn set(pointer: &'static str, value: &'static str) -> FixEdit {
        FixEdit {
            document: Document::Definition,
            pointer,
            value: Some(value),
        }
    }

    fn value(&self) -> Option<Value> {
        self.value
            .map(|json| serde_json::from_str(json).unwrap_or(Value::Null))
    }

    fn document_edit(&self) -> DocumentEdit {
        match self.value() {
            Some(value) => DocumentEdit::set(self.pointer, value),
            None => DocumentEdit::remove(self.pointer),
        }
    }
}

/// Where a fix stands against the documents on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixStatus {
    /// The documents still have the places the fix changes, with other values: one click
    /// applies it.
    Available,
    /// The documents already read as the fix makes them (applied, or changed by hand).
    Applied,
    /// The documents no longer have those places (another definition was loaded).
    NotApplicable,
}

impl Fix {
    /// Where this fix stands against `definition` (the JSON the definition reads as) and the
    /// scenario text.
    pub fn status(&self, definition: Option<&Value>, scenario_text: &str) -> FixStatus {
        let scenario: Option<Value> = serde_json::from_str(scenario_text).ok();
        let mut all_applied = true;
        for edit in self.edits {
            let document = match edit.document {
                Document::Definition => definition,
                Document::Scenario => scenario.as_ref(),
            };
            let Some(document) = document else {
                return FixStatus::NotApplicable;
            };
            let parent = parent_pointer(edit.pointer);
            if edit.pointer.ends_with("/-") {
                // An append: applied when the array already holds the value.
                let Some(Value::Array(elements)) = document.pointer(parent) else {
                    return FixStatus::NotApplicable;
                };
                let wanted = edit.value().unwrap_or(Value::Null);
                all_applied &= elements.iter().any(|element| same_value(&wanted, element));
                continue;
            }
            let current = document.pointer(edit.pointer);
            if current.is_none() && document.pointer(parent).is_none() {
                return FixStatus::NotApplicable;
            }
            let applied = match (edit.value(), current) {
                (Some(wanted), Some(current)) => same_value(&wanted, current),
                (Some(_), None) => false,
                (None, current) => current.is_none(),
            };
            all_applied &= applied;
        }
        if all_applied {
            FixStatus::Applied
        } else {
            FixStatus::Available
        }
    }

    /// The two documents with the fix written into them (in place, keeping their layout, as the
    /// settings forms do). `options` reads the definition (a template's picked machine).
    pub fn apply(
        &self,
        definition: &str,
        scenario: &str,
        options: &asl::LoadOptions,
    ) -> Result<FixedTexts, (Document, EditFailure)> {
        let edits_of = |document: Document| -> Vec<DocumentEdit> {
            self.edits
                .iter()
                .filter(|edit| edit.document == document)
                .map(FixEdit::document_edit)
                .collect()
        };
        let definition_edits = edits_of(Document::Definition);
        let scenario_edits = edits_of(Document::Scenario);
        let definition = if definition_edits.is_empty() {
            None
        } else {
            Some(
                document_edit::edit_definition(definition, options, &definition_edits)
                    .map_err(|failure| (Document::Definition, failure))?,
            )
        };
        let scenario = if scenario_edits.is_empty() {
            None
        } else {
            Some(
                document_edit::edit_scenario(scenario, &scenario_edits)
                    .map_err(|failure| (Document::Scenario, failure))?,
            )
        };
        Ok(FixedTexts {
            definition,
            scenario,
        })
    }
}

/// The documents a fix changed (`None`: left as they were).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedTexts {
    pub definition: Option<Edited>,
    pub scenario: Option<Edited>,
}

fn parent_pointer(pointer: &str) -> &str {
    pointer.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// JSON equality where `6` and `6.0` are the same number (the forms may write either).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Every built-in example, in the order the gallery shows them.
pub const EXAMPLES: &[Example] = &[
    Example {
        id: "order-processing",
        title: Text::new(
            "Order processing — Catch routing and two tolerances",
            "注文処理 — Catch による振り分けと 2 つの許容値",
        ),
        description: Text::new(
            "1,000 orders go through validate → charge → confirm, one Standard child execution \
             each. DataValidationError is quarantined, BusinessLogicError is reported and fails \
             the order, States.ALL catches the rest. The Map Run tolerates 5 % failed orders — \
             and at most 10.",
            "1,000 件の注文を、1 件ずつ Standard の子実行で「検証 → 決済 → 確認」と処理します。\
             DataValidationError は隔離し、BusinessLogicError は報告したうえで注文を失敗とし、\
             それ以外は States.ALL で捕捉します。Map Run は失敗した注文を 5 % まで、かつ 10 件まで\
             許容します。",
        ),
        modelled_on: None,
        definition: include_str!("../static/examples/order-processing.asl.json"),
        scenario: include_str!("../static/examples/order-processing.scenario.json"),
        story: Story {
            failure: Text::new(
                "Three kinds of error, three routes. 3 % of the orders fail validation with \
                 DataValidationError: the Catch sends them to QuarantineOrder, so they count as \
                 handled, not failed. 1.4 % are declined with BusinessLogicError and two meet a \
                 PaymentGatewayError that States.ALL catches: both routes end in a Fail state, so \
                 those orders fail. 16 failed orders are only 1.6 % — well inside \
                 ToleratedFailurePercentage 5 — but ToleratedFailureCount 10 is set too, and \
                 exceeding either fails the run: at 00:00:14 the 11th failed order exceeds the \
                 count and the Map Run fails with States.ExceedToleratedFailureThreshold.",
                "3 種類のエラーに 3 つの経路があります。注文の 3 % は検証で DataValidationError に\
                 なりますが、Catch が QuarantineOrder に送るので「処理済み」として数えられ、失敗には\
                 なりません。1.4 % は BusinessLogicError で決済を断られ、2 件は PaymentGatewayError に\
                 なって States.ALL に捕捉されます。どちらの経路も Fail ステートで終わるため、これらの\
                 注文は失敗です。失敗 16 件は 1.6 % にすぎず ToleratedFailurePercentage 5 には十分\
                 収まりますが、ToleratedFailureCount 10 も設定されており、どちらか一方を超えれば Map Run\
                 は失敗します。00:00:14、11 件目の失敗で件数の上限を超え、Map Run は\
                 States.ExceedToleratedFailureThreshold で失敗します。",
            ),
            verdict_before: "FAILED: States.ExceedToleratedFailureThreshold at 00:00:14 — \
                             11 failed items > ToleratedFailureCount 10",
            fix: Fix {
                summary: Text::new(
                    "Raise ToleratedFailureCount from 10 to 50 (5 % of 1,000)",
                    "ToleratedFailureCount を 10 から 50（1,000 件の 5 %）に上げる",
                ),
                explanation: Text::new(
                    "The count was meant to say the same as the percentage, but for 1,000 orders \
                     10 is only 1 %. With 50 both limits agree: the 16 failed orders (1.6 %) are \
                     tolerated and the run succeeds. Removing ToleratedFailureCount would work \
                     too.",
                    "件数の上限は割合と同じ意味のつもりでしたが、1,000 件に対する 10 件は 1 % にすぎ\
                     ません。50 にすれば 2 つの上限が一致し、失敗した 16 件（1.6 %）は許容されて\
                     実行は成功します。ToleratedFailureCount を削除しても同じ結果になります。",
                ),
                edits: &[FixEdit::set("/States/ProcessOrders/ToleratedFailureCount", "50")],
                verdict_after: "SUCCEEDED with 16 failed items (1.6% ≤ 5%)",
            },
        },
    },
    Example {
        id: "basic-retries",
        title: Text::new(
            "Basic retries — Lambda service errors",
            "基本のリトライ — Lambda のサービスエラー",
        ),
        description: Text::new(
            "2,000 records, one Lambda invocation each. Lambda service errors are retried with \
             MaxAttempts 2, and the Map Run tolerates 5 failed records.",
            "2,000 件のレコードを、それぞれ 1 回の Lambda 呼び出しで処理します。Lambda のサービス\
             エラーは MaxAttempts 2 でリトライし、Map Run は失敗したレコードを 5 件まで許容します。",
        ),
        modelled_on: None,
        definition: include_str!("../static/examples/basic-retries.asl.json"),
        scenario: include_str!("../static/examples/basic-retries.scenario.json"),
        story: Story {
            failure: Text::new(
                "Lambda is having a bad day: 20 % of invocations fail with \
                 Lambda.ServiceException. The retrier allows MaxAttempts 2 — three tries in all — \
                 so a record fails when all three fail: 0.2³ = 0.8 %, about 16 of 2,000 records. \
                 ToleratedFailureCount is 5, so at 00:00:16 the 6th record whose retrier ran out \
                 fails the Map Run with States.ExceedToleratedFailureThreshold: the 99 children \
                 still running are aborted and 381 records never start.",
                "Lambda の調子が悪く、呼び出しの 20 % が Lambda.ServiceException で失敗します。\
                 リトライは MaxAttempts 2（試行は合計 3 回）なので、3 回とも失敗したレコードが失敗に\
                 なります。0.2³ = 0.8 %、2,000 件中およそ 16 件です。ToleratedFailureCount は 5 なので、\
                 00:00:16 にリトライを使い切った 6 件目のレコードで Map Run が\
                 States.ExceedToleratedFailureThreshold で失敗します。実行中だった子 99 件は中止され、\
                 381 件は開始されません。",
            ),
            verdict_before: "FAILED: States.ExceedToleratedFailureThreshold at 00:00:16 — \
                             6 failed items > ToleratedFailureCount 5",
            fix: Fix {
                summary: Text::new(
                    "Raise MaxAttempts from 2 to 6",
                    "MaxAttempts を 2 から 6 に上げる",
                ),
                explanation: Text::new(
                    "With six retries a record fails only when seven tries in a row fail: \
                     0.2⁷ ≈ 0.001 %, far below one record in 2,000. The retries cost time — the \
                     run now takes 00:01:04 — but every record succeeds.",
                    "リトライが 6 回あれば、7 回続けて失敗したときだけレコードが失敗します。\
                     0.2⁷ ≈ 0.001 % で、2,000 件中 1 件にも届きません。リトライの分だけ時間は\
                     かかります（実行は 00:01:04）が、すべてのレコードが成功します。",
                ),
                edits: &[FixEdit::set(
                    "/States/ProcessRecords/ItemProcessor/States/ProcessRecord/Retry/0/MaxAttempts",
                    "6",
                )],
                verdict_after: "SUCCEEDED",
            },
        },
    },
    Example {
        id: "throttled-lambda",
        title: Text::new(
            "Throttled Lambda — adaptive retry with full jitter",
            "スロットリングされる Lambda — フルジッターによる適応的リトライ",
        ),
        description: Text::new(
            "20,000 images, a thousand concurrent Express child executions, and a resize \
             function limited to 300 concurrent invocations: Lambda.TooManyRequestsException is \
             retried, and at most 10 images may fail.",
            "20,000 枚の画像を 1,000 並列の Express 子実行で処理しますが、リサイズ関数の同時実行は \
             300 までです。Lambda.TooManyRequestsException をリトライし、失敗は 10 枚まで許容します。",
        ),
        modelled_on: None,
        definition: include_str!("../static/examples/throttled-lambda.asl.json"),
        scenario: include_str!("../static/examples/throttled-lambda.scenario.json"),
        story: Story {
            failure: Text::new(
                "MaxConcurrency 1000 starts a thousand children at once, but the function runs at \
                 most 300 invocations: the others are throttled with \
                 Lambda.TooManyRequestsException. Their retrier waits exactly 1, 2, 4, 8 and 16 s \
                 (JitterStrategy NONE), so throttled children come back together, in waves, and \
                 meet the limit again. After MaxAttempts 5 the retrier has run out: at 00:00:31 \
                 the 11th image without retries left exceeds ToleratedFailureCount 10 and the Map \
                 Run fails.",
                "MaxConcurrency 1000 により 1,000 個の子実行が一斉に始まりますが、関数が同時に\
                 処理できるのは 300 呼び出しまでで、残りは Lambda.TooManyRequestsException で\
                 スロットリングされます。リトライの待ち時間はきっちり 1、2、4、8、16 秒\
                 （JitterStrategy NONE）なので、スロットリングされた子実行は波のようにそろって戻り、\
                 また上限にぶつかります。MaxAttempts 5 を使い切ると、00:00:31 にリトライの残っていない\
                 11 枚目の画像で ToleratedFailureCount 10 を超え、Map Run が失敗します。",
            ),
            verdict_before: "FAILED: States.ExceedToleratedFailureThreshold at 00:00:31 — \
                             11 failed items > ToleratedFailureCount 10",
            fix: Fix {
                summary: Text::new(
                    "Retry throttles with FULL jitter, MaxAttempts 12 and MaxDelaySeconds 20",
                    "スロットリングを FULL ジッター・MaxAttempts 12・MaxDelaySeconds 20 でリトライする",
                ),
                explanation: Text::new(
                    "Full jitter draws each wait at random from [0, 1 s × 2ⁿ], so retries spread \
                     out instead of arriving in waves; MaxDelaySeconds 20 caps the longest wait, \
                     and 12 attempts give every image enough chances to find a free slot. All \
                     20,000 images succeed by 00:00:56, far inside the Express children's \
                     5-minute limit. (Without jitter, 8 attempts would also get through, but the \
                     waves stretch the run to 00:04:24.)",
                    "フルジッターは各待ち時間を [0, 1 秒 × 2ⁿ] からランダムに選ぶので、リトライが波に\
                     ならず分散します。MaxDelaySeconds 20 で最長の待ち時間を抑え、12 回の試行で\
                     どの画像も空きを見つけられます。20,000 枚すべてが 00:00:56 までに成功し、\
                     Express 子実行の 5 分の上限にも十分収まります（ジッターなしでも 8 回試行すれば\
                     通りますが、波のせいで実行は 00:04:24 まで延びます）。",
                ),
                edits: &[
                    FixEdit::set(
                        "/States/ResizeImages/ItemProcessor/States/Resize/Retry/0/MaxAttempts",
                        "12",
                    ),
                    FixEdit::set(
                        "/States/ResizeImages/ItemProcessor/States/Resize/Retry/0/MaxDelaySeconds",
                        "20",
                    ),
                    FixEdit::set(
                        "/States/ResizeImages/ItemProcessor/States/Resize/Retry/0/JitterStrategy",
                        "\"FULL\"",
                    ),
                ],
                verdict_after: "SUCCEEDED",
            },
        },
    },
    Example {
        id: "csv-to-dynamodb",
        title: Text::new(
            "CSV to DynamoDB — batches multiply failures",
            "CSV から DynamoDB へ — バッチが失敗を増やす",
        ),
        description: Text::new(
            "50,000 rows of a CSV file in S3, 100 rows per child execution (ItemBatcher), a \
             Lambda function that validates and writes each batch. The Map Run tolerates 2 % \
             failed rows.",
            "S3 上の CSV ファイル 50,000 行を、子実行 1 つあたり 100 行（ItemBatcher）ずつ Lambda 関数で\
             検証して書き込みます。Map Run は失敗した行を 2 % まで許容します。",
        ),
        modelled_on: Some((
            "aws-samples/step-functions-workflows-collection",
            "migrate-csv-to-ddb-distributed-map",
        )),
        definition: include_str!("../static/examples/csv-to-dynamodb.asl.json"),
        scenario: include_str!("../static/examples/csv-to-dynamodb.scenario.json"),
        story: Story {
            failure: Text::new(
                "Only 15 of the 50,000 rows are bad (no customer_id). The function throws \
                 MigrationError, which no retrier names, and the Catch routes it to BatchFailed. \
                 But a failed child fails every item of its batch, so each bad row costs 100 \
                 rows. At 00:00:15 the 11th failed batch brings the failed rows to 1,100 of \
                 50,000 (2.2 %) > ToleratedFailurePercentage 2, and the Map Run fails with \
                 States.ExceedToleratedFailureThreshold — with 0.03 % of the rows bad.",
                "50,000 行のうち不正な行（customer_id がない）は 15 行だけです。関数は MigrationError を\
                 投げ、どのリトライにも該当しないので Catch が BatchFailed に送ります。ところが子実行が\
                 失敗するとそのバッチの全アイテムが失敗として数えられるため、不正な 1 行が 100 行分の\
                 失敗になります。00:00:15、11 個目のバッチの失敗で失敗行は 50,000 行中 1,100 行\
                 （2.2 %）となり ToleratedFailurePercentage 2 を超え、Map Run は\
                 States.ExceedToleratedFailureThreshold で失敗します。不正な行は 0.03 % にすぎない\
                 のに、です。",
            ),
            verdict_before: "FAILED: States.ExceedToleratedFailureThreshold at 00:00:15 — \
                             1100 failed items of 50000 (2.2%) > ToleratedFailurePercentage 2",
            fix: Fix {
                summary: Text::new(
                    "Lower MaxItemsPerBatch from 100 to 20",
                    "MaxItemsPerBatch を 100 から 20 に下げる",
                ),
                explanation: Text::new(
                    "With 20 rows per batch the 15 bad rows fail 15 batches of 20: 300 rows, \
                     0.6 % ≤ 2 %, and the run succeeds — with 2,500 child executions instead of \
                     500. The lasting fix is in the function: report a bad row instead of \
                     throwing for the whole batch.",
                    "1 バッチ 20 行なら、不正な 15 行で失敗するのは 20 行のバッチ 15 個、つまり 300 行\
                     （0.6 % ≤ 2 %）で、実行は成功します（子実行は 500 から 2,500 に増えます）。\
                     根本的な対策は関数側にあります。バッチ全体で例外を投げるのではなく、不正な行を\
                     報告するようにしましょう。",
                ),
                edits: &[FixEdit::set(
                    "/States/ReadInputFile/ItemBatcher/MaxItemsPerBatch",
                    "20",
                )],
                verdict_after: "SUCCEEDED with 300 failed items (0.6% ≤ 2%)",
            },
        },
    },
    Example {
        id: "s3-nested-maps",
        title: Text::new(
            "S3 bucket — nested Distributed Maps",
            "S3 バケット — 入れ子の分散マップ",
        ),
        description: Text::new(
            "20,000 objects of a bucket: 100 per child execution, then 10 per grandchild in a \
             nested Distributed Map, where an inline Map reads, transforms and publishes each \
             object. The outer Map Run tolerates 5 %.",
            "バケットの 20,000 個のオブジェクトを、子実行 1 つに 100 個、さらに入れ子の分散マップで\
             孫実行 1 つに 10 個ずつ渡し、インラインマップで 1 個ずつ読み込み・変換・公開します。\
             外側の Map Run は 5 % まで許容します。",
        ),
        modelled_on: Some((
            "aws-samples/step-functions-workflows-collection",
            "s3-bucket-nested-distributed-map",
        )),
        definition: include_str!("../static/examples/s3-nested-maps.asl.json"),
        scenario: include_str!("../static/examples/s3-nested-maps.scenario.json"),
        story: Story {
            failure: Text::new(
                "0.2 % of the objects were deleted after the bucket was listed, so GetObject \
                 throws S3.NoSuchKey. Its retrier names only S3.SdkClientException and \
                 S3.S3Exception, and nothing catches it: the inline Map fails, the grandchild \
                 fails, and the nested Map Run — which sets no tolerance — fails on its first \
                 failed grandchild. That fails the outer child, and with it all 100 objects of \
                 its batch. At 00:00:02 the 11th failed child makes 1,100 of 20,000 objects \
                 (5.5 %) > ToleratedFailurePercentage 5, and the outer Map Run fails.",
                "一覧を取得した後にオブジェクトの 0.2 % が削除されたため、GetObject が S3.NoSuchKey を\
                 投げます。リトライの対象は S3.SdkClientException と S3.S3Exception だけで、捕捉する\
                 Catch もありません。インラインマップが失敗し、孫実行が失敗し、許容値を設定していない\
                 入れ子の Map Run は最初の孫実行の失敗で失敗します。これで外側の子実行が失敗し、\
                 そのバッチの 100 個すべてが失敗として数えられます。00:00:02、11 個目の子実行の失敗で\
                 20,000 個中 1,100 個（5.5 %）となり ToleratedFailurePercentage 5 を超え、外側の\
                 Map Run が失敗します。",
            ),
            verdict_before: "FAILED: States.ExceedToleratedFailureThreshold at 00:00:02 — \
                             1100 failed items of 20000 (5.5%) > ToleratedFailurePercentage 5",
            fix: Fix {
                summary: Text::new(
                    "Catch S3.NoSuchKey on GetObjectFromBucket and skip the object",
                    "GetObjectFromBucket で S3.NoSuchKey を捕捉し、そのオブジェクトを飛ばす",
                ),
                explanation: Text::new(
                    "A missing object is expected when the bucket changes during the run: the new \
                     catcher routes S3.NoSuchKey to SkipMissingObject, a Pass state that marks the \
                     object skipped, so its grandchild succeeds. Nothing fails at any level, and \
                     all 20,000 objects are done by 00:00:13.",
                    "実行中にバケットが変わるなら、オブジェクトがないのは想定内です。追加した Catch が\
                     S3.NoSuchKey を SkipMissingObject（オブジェクトを「スキップ」と記録する Pass\
                     ステート）に送るので、孫実行は成功します。どの階層でも失敗は起きず、20,000 個\
                     すべてが 00:00:13 までに終わります。",
                ),
                edits: &[
                    FixEdit::set(
                        "/States/ProcessBucket/ItemProcessor/States/ProcessObjects/ItemProcessor/States/ProcessItems/ItemProcessor/States/SkipMissingObject",
                        r#"{"Type": "Pass", "Result": "skipped: deleted after the listing", "ResultPath": "$.skipped", "End": true}"#,
                    ),
                    FixEdit::set(
                        "/States/ProcessBucket/ItemProcessor/States/ProcessObjects/ItemProcessor/States/ProcessItems/ItemProcessor/States/GetObjectFromBucket/Catch",
                        r#"[{"ErrorEquals": ["S3.NoSuchKey"], "ResultPath": "$.error", "Next": "SkipMissingObject"}]"#,
                    ),
                ],
                verdict_after: "SUCCEEDED",
            },
        },
    },
    Example {
        id: "express-batches",
        title: Text::new(
            "Weather data — Express children and the 5-minute limit",
            "気象データ — Express 子実行と 5 分の上限",
        ),
        description: Text::new(
            "100,000 weather-station files listed from S3, 500 per Express child execution, \
             results written to S3 (ResultWriter) for a reducer. The Map Run tolerates 5 %.",
            "S3 から一覧した 100,000 個の観測所ファイルを、Express 子実行 1 つに 500 個ずつ渡し、\
             結果を S3 に書き出して（ResultWriter）集約処理に回します。Map Run は 5 % まで許容します。",
        ),
        modelled_on: Some((
            "aws-samples/aws-stepfunctions-examples",
            "sam/demo-distributed-map-data-processing",
        )),
        definition: include_str!("../static/examples/express-batches.asl.json"),
        scenario: include_str!("../static/examples/express-batches.scenario.json"),
        story: Story {
            failure: Text::new(
                "Summarising 500 files takes the function 2 minutes at the median, but the \
                 slowest batches need more than 5 minutes — and an Express child execution \
                 cannot run longer than 5 minutes. All 200 children start at once \
                 (MaxConcurrency 3000), so at 00:05:00 the batches still running time out \
                 together: the 11th time-out makes 5,500 of 100,000 items (5.5 %) > \
                 ToleratedFailurePercentage 5, and the Map Run fails. No retrier can help: the \
                 time-out belongs to the child execution, not to the Task.",
                "500 ファイルの集計には関数で中央値 2 分かかりますが、遅いバッチは 5 分を超えます。\
                 そして Express の子実行は 5 分より長くは動けません。200 個の子実行は一斉に始まる\
                 （MaxConcurrency 3000）ので、00:05:00 にまだ動いているバッチがそろってタイムアウト\
                 します。11 個目のタイムアウトで 100,000 件中 5,500 件（5.5 %）となり\
                 ToleratedFailurePercentage 5 を超え、Map Run が失敗します。タイムアウトは Task では\
                 なく子実行のものなので、どのリトライも役に立ちません。",
            ),
            verdict_before: "FAILED: States.ExceedToleratedFailureThreshold at 00:05:00 — \
                             5500 failed items of 100000 (5.5%) > ToleratedFailurePercentage 5",
            fix: Fix {
                summary: Text::new(
                    "Run the children as STANDARD instead of EXPRESS",
                    "子実行を EXPRESS ではなく STANDARD で動かす",
                ),
                explanation: Text::new(
                    "Standard child executions may run for up to a year, so the slow batches \
                     finish: the Map Run succeeds, the reducer runs, and the execution ends at \
                     00:10:36. In a real system smaller batches would also keep Express children \
                     under 5 minutes, and Express is cheaper per child.",
                    "Standard の子実行は最長 1 年まで動けるので、遅いバッチも最後まで終わります。\
                     Map Run は成功し、集約処理が動いて、実行は 00:10:36 に終わります。実際の\
                     システムでは、バッチを小さくして Express 子実行を 5 分以内に収める方法もあり、\
                     子実行あたりの料金は Express のほうが安くなります。",
                ),
                edits: &[FixEdit::set(
                    "/States/SummariseStations/ItemProcessor/ProcessorConfig/ExecutionType",
                    "\"STANDARD\"",
                )],
                verdict_after: "SUCCEEDED",
            },
        },
    },
    Example {
        id: "jsonata-data-collection",
        title: Text::new(
            "Data collection in JSONata — States.TaskFailed misses time-outs",
            "JSONata のデータ収集 — States.TaskFailed はタイムアウトに一致しない",
        ),
        description: Text::new(
            "600 accounts, one Standard child execution each, written in JSONata. The module's \
             Lambda function has TimeoutSeconds 60 and a retrier for throttles and \
             States.TaskFailed; a failed account is counted in a metric, and the Map Run \
             tolerates 2 %.",
            "JSONata で書かれた、600 アカウントを 1 つずつ Standard 子実行で処理するワークフローです。\
             モジュールの Lambda 関数は TimeoutSeconds 60 で、スロットリングと States.TaskFailed を\
             リトライします。失敗したアカウントはメトリクスに記録し、Map Run は 2 % まで許容します。",
        ),
        modelled_on: Some((
            "aws-solutions-library-samples/cloud-intelligence-dashboards-data-collection",
            "data-collection/deploy/source/step-functions/main-state-machine.json",
        )),
        definition: include_str!("../static/examples/jsonata-data-collection.asl.json"),
        scenario: include_str!("../static/examples/jsonata-data-collection.scenario.json"),
        story: Story {
            failure: Text::new(
                "A few accounts keep the function busy for more than 60 s, so the Task fails with \
                 States.Timeout. The retrier names States.TaskFailed, which matches every error \
                 except States.Timeout: time-outs are never retried, and the Catch (States.ALL) \
                 sends them to the error metric and FailMapLambda. Lambda.ServiceException, \
                 which States.TaskFailed does match, is retried and never fails an account. At \
                 00:02:29 the 13th timed-out account makes 2.167 % > ToleratedFailurePercentage \
                 2; the Map Run fails, the Map's Catch routes \
                 States.ExceedToleratedFailureThreshold to ErrorMetric, and the execution ends in \
                 DataCollectionFailed.",
                "一部のアカウントでは関数の処理が 60 秒を超え、Task が States.Timeout で失敗します。\
                 リトライの対象は States.TaskFailed ですが、これは States.Timeout 以外のすべての\
                 エラーに一致するものです。タイムアウトは一度もリトライされず、Catch（States.ALL）が\
                 エラーメトリクスと FailMapLambda に送ります。States.TaskFailed に一致する\
                 Lambda.ServiceException はリトライされ、アカウントの失敗にはなりません。00:02:29、\
                 13 件目のタイムアウトで 2.167 % となり ToleratedFailurePercentage 2 を超えて Map Run\
                 が失敗し、Map の Catch が States.ExceedToleratedFailureThreshold を ErrorMetric に送って、\
                 実行は DataCollectionFailed で終わります。",
            ),
            verdict_before: "FAILED: DataCollectionFailed at 00:02:29 — 13 failed items of 600 \
                             (2.167%) > ToleratedFailurePercentage 2",
            fix: Fix {
                summary: Text::new(
                    "Add States.Timeout to the retrier's ErrorEquals",
                    "リトライの ErrorEquals に States.Timeout を加える",
                ),
                explanation: Text::new(
                    "Named explicitly, States.Timeout is retried like the other errors: a slow \
                     account gets six more tries with full jitter, and all 600 accounts are \
                     collected by 00:04:15.",
                    "明示的に書けば States.Timeout もほかのエラーと同じくリトライされます。遅い\
                     アカウントにもフルジッター付きで 6 回の再試行があり、600 アカウントすべてが\
                     00:04:15 までに収集されます。",
                ),
                edits: &[FixEdit::set(
                    "/States/DataCollectionMap/ItemProcessor/States/DataCollectionLambda/Retry/0/ErrorEquals/-",
                    "\"States.Timeout\"",
                )],
                verdict_after: "SUCCEEDED",
            },
        },
    },
    Example {
        id: "monitoring-alarms",
        title: Text::new(
            "Monitoring — the alarm, and the error that never matches",
            "監視 — アラームと、一致しないエラー",
        ),
        description: Text::new(
            "6,000 records, one Standard child execution each: validate, then write. The \
             validator's Catch quarantines DataValidationError. Two CloudWatch alarms watch the \
             run: failed child executions (Sum over 5 minutes, twice above 10) and the parent's \
             failure. Open the Metrics, Logs and Errors tabs below the run.",
            "6,000 件のレコードを、1 件ずつ Standard の子実行で「検証 → 書き込み」と処理します。\
             検証の Catch は DataValidationError を隔離します。2 つの CloudWatch アラームが実行を\
             見張ります。失敗した子実行（5 分ごとの合計が 2 回続けて 10 を超える）と、親の失敗です。\
             実行の下のメトリクス、ログ、エラーの経路タブを開いてください。",
        ),
        modelled_on: None,
        definition: include_str!("../static/examples/monitoring-alarms.asl.json"),
        scenario: include_str!("../static/examples/monitoring-alarms.scenario.json"),
        story: Story {
            failure: Text::new(
                "3 % of the records are invalid, and the Catch for DataValidationError should \
                 quarantine them — but it never fires. The function raises \
                 Exception(json.dumps({\"error_type\": \"DataValidationError\", …})): Step \
                 Functions matches the exception's class name, Exception, which no retrier or \
                 catcher names, so each invalid record fails its child execution. The logs say \
                 DataValidationError; the history says Exception. At 00:06:34 the 121st failed \
                 record makes 2.017 % > ToleratedFailurePercentage 2 and the Map Run fails. The \
                 parent's alarm fires at 00:07:00 — but HighFailureRate-DistributedMap, which \
                 needs 2 of 2 five-minute periods above 10, only fires at 00:10:00, three and a \
                 half minutes after the run had already failed.",
                "レコードの 3 % は不正で、DataValidationError の Catch が隔離するはずですが、一度も\
                 発動しません。関数は Exception(json.dumps({\"error_type\": \"DataValidationError\", …}))\
                 を送出します。Step Functions が照合するのは例外のクラス名 Exception で、どの\
                 リトライにも Catch にも書かれていないため、不正なレコードはそれぞれ子実行を失敗\
                 させます。ログには DataValidationError、履歴には Exception と残ります。00:06:34、\
                 121 件目の失敗で 2.017 % となり ToleratedFailurePercentage 2 を超えて Map Run は\
                 失敗します。親のアラームは 00:07:00 に発報しますが、5 分間の期間 2 つ続けて 10 を\
                 超える必要がある HighFailureRate-DistributedMap が発報するのは 00:10:00、実行が\
                 失敗してから 3 分半後です。",
            ),
            verdict_before: "FAILED: States.ExceedToleratedFailureThreshold at 00:06:34 — \
                             121 failed items of 6000 (2.017%) > ToleratedFailurePercentage 2",
            fix: Fix {
                summary: Text::new(
                    "Catch what the function raises: Exception",
                    "関数が送出するもの（Exception）を Catch する",
                ),
                explanation: Text::new(
                    "With ErrorEquals [\"Exception\"] the invalid records are quarantined, no child \
                     execution fails and both alarms stay OK. The better fix is in the function: \
                     raise a DataValidationError class of its own, so that its name is the error \
                     Step Functions sees.",
                    "ErrorEquals を [\"Exception\"] にすると不正なレコードは隔離され、失敗する子実行は\
                     なくなり、2 つのアラームは OK のままです。より良い修正は関数側で、\
                     DataValidationError という独自の例外クラスを送出し、その名前が Step Functions\
                     に見えるエラーになるようにすることです。",
                ),
                edits: &[FixEdit::set(
                    "/States/ImportRecords/ItemProcessor/States/ValidateRecord/Catch/0/ErrorEquals",
                    "[\"Exception\"]",
                )],
                verdict_after: "SUCCEEDED",
            },
        },
    },
];

/// The example the page opens on: the most instructive Distributed Map failure (Catch
/// routing, and a Map Run that fails on a count while far inside its percentage).
pub fn default_example() -> &'static Example {
    &EXAMPLES[0]
}

/// The example with this id, if there is one.
pub fn example(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|example| example.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::sim::{clock_text, ExecutionStatus, SimOptions, Simulation};

    /// Runs the documents to their end: `(status, verdict text)`.
    fn run(definition: &str, scenario: &str) -> (ExecutionStatus, String) {
        let (status, verdict, _) = run_to_end(definition, scenario);
        (status, verdict)
    }

    /// Runs the documents to their end: `(status, verdict text, end on the virtual clock)`.
    fn run_to_end(definition: &str, scenario: &str) -> (ExecutionStatus, String, String) {
        let loaded = asl::load(definition, &asl::LoadOptions::default());
        let Some(model) = loaded.runnable() else {
            panic!("not runnable: {:#?}", loaded.diagnostics);
        };
        let scenario = match engine::scenario::parse(scenario) {
            Ok(scenario) => scenario,
            Err(errors) => panic!("scenario: {errors:#?}"),
        };
        let mut sim = match Simulation::new(model, &scenario, SimOptions::default()) {
            Ok(sim) => sim,
            Err(error) => panic!("cannot simulate: {error:?}"),
        };
        let outcome = sim.run();
        let (status, end) = (outcome.status, clock_text(outcome.end_ms));
        (status, sim.verdict_text(), end)
    }

    fn fixed(example: &Example) -> (String, String) {
        let texts = match example.story.fix.apply(
            example.definition,
            example.scenario,
            &asl::LoadOptions::default(),
        ) {
            Ok(texts) => texts,
            Err(failure) => panic!("{}: the fix does not apply: {failure:?}", example.id),
        };
        for edited in [&texts.definition, &texts.scenario].into_iter().flatten() {
            assert_eq!(
                edited.rewritten, None,
                "{}: the fix must keep the layout",
                example.id
            );
        }
        (
            texts
                .definition
                .map_or(example.definition.to_string(), |e| e.text),
            texts
                .scenario
                .map_or(example.scenario.to_string(), |e| e.text),
        )
    }

    /// The story of every example, as its text tells it: the shipped documents fail with the
    /// verdict the story quotes, and with the fix applied the run succeeds with the verdict
    /// the fix quotes.
    #[test]
    fn every_story_fails_as_told_and_the_fix_makes_it_succeed() {
        for example in EXAMPLES {
            let (status, verdict) = run(example.definition, example.scenario);
            assert_eq!(status, ExecutionStatus::Failed, "{}: {verdict}", example.id);
            assert_eq!(verdict, example.story.verdict_before, "{}", example.id);

            let (definition, scenario) = fixed(example);
            let (status, verdict, end) = run_to_end(&definition, &scenario);
            // When the fix's explanation says when the run ends, it is when the run ends.
            for text in [
                example.story.fix.explanation.en,
                example.story.fix.explanation.ja,
            ] {
                if let Some(at) = first_clock(text) {
                    assert_eq!(at, end, "{}: {text}", example.id);
                }
            }
            assert_eq!(
                status,
                ExecutionStatus::Succeeded,
                "{}: {verdict}",
                example.id
            );
            assert_eq!(verdict, example.story.fix.verdict_after, "{}", example.id);
        }
    }

    /// The first `hh:mm:ss` in a text.
    fn first_clock(text: &str) -> Option<&str> {
        let bytes = text.as_bytes();
        (0..bytes.len().saturating_sub(7)).find_map(|i| {
            let candidate = text.get(i..i + 8)?;
            let shape = candidate.bytes().enumerate().all(|(j, b)| match j {
                2 | 5 => b == b':',
                _ => b.is_ascii_digit(),
            });
            shape.then_some(candidate)
        })
    }

    #[test]
    fn every_story_names_the_moment_the_run_fails_in_both_languages() {
        for example in EXAMPLES {
            let verdict = example.story.verdict_before;
            let Some(at) = verdict.split(" at ").nth(1).and_then(|t| t.get(..8)) else {
                panic!("{}: no time in {verdict:?}", example.id);
            };
            for text in [example.story.failure.en, example.story.failure.ja] {
                assert!(text.contains(at), "{}: {at} not in {text:?}", example.id);
            }
        }
    }

    #[test]
    fn every_text_has_both_languages() {
        let is_japanese = |text: &str| {
            text.chars()
                .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
        };
        for example in EXAMPLES {
            let story = &example.story;
            for text in [
                example.title,
                example.description,
                story.failure,
                story.fix.summary,
                story.fix.explanation,
            ] {
                assert!(!text.en.is_empty() && !is_japanese(text.en), "{text:?}");
                assert!(is_japanese(text.ja), "{}: {text:?}", example.id);
            }
        }
    }

    #[test]
    fn a_fix_is_available_on_its_example_then_applied_and_not_applicable_elsewhere() {
        for example in EXAMPLES {
            let fix = &example.story.fix;
            let definition = |text: &str| asl::load(text, &asl::LoadOptions::default()).definition;
            assert_eq!(
                fix.status(definition(example.definition).as_ref(), example.scenario),
                FixStatus::Available,
                "{}",
                example.id
            );
            let (fixed_definition, fixed_scenario) = fixed(example);
            assert_eq!(
                fix.status(definition(&fixed_definition).as_ref(), &fixed_scenario),
                FixStatus::Applied,
                "{}",
                example.id
            );
            // Another example's documents do not have the places this fix changes.
            for other in EXAMPLES.iter().filter(|other| other.id != example.id) {
                assert_eq!(
                    fix.status(definition(other.definition).as_ref(), other.scenario),
                    FixStatus::NotApplicable,
                    "{} on {}",
                    example.id,
                    other.id
                );
            }
            assert_eq!(fix.status(None, example.scenario), FixStatus::NotApplicable);
        }
    }

    #[test]
    fn every_example_definition_loads_without_diagnostics() {
        for example in EXAMPLES {
            let loaded = asl::load(example.definition, &asl::LoadOptions::default());
            assert!(
                loaded.diagnostics.is_empty(),
                "{}: {:#?}",
                example.id,
                loaded.diagnostics
            );
            assert!(loaded.model.is_some(), "{}", example.id);
        }
    }

    #[test]
    fn every_real_world_example_names_its_sample_in_its_comment() {
        for example in EXAMPLES {
            if let Some((repository, sample)) = example.modelled_on {
                let short = sample.rsplit('/').next().unwrap_or(sample);
                let short = short.trim_end_matches(".json");
                assert!(
                    example.definition.contains("Modelled on the")
                        && example
                            .definition
                            .contains(repository.rsplit('/').next().unwrap_or(repository)),
                    "{}",
                    example.id
                );
                assert!(!short.is_empty());
            }
        }
    }

    #[test]
    fn example_ids_are_unique_and_found() {
        for (index, candidate) in EXAMPLES.iter().enumerate() {
            assert_eq!(
                EXAMPLES.iter().position(|e| e.id == candidate.id),
                Some(index)
            );
            assert_eq!(example(candidate.id), Some(candidate));
        }
        assert_eq!(example("no-such-example"), None);
        assert_eq!(default_example().id, "order-processing");
    }
}
