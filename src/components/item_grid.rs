//! The item grid: a canvas with one cell per child of a Map Run (an item, or a batch of items)
//! — up to a million — coloured by status, with a legend that names every status and counts it.
//!
//! It repaints incrementally: it reads the engine's item change log from its own cursor and
//! redraws only the cells that changed; a full repaint happens only on a new run, a rewind or a
//! resize. Small cells live in a bitmap of one pixel per child, scaled onto the canvas; cells
//! large enough to be told apart are drawn one by one, with a gap and, when there is room, the
//! status glyph, so no status is told by colour alone. Clicking a cell (or moving with the arrow
//! keys and pressing Enter) selects that child.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement};
use yew::prelude::*;

use crate::i18n::{count, Lang};
use crate::run_status::CellStatus;
use crate::sim_frame::SimFrame;

/// The largest cell, in CSS pixels (a run of a few items should not fill the screen).
const MAX_CELL_CSS: f64 = 26.0;
/// From this size (device pixels) cells are drawn one by one, with a gap.
const CELL_MODE_PX: f64 = 6.0;
/// From this size (CSS pixels) cells carry their status glyph.
const GLYPH_CSS: f64 = 15.0;

#[derive(Properties, PartialEq)]
pub struct ItemGridProps {
    /// The page's language (English when not given, e.g. in a component test).
    #[prop_or_default]
    pub lang: Lang,
    pub frame: SimFrame,
    /// The Map Run shown.
    pub run: Option<usize>,
    /// The selected child of that run.
    pub selected: Option<u32>,
    pub on_select: Callback<u32>,
}

/// Where the cells go on the canvas, in device pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Layout {
    pub n: usize,
    pub cols: u32,
    pub rows: u32,
    /// The side of a cell (below 1 when there are more children than pixels).
    pub cell: f64,
}

impl Layout {
    /// The largest square cells (at most `max_cell`) that fit `n` children in `width` ×
    /// `height` device pixels, row by row.
    pub fn fit(n: usize, width: f64, height: f64, max_cell: f64) -> Layout {
        if n == 0 || width < 1.0 || height < 1.0 {
            return Layout::default();
        }
        let by_area = (width * height / n as f64).sqrt();
        let mut side = by_area.min(max_cell).floor();
        while side >= 1.0 {
            let cols = (width / side).floor().max(1.0);
            let rows = (n as f64 / cols).ceil();
            if rows * side <= height {
                return Layout {
                    n,
                    cols: cols as u32,
                    rows: rows as u32,
                    cell: side,
                };
            }
            side -= 1.0;
        }
        // More children than pixels: each pixel stands for a little group of cells.
        let cols = (n as f64 * width / height).sqrt().ceil().max(1.0);
        let rows = (n as f64 / cols).ceil().max(1.0);
        Layout {
            n,
            cols: cols as u32,
            rows: rows as u32,
            cell: (width / cols).min(height / rows),
        }
    }

    pub fn cell_mode(&self) -> bool {
        self.cell >= CELL_MODE_PX
    }

    /// The child under a point (device pixels), if any.
    pub fn hit(&self, x: f64, y: f64) -> Option<u32> {
        if self.cell <= 0.0 || x < 0.0 || y < 0.0 {
            return None;
        }
        let col = (x / self.cell).floor() as u64;
        let row = (y / self.cell).floor() as u64;
        if col >= u64::from(self.cols) || row >= u64::from(self.rows) {
            return None;
        }
        let index = row * u64::from(self.cols) + col;
        (index < self.n as u64).then_some(index as u32)
    }

    /// The top-left corner of a child's cell (device pixels).
    pub fn origin(&self, child: u32) -> (f64, f64) {
        let cols = self.cols.max(1);
        (
            f64::from(child % cols) * self.cell,
            f64::from(child / cols) * self.cell,
        )
    }

    fn gap(&self) -> f64 {
        if self.cell >= 16.0 {
            2.0
        } else if self.cell >= CELL_MODE_PX {
            1.0
        } else {
            0.0
        }
    }
}

/// The grid's memory between frames: the status of every cell, what changed since the last
/// paint, and the bitmap behind small cells.
#[derive(Default)]
struct Grid {
    generation: u64,
    run: Option<usize>,
    cursor: usize,
    cells: Vec<u8>,
    counts: [u64; 8],
    batched: bool,
    /// Cells changed since the last paint.
    pending: Vec<u32>,
    full_repaint: bool,
    layout: Layout,
    /// Canvas size in device pixels when last painted.
    painted_size: (u32, u32),
    bitmap: Vec<u8>,
}

impl Grid {
    /// Takes in the changes since the last look (during render, so the legend is current).
    fn sync(&mut self, frame: &SimFrame, run: Option<usize>) {
        let Some(sim) = frame.read() else {
            return;
        };
        let n = run
            .and_then(|r| sim.map_runs().get(r))
            .map_or(0, |r| r.children.len());
        if self.generation != frame.generation || self.run != run || self.cells.len() != n {
            self.generation = frame.generation;
            self.run = run;
            self.cursor = 0;
            self.cells = vec![CellStatus::Pending as u8; n];
            self.counts = [0; 8];
            self.counts[CellStatus::Pending.index()] = n as u64;
            self.pending.clear();
            self.full_repaint = true;
            self.batched = run
                .and_then(|r| sim.map_runs().get(r))
                .is_some_and(|r| r.setup.batches.is_some());
        }
        let (changes, next) = sim.item_changes(self.cursor);
        self.cursor = next;
        let Some(run) = run else {
            return;
        };
        for change in changes {
            if change.run as usize != run {
                continue;
            }
            let Some(cell) = self.cells.get_mut(change.child as usize) else {
                continue;
            };
            let status = CellStatus::of_change(change);
            let before = CellStatus::from_u8(*cell);
            if before == status {
                continue;
            }
            *cell = status as u8;
            self.counts[before.index()] = self.counts[before.index()].saturating_sub(1);
            self.counts[status.index()] += 1;
            if !self.full_repaint {
                self.pending.push(change.child);
            }
        }
        if self.pending.len() > self.cells.len() / 2 {
            self.pending.clear();
            self.full_repaint = true;
        }
    }

    fn status(&self, child: u32) -> CellStatus {
        self.cells
            .get(child as usize)
            .map_or(CellStatus::Pending, |&s| CellStatus::from_u8(s))
    }

    /// Paints what changed onto the canvas (everything when needed). The layout follows the
    /// stage (the canvas's container), whose size CSS decides.
    fn paint(&mut self, stage: &HtmlElement, canvas: &HtmlCanvasElement) {
        let dpr = device_pixel_ratio();
        let stage_width = (f64::from(stage.client_width()) * dpr).round().max(0.0);
        let stage_height = (f64::from(stage.client_height()) * dpr).round().max(0.0);
        let layout = Layout::fit(
            self.cells.len(),
            stage_width,
            stage_height,
            MAX_CELL_CSS * dpr,
        );
        let size = (stage_width as u32, stage_height as u32);
        if layout != self.layout || self.painted_size != size {
            self.layout = layout;
            self.painted_size = size;
            self.full_repaint = true;
        }
        // Small cells: the canvas holds one pixel per cell and CSS scales it (the compositor
        // does the scaling, so a frame only uploads the rows that changed). Large cells: the
        // canvas has the stage's resolution and each cell is drawn.
        let drawn_cells = layout.cell_mode() || layout.n == 0;
        let (width, height, css_width, css_height) = if drawn_cells {
            (size.0, size.1, stage_width / dpr, stage_height / dpr)
        } else {
            (
                layout.cols,
                layout.rows,
                f64::from(layout.cols) * layout.cell / dpr,
                f64::from(layout.rows) * layout.cell / dpr,
            )
        };
        if canvas.width() != width || canvas.height() != height {
            canvas.set_width(width);
            canvas.set_height(height);
            self.full_repaint = true;
        }
        let style = canvas.style();
        let _ = style.set_property("width", &format!("{css_width:.3}px"));
        let _ = style.set_property("height", &format!("{css_height:.3}px"));
        // Whole-pixel cells stay crisp; smaller ones blend into the share of each status.
        let _ = style.set_property(
            "image-rendering",
            if layout.cell >= 1.0 {
                "pixelated"
            } else {
                "auto"
            },
        );
        let Some(context) = context_2d(canvas) else {
            return;
        };
        if drawn_cells {
            self.bitmap = Vec::new();
            self.paint_cells(&context, f64::from(width), f64::from(height), dpr);
        } else {
            self.paint_bitmap(&context);
        }
        self.pending.clear();
        self.full_repaint = false;
    }

    fn paint_cells(
        &mut self,
        context: &CanvasRenderingContext2d,
        width: f64,
        height: f64,
        dpr: f64,
    ) {
        let layout = self.layout;
        let inset = layout.gap();
        let side = (layout.cell - inset).max(1.0);
        let glyphs = layout.cell >= GLYPH_CSS * dpr;
        if glyphs {
            context.set_font(&format!(
                "{}px system-ui, sans-serif",
                (layout.cell * 0.62).round()
            ));
            context.set_text_align("center");
            context.set_text_baseline("middle");
        }
        let draw = |child: u32, status: CellStatus| {
            let (x, y) = layout.origin(child);
            context.set_fill_style_str(&status.css());
            context.fill_rect(x, y, side, side);
            if glyphs {
                context.set_fill_style_str(status.ink());
                let _ = context.fill_text(status.glyph(), x + side / 2.0, y + side / 2.0 + 0.5);
            }
        };
        if self.full_repaint {
            context.clear_rect(0.0, 0.0, width, height);
            for (child, &status) in self.cells.iter().enumerate() {
                draw(child as u32, CellStatus::from_u8(status));
            }
        } else {
            for &child in &self.pending {
                let (x, y) = layout.origin(child);
                context.clear_rect(x, y, layout.cell, layout.cell);
                draw(child, self.status(child));
            }
        }
    }

    /// One pixel per cell: only the band of rows that changed crosses into JavaScript.
    fn paint_bitmap(&mut self, context: &CanvasRenderingContext2d) {
        let layout = self.layout;
        let cols = layout.cols as usize;
        let rows = layout.rows as usize;
        if cols == 0 || rows == 0 {
            return;
        }
        if self.bitmap.len() != cols * rows * 4 {
            self.full_repaint = true;
        }
        let (first_row, end_row) = if self.full_repaint {
            self.bitmap = vec![0; cols * rows * 4];
            for (child, &status) in self.cells.iter().enumerate() {
                put_pixel(&mut self.bitmap, child, CellStatus::from_u8(status));
            }
            (0, rows)
        } else {
            let mut first = usize::MAX;
            let mut last = 0;
            for &child in &self.pending {
                let child = child as usize;
                let status = self.status(child as u32);
                put_pixel(&mut self.bitmap, child, status);
                first = first.min(child / cols);
                last = last.max(child / cols);
            }
            if first == usize::MAX {
                (0, 0)
            } else {
                (first, last + 1)
            }
        };
        if end_row <= first_row {
            return;
        }
        let band = self
            .bitmap
            .get(first_row * cols * 4..end_row * cols * 4)
            .unwrap_or(&[]);
        if let Ok(image) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(band),
            layout.cols,
            (end_row - first_row) as u32,
        ) {
            let _ = context.put_image_data(&image, 0.0, first_row as f64);
        }
    }
}

fn put_pixel(bitmap: &mut [u8], child: usize, status: CellStatus) {
    let [r, g, b] = status.rgb();
    if let Some(pixel) = bitmap.get_mut(child * 4..child * 4 + 4) {
        pixel.copy_from_slice(&[r, g, b, 255]);
    }
}

fn device_pixel_ratio() -> f64 {
    web_sys::window()
        .map(|window| window.device_pixel_ratio())
        .filter(|ratio| ratio.is_finite() && *ratio > 0.0)
        .unwrap_or(1.0)
}

fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|context| context.dyn_into::<CanvasRenderingContext2d>().ok())
}

#[component]
pub fn ItemGrid(props: &ItemGridProps) -> Html {
    let lang = props.lang;
    let canvas_ref = use_node_ref();
    let stage_ref = use_node_ref();
    let grid = use_mut_ref(Grid::default);
    let hovered = use_state(|| None::<u32>);
    let focused = use_state(|| None::<u32>);
    let resized = use_state(|| 0_u32);

    grid.borrow_mut().sync(&props.frame, props.run);

    // Repaint after every render that may have changed something.
    {
        let grid = grid.clone();
        let canvas_ref = canvas_ref.clone();
        let stage_ref = stage_ref.clone();
        use_effect_with((props.frame.clone(), props.run, *resized), move |_| {
            if let (Some(stage), Some(canvas)) = (
                stage_ref.cast::<HtmlElement>(),
                canvas_ref.cast::<HtmlCanvasElement>(),
            ) {
                grid.borrow_mut().paint(&stage, &canvas);
            }
        });
    }
    use_resize_observer(stage_ref.clone(), resized.clone());

    let to_child = {
        let grid = grid.clone();
        move |event: &MouseEvent| -> Option<u32> {
            let dpr = device_pixel_ratio();
            grid.borrow().layout.hit(
                f64::from(event.offset_x()) * dpr,
                f64::from(event.offset_y()) * dpr,
            )
        }
    };
    let on_click = {
        let to_child = to_child.clone();
        let on_select = props.on_select.clone();
        let focused = focused.clone();
        Callback::from(move |event: MouseEvent| {
            if let Some(child) = to_child(&event) {
                focused.set(Some(child));
                on_select.emit(child);
            }
        })
    };
    let on_move = {
        let hovered = hovered.clone();
        Callback::from(move |event: MouseEvent| {
            let child = to_child(&event);
            if *hovered != child {
                hovered.set(child);
            }
        })
    };
    let on_leave = {
        let hovered = hovered.clone();
        Callback::from(move |_: MouseEvent| hovered.set(None))
    };
    let on_key = {
        let grid = grid.clone();
        let focused = focused.clone();
        let on_select = props.on_select.clone();
        let selected = props.selected;
        Callback::from(move |event: KeyboardEvent| {
            let layout = grid.borrow().layout;
            if layout.n == 0 {
                return;
            }
            let last = layout.n as i64 - 1;
            let cols = i64::from(layout.cols.max(1));
            let page = cols * 10;
            let current = focused.or(selected).map_or(-1, i64::from);
            let next = match event.key().as_str() {
                "ArrowRight" => current + 1,
                "ArrowLeft" => current - 1,
                "ArrowDown" => current + cols,
                "ArrowUp" => current - cols,
                "PageDown" => current + page,
                "PageUp" => current - page,
                "Home" => 0,
                "End" => last,
                "Enter" | " " => {
                    event.prevent_default();
                    if let Some(child) = *focused {
                        on_select.emit(child);
                    }
                    return;
                }
                _ => return,
            };
            event.prevent_default();
            focused.set(Some(next.clamp(0, last) as u32));
        })
    };
    let on_blur = {
        let focused = focused.clone();
        Callback::from(move |_: FocusEvent| focused.set(None))
    };

    let grid_state = grid.borrow();
    let layout = grid_state.layout;
    let batched = grid_state.batched;
    let n = grid_state.cells.len();
    let dpr = device_pixel_ratio();
    let marker = |child: Option<u32>, class: &'static str| -> Html {
        let Some(child) = child.filter(|&c| (c as usize) < n && layout.cell > 0.0) else {
            return html! {};
        };
        let (x, y) = layout.origin(child);
        let side = (layout.cell / dpr).max(6.0);
        let shift = (side - layout.cell / dpr) / 2.0;
        html! {
            <div
                class={classes!("grid-marker", class)}
                style={format!(
                    "left: {:.2}px; top: {:.2}px; width: {side:.2}px; height: {side:.2}px",
                    x / dpr - shift,
                    y / dpr - shift
                )}
                aria-hidden="true"
            />
        }
    };
    let readout_child = (*hovered).or(*focused);
    let readout = match readout_child {
        Some(child) => describe_child(lang, props, batched, child, grid_state.status(child)),
        None => lang
            .t(
                "Point at a cell to see its item; click it (or use the arrow keys and Enter) to open its timeline.",
                "セルを指すとアイテムを表示、クリック(または矢印キーと Enter)でタイムラインを開きます。",
            )
            .to_string(),
    };
    let unit = if batched {
        lang.t("batches", "バッチ")
    } else {
        lang.t("items", "アイテム")
    };
    let legend = CellStatus::ALL.iter().map(|status| {
        let value = grid_state.counts[status.index()];
        html! {
            <li
                class={classes!("legend-entry", (value == 0).then_some("legend-zero"))}
                data-status={status.key()}
            >
                <span class="legend-swatch" style={format!("background: {}; color: {}", status.css(), status.ink())} aria-hidden="true">
                    { status.glyph() }
                </span>
                <span class="legend-label">{ status.label(lang) }</span>
                <span class="legend-count">{ count(value) }</span>
            </li>
        }
    });
    let summary = match lang {
        Lang::En => format!("{} {unit}, one cell each", count(n as u64)),
        Lang::Ja => format!("{}{unit}(1 セル = 1 {unit})", count(n as u64)),
    };
    let label = match lang {
        Lang::En => format!("Item grid: {summary}. Arrow keys move, Enter opens the timeline."),
        Lang::Ja => format!("アイテムグリッド: {summary}。矢印キーで移動、Enter でタイムライン。"),
    };

    html! {
        <section class="panel item-grid-panel" aria-labelledby="item-grid-heading">
            <header class="panel-header">
                <h2 id="item-grid-heading" class="panel-title">{ lang.t("Items", "アイテム") }</h2>
                <span class="item-grid-summary">{ summary }</span>
            </header>
            <div class="item-grid-stage" ref={stage_ref}>
                <canvas
                    ref={canvas_ref}
                    class="item-grid-canvas"
                    data-testid="item-grid"
                    data-cells={n.to_string()}
                    tabindex="0"
                    role="img"
                    aria-label={label}
                    onclick={on_click}
                    onmousemove={on_move}
                    onmouseleave={on_leave}
                    onkeydown={on_key}
                    onblur={on_blur}
                />
                { marker(props.selected, "grid-marker-selected") }
                { marker(*hovered, "grid-marker-hovered") }
                { marker(*focused, "grid-marker-focused") }
            </div>
            <p class="item-grid-readout" data-testid="item-grid-readout" aria-live="polite">{ readout }</p>
            <ul class="item-grid-legend" data-testid="item-grid-legend">{ for legend }</ul>
        </section>
    }
}

fn describe_child(
    lang: Lang,
    props: &ItemGridProps,
    batched: bool,
    child: u32,
    status: CellStatus,
) -> String {
    let status = format!("{} {}", status.glyph(), status.label(lang));
    if !batched {
        return match lang {
            Lang::En => format!("Item {} · {status}", count(u64::from(child))),
            Lang::Ja => format!("アイテム {} · {status}", count(u64::from(child))),
        };
    }
    let items = props.run.and_then(|run| {
        props
            .frame
            .read()
            .and_then(|sim| sim.map_runs().get(run).map(|r| r.child_items(child)))
    });
    let (start, end) = items.unwrap_or((0, 0));
    let last = end.saturating_sub(1);
    match lang {
        Lang::En => format!(
            "Batch {} · items {}–{} · {status}",
            count(u64::from(child)),
            count(u64::from(start)),
            count(u64::from(last))
        ),
        Lang::Ja => format!(
            "バッチ {} · アイテム {}–{} · {status}",
            count(u64::from(child)),
            count(u64::from(start)),
            count(u64::from(last))
        ),
    }
}

/// Bumps `counter` whenever the element changes size, so the canvas is repainted to fit.
#[hook]
fn use_resize_observer(node: NodeRef, counter: UseStateHandle<u32>) {
    use_effect_with(node, move |node| {
        let observer = resize_observer(node, counter);
        move || {
            if let Some((observer, _callback)) = observer {
                observer.disconnect();
            }
        }
    });
}

type ResizeCallback = wasm_bindgen::closure::Closure<dyn FnMut(js_sys::Array)>;

fn resize_observer(
    node: &NodeRef,
    counter: UseStateHandle<u32>,
) -> Option<(web_sys::ResizeObserver, ResizeCallback)> {
    let element = node.cast::<web_sys::Element>()?;
    let state = Rc::new(RefCell::new(0_u32));
    let callback = ResizeCallback::new(move |_entries: js_sys::Array| {
        let mut seen = state.borrow_mut();
        *seen = seen.wrapping_add(1);
        counter.set(*seen);
    });
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(&element);
    Some((observer, callback))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_as_large_as_fit_and_capped() {
        // (n, width, height, max cell) -> (cols, rows, cell)
        let cases = [
            (20, 800.0, 300.0, 26.0, (30, 1, 26.0)),
            (10_000, 800.0, 300.0, 26.0, (200, 50, 4.0)),
            (100_000, 1200.0, 500.0, 26.0, (600, 167, 2.0)),
            (0, 800.0, 300.0, 26.0, (0, 0, 0.0)),
        ];
        for (n, width, height, max_cell, (cols, rows, cell)) in cases {
            let layout = Layout::fit(n, width, height, max_cell);
            assert_eq!(
                (layout.cols, layout.rows, layout.cell),
                (cols, rows, cell),
                "{n}"
            );
            if n > 0 {
                assert!(f64::from(layout.rows) * layout.cell <= height);
                assert!(f64::from(layout.cols) * layout.cell <= width);
                assert!(layout.cols as usize * layout.rows as usize >= n);
            }
        }
    }

    #[test]
    fn a_million_children_share_pixels_and_still_fit() {
        let layout = Layout::fit(1_000_000, 1100.0, 520.0, 26.0);
        assert!(layout.cell < 1.0);
        assert!(layout.cols as usize * layout.rows as usize >= 1_000_000);
        assert!(f64::from(layout.cols) * layout.cell <= 1100.0 + 1e-6);
        assert!(f64::from(layout.rows) * layout.cell <= 520.0 + 1e-6);
        assert!(!layout.cell_mode());
    }

    #[test]
    fn hits_map_points_to_children_and_back() {
        let layout = Layout::fit(95, 200.0, 100.0, 20.0);
        assert!(layout.cell_mode());
        for child in [0, 1, 9, 10, 94] {
            let (x, y) = layout.origin(child);
            assert_eq!(
                layout.hit(x + layout.cell / 2.0, y + layout.cell / 2.0),
                Some(child)
            );
        }
        // Past the last child, outside the grid, negative.
        let (x, y) = layout.origin(94);
        assert_eq!(layout.hit(x + layout.cell * 1.5, y + 1.0), None);
        assert_eq!(layout.hit(1e6, 1.0), None);
        assert_eq!(layout.hit(-1.0, 1.0), None);
    }
}
