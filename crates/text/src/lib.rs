//! `dpa-text`: documents from anywhere read as clauses, and two versions compared clause by clause.
//!
//! [`documents`] is the one way in for untrusted files (Markdown, HTML, DOCX, PDF, plain text): it
//! sniffs the format by content and parses in a sandboxed worker with memory, CPU and time limits.
//! [`diff`] segments texts into clauses, matches them and reports word-level changes. Nothing here
//! renders, touches git or knows the agreement model; the `dpa` library builds on it.

pub mod diff;
pub mod documents;
pub mod escape;
pub mod numerals;

/// Defines a constructor that runs `$entry` (a worker's entry, which returns when the process
/// is not a worker) before `main` in every binary that links the code, on Linux, Android, Apple
/// platforms and Windows, and `keep_worker_hook()`, which the code that starts the worker calls
/// so that the linker keeps the constructor. Each worker of dpa (the document reader, the
/// workbook reader, the bulk renderer) is started this way, so no front end dispatches one.
#[macro_export]
macro_rules! worker_constructor {
    ($entry:path) => {
        #[cfg(any(
            target_os = "linux",
            target_os = "android",
            target_vendor = "apple",
            windows
        ))]
        extern "C" fn worker_hook() {
            $entry();
        }

        /// Runs the worker entry before `main` in every binary that links this code.
        #[cfg(any(
            target_os = "linux",
            target_os = "android",
            target_vendor = "apple",
            windows
        ))]
        #[used]
        #[cfg_attr(
            any(target_os = "linux", target_os = "android"),
            unsafe(link_section = ".init_array")
        )]
        #[cfg_attr(
            target_vendor = "apple",
            unsafe(link_section = "__DATA,__mod_init_func")
        )]
        #[cfg_attr(windows, unsafe(link_section = ".CRT$XCU"))]
        static WORKER_HOOK: extern "C" fn() = worker_hook;

        /// Keeps the constructor's object linked into every binary that reaches the caller.
        fn keep_worker_hook() {
            #[cfg(any(
                target_os = "linux",
                target_os = "android",
                target_vendor = "apple",
                windows
            ))]
            let _ = std::hint::black_box(&WORKER_HOOK);
        }
    };
}
