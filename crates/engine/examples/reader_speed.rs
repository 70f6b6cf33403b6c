//! How fast `engine::reader` reads a large CSV ItemReader file: builds one in memory (about
//! `--mb` MB, 100 by default, with quoted fields and escapes among plain ones), reads it `--repeat`
//! times and prints MB/s and items per second for each reading. Beside each reading it builds the
//! same number of items (objects of as many strings) without reading anything: what the
//! `serde_json` values alone cost, the floor under any reader that returns them.
//!
//! ```text
//! cargo run --release -p engine --example reader_speed -- [--mb 100] [--repeat 3]
//! ```
//!
//! A benchmark, not a test: it measures and prints, it asserts nothing.
// Measuring needs the wall clock, which the engine itself never reads.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::fmt::Write as _;
use std::time::Instant;

use engine::reader::{read_items, read_rows, InputType, ItemRows, ReadRows, ReaderConfig};
use serde_json::{Map, Value};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| -> Option<usize> {
        let i = args.iter().position(|a| a == name)?;
        args.get(i + 1)?.parse().ok()
    };
    let megabytes = flag("--mb").unwrap_or(100).max(1);
    let repeat = flag("--repeat").unwrap_or(3).max(1);

    let file = csv_file(megabytes * 1_000_000);
    let mb = file.len() as f64 / 1e6;
    println!(
        "file: {mb:.1} MB of CSV, {} lines",
        file.bytes().filter(|b| *b == b'\n').count()
    );

    let config = ReaderConfig::new(InputType::Csv);
    for round in 1..=repeat {
        let start = Instant::now();
        let read = read_items(file.as_bytes(), &config);
        let read_s = start.elapsed().as_secs_f64();
        let n_items = read.as_ref().map_or(0, |r| r.items.len());
        let start = Instant::now();
        drop(read);
        let drop_s = start.elapsed().as_secs_f64();
        println!(
            "read {round}: {read_s:.3} s ({:.0} MB/s, {:.2} M items/s, {n_items} items); dropping the items {drop_s:.3} s",
            mb / read_s,
            n_items as f64 / read_s / 1e6,
        );
        let start = Instant::now();
        let built = build_items(n_items, HEADERS.len());
        let build_s = start.elapsed().as_secs_f64();
        drop(built);
        println!("  the same items built without reading: {build_s:.3} s");
        // What a Map Run's ItemReader does: every row found and checked, each item made only
        // when its child starts.
        let start = Instant::now();
        let rows = read_rows(file.as_bytes(), &config);
        let rows_s = start.elapsed().as_secs_f64();
        let n_rows = rows.as_ref().map_or(0, |r| r.rows.len());
        println!(
            "  as the Map Run reads it (rows checked, items made when asked): {rows_s:.3} s ({:.0} MB/s, {n_rows} rows)",
            mb / rows_s
        );
        if let Ok(ReadRows {
            rows: ItemRows::Csv(rows),
            ..
        }) = &rows
        {
            let start = Instant::now();
            let mut bytes = 0usize;
            for i in 0..rows.len() {
                if let Some(item) = rows.item(i) {
                    bytes += engine::data::json_size(&item);
                }
            }
            println!(
                "  then making every item from its row, one at a time: {:.3} s ({:.0} MB of items)",
                start.elapsed().as_secs_f64(),
                bytes as f64 / 1e6
            );
        }
    }
}

const HEADERS: [&str; 6] = ["id", "name", "email", "amount", "city", "note"];

/// `n` objects of `fields` short strings keyed by cloned header names, as the reader makes them.
fn build_items(n: usize, fields: usize) -> Vec<Value> {
    let headers: Vec<String> = HEADERS.iter().take(fields).map(|h| h.to_string()).collect();
    (0..n)
        .map(|i| {
            let mut item = Map::with_capacity(headers.len());
            for header in &headers {
                item.insert(header.clone(), Value::String(format!("value {i}")));
            }
            Value::Object(item)
        })
        .collect()
}

/// A CSV file of about `bytes` bytes: a header row and rows of an id, a name, an email, an amount,
/// a city, and a note that is quoted (with a comma, a doubled quote or a newline) every few rows.
fn csv_file(bytes: usize) -> String {
    const CITIES: [&str; 6] = ["Lisbon", "Oslo", "Kraków", "Québec", "Osaka", "Lima"];
    let mut file = String::with_capacity(bytes + 256);
    file.push_str(&HEADERS.join(","));
    file.push('\n');
    let mut row = 0u64;
    while file.len() < bytes {
        row += 1;
        let city = CITIES[(row % 6) as usize];
        let cents = row.wrapping_mul(7919) % 100_000;
        let _ = write!(
            file,
            "{row},Customer {row},customer{row}@example.com,{}.{:02},{city},",
            cents / 100,
            cents % 100
        );
        let _ = match row % 4 {
            0 => writeln!(file, "\"late, by {} days\"", row % 30),
            1 => writeln!(file, "\"said \"\"ok\"\"\""),
            2 => writeln!(file, "\"two\nlines\""),
            _ => writeln!(file, "plain C:\\\\path"),
        };
    }
    file
}
