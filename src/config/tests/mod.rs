//! Tests of the configuration: the file layer, the key table, layering, the `[roles]`
//! section, `[mapping.custom]`, and secrets with `config show`.

mod custom;
mod file;
mod keys;
mod layers;
mod notify;
mod roles;
mod show;
