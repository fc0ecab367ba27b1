//! Tests of the query language: trees and printing, errors and limits, and robustness.

mod errors;
mod fuzz;
mod parse;
mod support;
