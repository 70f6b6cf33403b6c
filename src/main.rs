//! Entry point of the web app binary (`mapsim-web`): mounts the root component into the page.
//!
//! The app only runs in a browser; natively this binary exists so that `cargo clippy
//! --workspace --all-targets` can check the whole package, and it says where to look instead.

fn main() {
    #[cfg(target_arch = "wasm32")]
    mapsim::web::start();

    #[cfg(not(target_arch = "wasm32"))]
    eprintln!(
        "mapsim-web is the browser app: serve it with scripts/serve.sh (trunk). \
         The command-line tool is `mapsim` (crates/cli)."
    );
}
