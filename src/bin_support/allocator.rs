//! The process allocator: mimalloc, tuned to give memory back.
//!
//! A request allocates and frees hundreds of small JSON nodes; with glibc's malloc that was
//! about a sixth of the server's CPU under load (docs/PERFORMANCE.md). mimalloc's defaults keep
//! freed memory committed for reuse, which on a 2-core machine raised RSS at concurrency 64 from
//! 29 MB to about 40 MB, so [`tune`] switches arenas to commit on demand and purges freed memory
//! at once. An operator's own `MIMALLOC_*` variable wins over these defaults.

/// mimalloc option ids (`mi_option_t` in mimalloc 3 as vendored by libmimalloc-sys 0.1.49,
/// pinned exactly in Cargo.toml): the crate leaves them unnamed on purpose.
#[cfg(test)]
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Applies the run-time memory option. Call first thing in `main`, before threads start
/// (mimalloc's option setters are not thread safe).
pub fn tune() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: an integer option set while this is the only thread; the id matches the
        // pinned mimalloc version (checked by the test below).
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    }
}

/// The current value of an option, for the test below.
#[cfg(test)]
fn option(option: libmimalloc_sys::mi_option_t) -> std::os::raw::c_long {
    // SAFETY: reads an integer option.
    unsafe { libmimalloc_sys::mi_option_get(option) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guards the raw option ids and the compile-time setting: a mimalloc upgrade that
    /// renumbered the options would read other values here (its default purge delay is 1 s).
    #[test]
    fn option_ids_name_the_documented_options() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(option(PURGE_DELAY), 1000);
        }
        if std::env::var_os("MIMALLOC_ARENA_EAGER_COMMIT").is_none()
            && std::env::var_os("CFLAGS")
                .is_none_or(|flags| flags == "-DMI_DEFAULT_ARENA_EAGER_COMMIT=0")
        {
            assert_eq!(
                option(ARENA_EAGER_COMMIT),
                0,
                "built without .cargo/config.toml?"
            );
        }
    }
}
