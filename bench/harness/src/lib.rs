//! Code the harness's HTTP load binaries share (`src/bin/`).

pub mod http;
