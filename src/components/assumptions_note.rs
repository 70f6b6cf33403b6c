//! The assumptions a run relied on: where no AWS source settles a behaviour, the engine picks
//! one, says so (`Simulation::assumptions_used`), and the scenario's `assumptions` can change
//! it; where the scenario's items stand in for what an ItemReader or ItemsPath would read, it
//! says that too. This note makes those choices visible under the verdict, folded to one line until opened,
//! so nobody takes a guess for a fact.

use yew::prelude::*;

use crate::i18n::Lang;
use crate::sim_frame::SimFrame;

/// The note for the run in `frame` (nothing while the run relied on no assumption).
pub fn assumptions_note(lang: Lang, frame: &SimFrame) -> Html {
    let Some(sim) = frame.read() else {
        return html! {};
    };
    let used = sim.assumptions_used();
    if used.is_empty() {
        return html! {};
    }
    let summary = match lang {
        Lang::En => match used.len() {
            1 => "This run relied on 1 assumption".to_string(),
            n => format!("This run relied on {n} assumptions"),
        },
        Lang::Ja => format!("この実行は {} 件の前提に基づいています", used.len()),
    };
    html! {
        <details class="assumptions-note" data-testid="assumptions">
            <summary>
                <span class="assumptions-icon" aria-hidden="true">{ "ⓘ" }</span>
                { summary }
            </summary>
            <ul>
                { for used.iter().map(|(key, text)| item(lang, key, text)) }
            </ul>
            <p class="assumptions-hint">
                { lang.t(
                    "The scenario's \"assumptions\" field chooses the other behaviour where there is one.",
                    "別の動作がある前提は、シナリオの \"assumptions\" フィールドで切り替えられます。",
                ) }
            </p>
        </details>
    }
}

/// One assumption: the engine's own sentence in English; in Japanese, a translation of what
/// the key means, with the engine's sentence (which names the states and figures) beside it.
fn item(lang: Lang, key: &str, text: &str) -> Html {
    match (lang, japanese(key, text)) {
        (Lang::Ja, Some(ja)) => html! {
            <li data-key={key.to_string()}>
                { ja }
                <span class="assumptions-detail" lang="en">{ text.to_string() }</span>
            </li>
        },
        _ => html! { <li data-key={key.to_string()} lang="en">{ text.to_string() }</li> },
    }
}

/// What an assumption means, in Japanese.
fn japanese(key: &str, text: &str) -> Option<&'static str> {
    Some(match key {
        "inline_map_items" => {
            "シナリオの items を、インラインマップの ItemsPath(または Items)が選ぶ配列の代わりに使いました。"
        }
        "reader_items" => {
            "シナリオに items がないため、ItemReader が読むアイテムの代わりに {\"index\": i} のアイテムを使いました。"
        }
        "untolerated_failure_error"
            if text.contains("with States.ExceedToleratedFailureThreshold") =>
        {
            "許容値を設定していない分散マップは、最初に失敗したアイテムで States.ExceedToleratedFailureThreshold により失敗するものとしました。"
        }
        "untolerated_failure_error" => {
            "許容値を設定していない分散マップは、最初に失敗した子実行のエラーと原因で失敗するものとしました。"
        }
        "collected_results_limit" => {
            "ResultWriter のない分散マップは、集めた結果が limits.payload_bytes を超えると、マップランの終了時に States.DataLimitExceeded で失敗するものとしました。"
        }
        "failed_child_results" => {
            "許容された失敗した子実行は、分散マップの集めた結果に {\"Error\", \"Cause\"} を加えるものとしました。"
        }
        "throttle_cause" => {
            "スロットリングされた Lambda 呼び出しは、limits.throttle_latency_ms の後に Lambda.TooManyRequestsException で失敗するものとしました。"
        }
        "states_all_matches_empty_error" => {
            "Error のない Fail ステートの空のエラーにも States.ALL が一致するものとしました。"
        }
        "retry_delay_order" if text.contains("after MaxDelaySeconds caps") => {
            "FULL ジッターは、MaxDelaySeconds でバックオフに上限をかけた後に引くものとしました。"
        }
        "retry_delay_order" => {
            "FULL ジッターは、MaxDelaySeconds で上限をかける前に引くものとしました。"
        }
        "history_limit_error" => {
            "履歴が上限のイベント数を超える実行は失敗し、ExecutionFailed が上限内の最後のイベントになるものとしました(まだ動いていた分岐やイテレーションは、入る余地のない自分のイベントを書きません。エラー名はどの記録でも確定していません)。"
        }
        "item_reader_cause" => {
            "AWS の記録にない ItemReader ファイルの問題は、mapsim 独自の原因文で報告しました。"
        }
        "item_reader_byte_order_mark" => {
            "ItemReader ファイル先頭の UTF-8 BOM は読み飛ばすものとしました。"
        }
        "item_reader_blank_csv_line" => {
            "CSV の空行はアイテムにしない(空の値のアイテムにしない)ものとしました。"
        }
        "item_reader_blank_json_line" => "JSON Lines の空行は読み飛ばすものとしました。",
        "item_reader_quote_inside_field" => {
            "引用符で囲まれていない CSV フィールド中の \" は、そのまま文字として残すものとしました。"
        }
        "item_reader_text_after_closing_quote" => {
            "CSV の閉じ引用符の後に続く文字は、そのフィールドに残すものとしました。"
        }
        "item_reader_no_header_row" => {
            "FIRST_ROW の CSV が空のときは、失敗ではなくアイテムなしとしました。"
        }
        "redrive_state_entered" => {
            "失敗したマップランを持つ分散マップ以外のステートは、Redrive でその最初から、新しい …StateEntered イベントとともに、変数なしで再実行するものとしました。"
        }
        "redrive_draws" => {
            "Redrive で再実行する部分は、レイテンシと障害を新たに引き直すものとしました(redrives[i].seed、またはシナリオの seed と Redrive の番号から)。"
        }
        "redrive_tolerance" => {
            "Redrive の後の許容値は、その時点のマップランのアイテムで数えるものとしました(再実行で成功した子実行は失敗に数えません)。"
        }
        "redrive_history" => {
            "Redrive した分散マップは、親の履歴に ExecutionRedriven と MapRunRedriven を書き、ステートに入り直さずにマップランとマップステートの終了を書くものとしました。"
        }
        "effect_on_timeout" => {
            "Step Functions がタイムアウトさせたタスクの試行は、effect_on_timeout の確率で副作用を起こしたものとしました(指定がなければ 1:関数は待つのをやめた後も動き続けます)。"
        }
        "express_duplicate_starts" => {
            "1 回の開始で 2 回動いた Express の子実行は、副作用をすべて 2 回起こすものとしました(マップランが見る結果は 1 つです)。"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_assumption_the_engine_notes_has_a_japanese_meaning() {
        // The keys the engine records its assumptions under (crates/engine/src/sim*).
        let sources = [
            include_str!("../../crates/engine/src/sim/maprun.rs"),
            include_str!("../../crates/engine/src/sim/flow.rs"),
            include_str!("../../crates/engine/src/sim/containers.rs"),
            include_str!("../../crates/engine/src/sim.rs"),
            include_str!("../../crates/engine/src/sim/redrive.rs"),
            include_str!("../../crates/engine/src/sim/effects.rs"),
        ];
        let mut keys = Vec::new();
        for source in sources {
            for call in ["self.note_assumption(", "self.assumptions_used.entry("] {
                let mut rest = source;
                while let Some(at) = rest.find(call) {
                    rest = &rest[at + call.len()..];
                    // A literal key, not the helper's own `entry(key)`.
                    if let Some(literal) = rest.trim_start().strip_prefix('"') {
                        keys.push(literal.split('"').next().unwrap_or_default().to_string());
                    }
                }
            }
        }
        assert!(keys.len() >= 9, "found {keys:?}");
        assert!(
            keys.iter().any(|key| key == "inline_map_items"),
            "found {keys:?}"
        );
        // The reader's keys come from its own list, not from literals here.
        keys.extend(
            [
                "item_reader_byte_order_mark",
                "item_reader_blank_csv_line",
                "item_reader_blank_json_line",
                "item_reader_quote_inside_field",
                "item_reader_text_after_closing_quote",
                "item_reader_no_header_row",
            ]
            .map(String::from),
        );
        let reader = include_str!("../../crates/engine/src/reader.rs");
        for key in keys
            .iter()
            .filter(|k| k.starts_with("item_reader_") && *k != "item_reader_cause")
        {
            assert!(
                reader.contains(&format!("\"{key}\"")),
                "the reader has no key {key}"
            );
        }
        for key in keys {
            assert!(japanese(&key, "").is_some(), "no Japanese for {key}");
        }
    }
}
