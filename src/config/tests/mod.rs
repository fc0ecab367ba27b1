//! Tests of the configuration: the file layer, the key table, layering, the `[roles]`
//! section, and secrets with `config show`.

mod file;
mod keys;
mod layers;
mod roles;
mod show;
