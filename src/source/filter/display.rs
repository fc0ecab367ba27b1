//! Printing a filter in canonical RFC 4515 form.

use super::{Filter, escape_value};
use std::fmt;

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::And(members) => {
                f.write_str("(&")?;
                for member in members {
                    write!(f, "{member}")?;
                }
                f.write_str(")")
            }
            Filter::Or(members) => {
                f.write_str("(|")?;
                for member in members {
                    write!(f, "{member}")?;
                }
                f.write_str(")")
            }
            Filter::Not(inner) => write!(f, "(!{inner})"),
            Filter::Equal { attr, value } => write!(f, "({attr}={})", escape_value(value)),
            Filter::Approx { attr, value } => write!(f, "({attr}~={})", escape_value(value)),
            Filter::GreaterOrEqual { attr, value } => {
                write!(f, "({attr}>={})", escape_value(value))
            }
            Filter::LessOrEqual { attr, value } => write!(f, "({attr}<={})", escape_value(value)),
            Filter::Present { attr } => write!(f, "({attr}=*)"),
            Filter::Substring {
                attr,
                initial,
                any,
                final_,
            } => {
                write!(f, "({attr}=")?;
                if let Some(initial) = initial {
                    f.write_str(&escape_value(initial))?;
                }
                f.write_str("*")?;
                for piece in any {
                    write!(f, "{}*", escape_value(piece))?;
                }
                if let Some(final_) = final_ {
                    f.write_str(&escape_value(final_))?;
                }
                f.write_str(")")
            }
            Filter::Extensible {
                attr,
                rule,
                dn_attrs,
                value,
            } => {
                f.write_str("(")?;
                if let Some(attr) = attr {
                    f.write_str(attr)?;
                }
                if *dn_attrs {
                    f.write_str(":dn")?;
                }
                if let Some(rule) = rule {
                    write!(f, ":{rule}")?;
                }
                write!(f, ":={})", escape_value(value))
            }
        }
    }
}
