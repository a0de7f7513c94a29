//! Numerals shared by every stage that prints or reads list labels: roman numerals and letters.

/// `n` in roman numerals (1..=3999; larger numbers are written in decimal).
pub fn roman(n: u32, upper: bool) -> String {
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (value, s) in TABLE {
        while n >= value {
            out.push_str(s);
            n -= value;
        }
    }
    if upper { out.to_uppercase() } else { out }
}

/// `n` as letters: 1 -> a, 26 -> z, 27 -> aa (Word repeats the letter: 27 -> aa, 28 -> bb).
pub fn letters(n: u32, upper: bool) -> String {
    let n = n.max(1);
    let base = if upper { b'A' } else { b'a' };
    let c = (base + ((n - 1) % 26) as u8) as char;
    std::iter::repeat_n(c, ((n - 1) / 26 + 1) as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        assert_eq!(roman(4, false), "iv");
        assert_eq!(roman(1994, true), "MCMXCIV");
        assert_eq!(roman(0, false), "0");
        assert_eq!(roman(4000, false), "4000");
    }

    #[test]
    fn word_letter_labels() {
        assert_eq!(letters(1, false), "a");
        assert_eq!(letters(26, true), "Z");
        assert_eq!(letters(28, false), "bb");
    }
}
