//! Frameworks: the bodies of law an agreement's clauses implement, one closed set of names.

use crate::choices;

choices! {
    /// A body of law an agreement's clauses implement, in the order agreements and reports
    /// list them.
    pub enum Framework {
        /// The general terms every agreement holds (not a framework a vendor's document is meant to cover).
        General = "general",
        /// The California Consumer Privacy Act.
        Ccpa = "ccpa",
        /// GDPR Article 28.
        Gdpr = "gdpr",
        /// The EU Standard Contractual Clauses.
        Scc = "scc",
        /// The UK Addendum to the SCCs.
        Uk = "uk",
        /// The Swiss adaptations of the SCCs.
        Ch = "ch",
        /// The EU-US Data Privacy Framework terms.
        Dpf = "dpf",
        /// The other US state privacy laws.
        Usstate = "usstate",
    }
}

impl Framework {
    /// Every framework, `general` first.
    pub const ALL: [Framework; 8] = [
        Framework::General,
        Framework::Ccpa,
        Framework::Gdpr,
        Framework::Scc,
        Framework::Uk,
        Framework::Ch,
        Framework::Dpf,
        Framework::Usstate,
    ];

    /// The frameworks a document can be meant to cover: all but the general terms.
    pub const REGULATED: [Framework; 7] = [
        Framework::Ccpa,
        Framework::Gdpr,
        Framework::Scc,
        Framework::Uk,
        Framework::Ch,
        Framework::Dpf,
        Framework::Usstate,
    ];

    /// The names of `frameworks`, joined by `, `.
    pub fn join(frameworks: &[Framework]) -> String {
        frameworks
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Parses a regulated framework's name (any but `general`), for options and fields that
    /// name what a document is meant to cover.
    pub fn regulated(name: &str) -> Result<Framework, UnknownFramework> {
        match name.parse::<Framework>() {
            Ok(Framework::General) | Err(_) => {
                Err(UnknownFramework::new(name, &Framework::REGULATED))
            }
            Ok(f) => Ok(f),
        }
    }

    /// Whether the framework belongs to the European law of the data (GDPR and the transfer
    /// terms), as opposed to the US state laws.
    pub fn is_european(self) -> bool {
        matches!(
            self,
            Framework::Gdpr | Framework::Scc | Framework::Dpf | Framework::Uk | Framework::Ch
        )
    }

    /// Whether the framework is a US state law (the CCPA or the other states').
    pub fn is_us_state(self) -> bool {
        matches!(self, Framework::Ccpa | Framework::Usstate)
    }
}

/// A name that is no framework, with the known ones and the nearest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFramework {
    /// The name as written.
    pub name: String,
    /// The nearest known name, if one is close.
    pub nearest: Option<&'static str>,
    /// The names that would have been accepted.
    pub known: Vec<&'static str>,
}

impl UnknownFramework {
    fn new(name: &str, known: &[Framework]) -> UnknownFramework {
        let known: Vec<&'static str> = known.iter().map(|f| f.as_str()).collect();
        UnknownFramework {
            name: name.to_string(),
            nearest: crate::diag::suggest(name, &known),
            known,
        }
    }
}

impl std::fmt::Display for UnknownFramework {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown framework `{}`", self.name)?;
        if let Some(n) = self.nearest {
            write!(f, " (did you mean `{n}`?)")?;
        }
        write!(f, "; known: {}", self.known.join(", "))
    }
}

impl std::error::Error for UnknownFramework {}

impl std::str::FromStr for Framework {
    type Err = UnknownFramework;

    fn from_str(name: &str) -> Result<Framework, UnknownFramework> {
        Framework::ALL
            .into_iter()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| UnknownFramework::new(name, &Framework::ALL))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framework_names_round_trip() {
        for f in Framework::ALL {
            assert_eq!(f.as_str().parse::<Framework>(), Ok(f));
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.as_str()));
            assert_eq!(serde_json::from_str::<Framework>(&json).unwrap(), f);
        }
        let names: Vec<&str> = Framework::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(
            names,
            [
                "general", "ccpa", "gdpr", "scc", "uk", "ch", "dpf", "usstate"
            ]
        );
        assert_eq!(&Framework::ALL[1..], &Framework::REGULATED);
    }

    #[test]
    fn an_unknown_framework_names_the_nearest() {
        let e = "gdrp".parse::<Framework>().unwrap_err();
        assert_eq!(e.nearest, Some("gdpr"));
        assert_eq!(
            e.to_string(),
            "unknown framework `gdrp` (did you mean `gdpr`?); known: general, ccpa, gdpr, scc, uk, ch, dpf, usstate"
        );
        let e = Framework::regulated("general").unwrap_err();
        assert!(!e.known.contains(&"general"), "{e}");
    }
}
