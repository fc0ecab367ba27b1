//! Python 3's `json.dumps(value, sort_keys=True)`, reproduced byte for byte for the
//! sandbox's `schema_hash` (see [`schema`](super::schema)).

use serde_json::{Number, Value};

/// Python 3's `json.dumps(value, sort_keys=True)` with default separators and `ensure_ascii`.
pub fn python_json_dumps(value: &Value) -> String {
    let mut out = String::new();
    write_python(&mut out, value);
    out
}

fn write_python(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // UTF-8 byte order equals the code point order Python sorts `str` keys by.
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(out, key);
                out.push_str(": ");
                write_python(out, item);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(f) = n.as_f64() {
        // Without serde_json's `arbitrary_precision`, integers beyond u64 arrive here as floats.
        out.push_str(&python_float_repr(f));
    }
}

/// `ensure_ascii`: printable ASCII stays, everything else becomes `\uXXXX` (UTF-16 units, lowercase).
fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(ch),
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(char::from(HEX[usize::from((*unit >> shift) & 0xf)]));
                    }
                }
            }
        }
    }
    out.push('"');
}

/// Python's `float.__repr__`: shortest round-trip digits, exponent form below 1e-4 or from 1e16.
fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0.0");
    }
    // Rust's `{:e}` gives shortest round-trip digits too (`1.5e-7`), but breaks ties upwards.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let q = exponent.parse::<i32>().unwrap_or(0) - (digits.len() as i32 - 1);
    let full = half_even(f.abs(), digits.parse().unwrap_or(0), q).to_string();
    // The value is `full` × 10^q; the decimal point sits `decpt` digits in.
    let decpt = full.len() as i32 + q;
    let digits = full.trim_end_matches('0');
    let ndigits = digits.len() as i32;
    if decpt <= -4 || decpt > 16 {
        let exponent = decpt - 1;
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        return format!(
            "{sign}{first}{dot}{rest}e{exp_sign}{:02}",
            exponent.unsigned_abs()
        );
    }
    let body = if decpt <= 0 {
        format!("0.{}{digits}", "0".repeat(decpt.unsigned_abs() as usize))
    } else if decpt < ndigits {
        let (int, frac) = digits.split_at(decpt as usize);
        format!("{int}.{frac}")
    } else {
        format!("{digits}{}.0", "0".repeat((decpt - ndigits) as usize))
    };
    format!("{sign}{body}")
}

/// Python's dtoa breaks an exact tie between two shortest candidates towards the even one.
fn half_even(x: f64, d: u64, q: i32) -> u64 {
    let (mant, exp2) = odd_mantissa(x);
    // A midpoint (2·lo + 1) × 10^q / 2 equals mant × 2^exp2 only if exp2 = q - 1.
    let Some(p) = 5u128
        .checked_pow(q.unsigned_abs())
        .filter(|_| exp2 == q - 1)
    else {
        return d;
    };
    for lo in [d.saturating_sub(1), d] {
        let a = u128::from(lo) * 2 + 1;
        let tie = if q >= 0 {
            a.checked_mul(p) == Some(u128::from(mant))
        } else {
            u128::from(mant).checked_mul(p) == Some(a)
        };
        let even = if lo % 2 == 0 { lo } else { lo + 1 };
        if lo > 0 && tie && format!("{even}e{q}").parse::<f64>() == Ok(x) {
            return even;
        }
    }
    d
}

/// `x` (finite, non-zero) as `mant × 2^exp` with `mant` odd.
fn odd_mantissa(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | 1 << 52, biased - 1075)
    };
    let tz = m.trailing_zeros();
    (m >> tz, e + tz as i32)
}
