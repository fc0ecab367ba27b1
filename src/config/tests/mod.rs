//! Tests of the configuration: the file layer, the key table, layering, and secrets with
//! `config show`.

mod file;
mod keys;
mod layers;
mod show;
