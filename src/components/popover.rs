//! Closing a popover that a button opened (help, share): whatever closes it — its close
//! button, Escape, a click on the backdrop — gives the focus back to the button.

use yew::prelude::*;

/// The callbacks that close a popover.
pub struct PopoverClose {
    /// Hides the popover and focuses the button again.
    pub close: Callback<()>,
    /// Escape closes.
    pub on_keydown: Callback<KeyboardEvent>,
    /// A click on the backdrop closes.
    pub on_backdrop: Callback<MouseEvent>,
}

/// The callbacks for a popover opened by `button`; `hide` hides it.
pub fn popover_close(button: &NodeRef, hide: impl Fn() + 'static) -> PopoverClose {
    let close = {
        let button = button.clone();
        Callback::from(move |()| {
            hide();
            if let Some(button) = button.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        })
    };
    let on_keydown = {
        let close = close.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                event.prevent_default();
                close.emit(());
            }
        })
    };
    let on_backdrop = {
        let close = close.clone();
        Callback::from(move |_: MouseEvent| close.emit(()))
    };
    PopoverClose {
        close,
        on_keydown,
        on_backdrop,
    }
}
