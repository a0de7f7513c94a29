//! The Annex II categories of technical and organisational measures (`tom.01`..`tom.17`).

/// One category of security measure: its record key, its stable id and its Annex II heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TomCategory {
    /// Key under `[security]` in a vendor record.
    pub key: &'static str,
    /// Stable id, `tom.01`..`tom.17`.
    pub id: &'static str,
    /// Heading printed in Annex II.
    pub title: &'static str,
}

/// Every category, in Annex II order.
pub const CATEGORIES: [TomCategory; 17] = [
    TomCategory {
        key: "encryption",
        id: "tom.01",
        title: "Pseudonymisation and encryption",
    },
    TomCategory {
        key: "resilience",
        id: "tom.02",
        title: "Ongoing confidentiality, integrity, availability and resilience",
    },
    TomCategory {
        key: "restoration",
        id: "tom.03",
        title: "Restoration of availability and access after an incident",
    },
    TomCategory {
        key: "testing",
        id: "tom.04",
        title: "Regular testing and evaluation of effectiveness",
    },
    TomCategory {
        key: "access_control",
        id: "tom.05",
        title: "User identification and authorisation",
    },
    TomCategory {
        key: "transmission",
        id: "tom.06",
        title: "Protection of data during transmission",
    },
    TomCategory {
        key: "storage",
        id: "tom.07",
        title: "Protection of data during storage",
    },
    TomCategory {
        key: "physical_security",
        id: "tom.08",
        title: "Physical security of locations where data is processed",
    },
    TomCategory {
        key: "logging",
        id: "tom.09",
        title: "Event logging",
    },
    TomCategory {
        key: "configuration",
        id: "tom.10",
        title: "System configuration, including default configuration",
    },
    TomCategory {
        key: "governance",
        id: "tom.11",
        title: "Internal IT and IT security governance and management",
    },
    TomCategory {
        key: "certification",
        id: "tom.12",
        title: "Certification and assurance of processes and products",
    },
    TomCategory {
        key: "minimisation",
        id: "tom.13",
        title: "Data minimisation",
    },
    TomCategory {
        key: "data_quality",
        id: "tom.14",
        title: "Data quality",
    },
    TomCategory {
        key: "retention",
        id: "tom.15",
        title: "Limited data retention",
    },
    TomCategory {
        key: "accountability",
        id: "tom.16",
        title: "Accountability",
    },
    TomCategory {
        key: "erasure",
        id: "tom.17",
        title: "Data portability and erasure",
    },
];

/// The category keys a record's `[security]` table may hold, with their Annex II headings.
pub const CHOICES: [crate::model::schema::Choice; 17] = {
    let mut out = [crate::model::schema::Choice { name: "", doc: "" }; 17];
    let mut i = 0;
    while i < 17 {
        out[i] = crate::model::schema::Choice {
            name: CATEGORIES[i].key,
            doc: CATEGORIES[i].title,
        };
        i += 1;
    }
    out
};

/// The category for a record key, or for its `tom.NN` id.
pub fn by_key(key: &str) -> Option<&'static TomCategory> {
    CATEGORIES.iter().find(|c| c.key == key || c.id == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sequential() {
        for (i, c) in CATEGORIES.iter().enumerate() {
            assert_eq!(c.id, format!("tom.{:02}", i + 1));
        }
        assert_eq!(by_key("tom.05").map(|c| c.key), Some("access_control"));
    }
}
