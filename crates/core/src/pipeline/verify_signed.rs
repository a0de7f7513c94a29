//! `verify`: a vendor's signed agreements still match what was recorded when they were signed:
//! the kept copies and their hashes, the signed version's tag and manifest, the copies' text
//! against the version issued, and any other file given.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostics;
use crate::error::Error;
use crate::files::sha256_hex;
use crate::model::AgreementStatus;
use crate::model::vendor::AgreementPaper;
use crate::store::{Store, tag_name};
use crate::workspace::Workspace;

use super::verify::{self, Verdict};

/// A document dpa did not issue (the vendor's paper, or ours signed before dpa), by its title.
fn theirs(title: &str) -> String {
    format!("the vendor's \"{title}\"")
}

/// A kept copy of a signed document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// A document dpa did not issue, by its title.
    Theirs(String),
    /// The executed copy of a version dpa issued.
    Executed,
}

impl Kept {
    /// The copy named with its path: `the vendor's "DPA" (path)`, `the executed copy path`.
    fn named(&self, kept: &str) -> String {
        match self {
            Kept::Theirs(title) => format!("{} ({kept})", theirs(title)),
            Kept::Executed => format!("the executed copy {kept}"),
        }
    }
}

/// Something found as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// A kept document the vendor's paper is unchanged.
    VendorDocument {
        /// Its path in the workspace.
        kept: String,
        /// Its title.
        title: String,
    },
    /// A kept copy is committed as signed.
    Committed {
        /// Its path in the workspace.
        kept: String,
    },
    /// The signed version's tag points at the manifest that was signed.
    Tag {
        /// The tag.
        tag: String,
        /// Whether a manifest hash was recorded at signing to compare with.
        hash_recorded: bool,
    },
    /// The kept executed copy has the recorded hash.
    ExecutedCopy {
        /// Its path in the workspace.
        kept: String,
        /// The version.
        version: u32,
    },
    /// A copy reads as the version issued.
    Reads {
        /// The copy.
        name: PathBuf,
        /// The version.
        version: u32,
        /// The comparison (always [`Verdict::Same`]).
        verdict: Verdict,
    },
    /// The given file is a recorded document.
    Given {
        /// The file.
        file: PathBuf,
        /// What it is: the executed copy of a version, or the vendor's titled document.
        what: String,
    },
}

impl fmt::Display for Confirmed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Confirmed::VendorDocument { kept, title } => {
                write!(f, "{kept} is {} as signed", theirs(title))
            }
            Confirmed::Committed { kept } => write!(f, "{kept} is committed as signed"),
            Confirmed::Tag {
                tag,
                hash_recorded: true,
            } => write!(f, "tag {tag} points at the manifest that was signed"),
            Confirmed::Tag {
                tag,
                hash_recorded: false,
            } => write!(
                f,
                "tag {tag} exists (no manifest hash was recorded at signing)"
            ),
            Confirmed::ExecutedCopy { kept, version } => {
                write!(f, "{kept} is the executed copy of v{version} as recorded")
            }
            Confirmed::Reads {
                name,
                version,
                verdict,
            } => f.write_str(
                &verify::describe(verdict, &name.display().to_string(), *version).join("\n"),
            ),
            Confirmed::Given { file, what } => write!(f, "{} is {what}", file.display()),
        }
    }
}

/// Something that does not match what was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A kept document cannot be read.
    CannotRead {
        /// Which copy.
        what: Kept,
        /// Its path in the workspace.
        kept: String,
        /// Why.
        reason: String,
    },
    /// A kept document's hash is not the one recorded.
    Changed {
        /// Which copy.
        what: Kept,
        /// Its path.
        kept: String,
        /// The hash recorded.
        expected: String,
        /// The file's hash.
        actual: String,
    },
    /// A kept document is not in git.
    NotCommitted {
        /// Which copy.
        what: Kept,
        /// Its path.
        kept: String,
    },
    /// The committed document's hash is not the one recorded.
    CommittedDiffers {
        /// What it should be (`the signed document`, `the executed copy`).
        what: &'static str,
        /// Its path.
        kept: String,
        /// The hash recorded.
        expected: String,
        /// The committed hash.
        actual: String,
    },
    /// A document of the vendor's paper has no file or hash recorded.
    NothingRecorded {
        /// Its title.
        title: String,
    },
    /// The signed version's tag is gone.
    TagMissing {
        /// The tag.
        tag: String,
    },
    /// The signed version's tag holds no manifest.
    TagWithoutManifest {
        /// The tag.
        tag: String,
    },
    /// The signed version's tag points at another manifest.
    TagMoved {
        /// The tag.
        tag: String,
        /// The manifest hash recorded.
        expected: String,
        /// The manifest hash found.
        actual: String,
    },
    /// An executed copy is named without its hash.
    NoHash {
        /// Its path.
        kept: String,
        /// The version.
        version: u32,
    },
    /// A copy does not read as the version issued.
    Reads {
        /// The copy.
        name: PathBuf,
        /// The version.
        version: u32,
        /// The comparison.
        verdict: Verdict,
    },
    /// The given file cannot be checked: no hash of an executed copy is recorded.
    NoHashRecorded,
    /// The given file is none of the recorded documents.
    GivenDiffers {
        /// The file.
        file: PathBuf,
        /// Its hash.
        actual: String,
        /// The recorded documents: what each is, and its hash.
        recorded: Vec<(String, String)>,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::CannotRead { what, kept, reason } => {
                write!(f, "{} cannot be read: {reason}", what.named(kept))
            }
            Problem::Changed {
                what: what @ Kept::Theirs(_),
                kept,
                expected,
                actual,
            } => write!(
                f,
                "{} was changed since it was signed (recorded {expected}, file {actual})",
                what.named(kept)
            ),
            Problem::Changed {
                what: Kept::Executed,
                kept,
                expected,
                actual,
            } => write!(
                f,
                "the executed copy {kept} was changed (recorded {expected}, file {actual})"
            ),
            Problem::NotCommitted { what, kept } => {
                write!(f, "{} is not committed to git", what.named(kept))
            }
            Problem::CommittedDiffers {
                what,
                kept,
                expected,
                actual,
            } => write!(
                f,
                "the committed {kept} is not {what} (recorded {expected}, committed {actual})"
            ),
            Problem::NothingRecorded { title } => {
                write!(f, "{} has no file or SHA-256 recorded", theirs(title))
            }
            Problem::TagMissing { tag } => write!(f, "tag {tag} no longer exists"),
            Problem::TagWithoutManifest { tag } => write!(f, "tag {tag} holds no manifest"),
            Problem::TagMoved {
                tag,
                expected,
                actual,
            } => write!(
                f,
                "tag {tag} now points at a different manifest (recorded {expected}, found {actual})"
            ),
            Problem::NoHash { kept, version } => write!(
                f,
                "{kept} is named as the executed copy of v{version}, but no SHA-256 is recorded"
            ),
            Problem::Reads {
                name,
                version,
                verdict,
            } => f.write_str(
                &verify::describe(verdict, &name.display().to_string(), *version).join("\n"),
            ),
            Problem::NoHashRecorded => f.write_str(
                "no SHA-256 of an executed copy is recorded; record it with `dpa sign --file`",
            ),
            Problem::GivenDiffers {
                file,
                actual,
                recorded,
            } => write!(
                f,
                "{} differs from {} (file {actual})",
                file.display(),
                recorded
                    .iter()
                    .map(|(w, h)| format!("{w} (recorded {h})"))
                    .collect::<Vec<_>>()
                    .join(" and from ")
            ),
        }
    }
}

/// A copy that cannot be compared with the version issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncompared {
    /// The copy.
    pub name: PathBuf,
    /// The version.
    pub version: u32,
    /// Why.
    pub reason: String,
}

impl fmt::Display for Uncompared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} cannot be compared with v{}: {}",
            self.name.display(),
            self.version,
            self.reason
        )
    }
}

/// What [`verify()`] found.
#[derive(Debug, Default)]
pub struct Verification {
    /// What matches the record.
    pub confirmed: Vec<Confirmed>,
    /// What does not.
    pub problems: Vec<Problem>,
    /// Copies that could not be compared with the version issued.
    pub uncompared: Vec<Uncompared>,
    /// The signed version of ours, when no executed copy of it is kept.
    pub no_executed_copy: Option<u32>,
}

impl Verification {
    /// The exit code: 2 when a copy could not be compared, 1 for a problem, else 0.
    pub fn code(&self) -> u8 {
        if !self.uncompared.is_empty() {
            2
        } else if !self.problems.is_empty() {
            1
        } else {
            0
        }
    }

    /// Compares a copy's text with the signed version as issued.
    fn content(&mut self, store: &Store, id: &str, version: u32, name: &Path, bytes: &[u8]) {
        match verify::executed_copy(store, id, version, name, bytes) {
            Ok(verdict) => {
                let name = name.to_path_buf();
                if verdict.is_same() {
                    self.confirmed.push(Confirmed::Reads {
                        name,
                        version,
                        verdict,
                    });
                } else {
                    self.problems.push(Problem::Reads {
                        name,
                        version,
                        verdict,
                    });
                }
            }
            Err(verify::Unreadable(reason)) => self.uncompared.push(Uncompared {
                name: name.to_path_buf(),
                version,
                reason,
            }),
        }
    }

    /// Checks a kept copy against its recorded hash, in the work tree and in git; `Some` with
    /// its bytes when the file matches.
    fn kept(&mut self, ws: &Workspace, what: Kept, kept: &str, expected: &str) -> Option<Vec<u8>> {
        let mut found = None;
        match std::fs::read(ws.root.join(kept)) {
            Err(e) => self.problems.push(Problem::CannotRead {
                what,
                kept: kept.into(),
                reason: e.to_string(),
            }),
            Ok(b) if sha256_hex(&b) != expected => self.problems.push(Problem::Changed {
                what,
                kept: kept.into(),
                expected: expected.into(),
                actual: sha256_hex(&b),
            }),
            Ok(b) => found = Some(b),
        }
        found
    }

    /// Checks that the committed copy has the recorded hash.
    fn committed(
        &mut self,
        store: &Store,
        what: Kept,
        committed_as: &'static str,
        kept: &str,
        expected: &str,
    ) -> Result<(), Error> {
        match store.head_file(kept)? {
            None => self.problems.push(Problem::NotCommitted {
                what,
                kept: kept.into(),
            }),
            Some(b) if sha256_hex(&b) != expected => {
                self.problems.push(Problem::CommittedDiffers {
                    what: committed_as,
                    kept: kept.into(),
                    expected: expected.into(),
                    actual: sha256_hex(&b),
                })
            }
            Some(_) => self
                .confirmed
                .push(Confirmed::Committed { kept: kept.into() }),
        }
        Ok(())
    }
}

/// Checks the vendor's signed agreements: the kept copies against their recorded hashes (in
/// the work tree and in git), the signed version's tag against the manifest signed, the kept
/// executed copy's text against the version issued, and `file`, when given, against every
/// recorded hash (and, when it is not the kept copy, its text against the version issued).
/// `Ok(None)` when the vendor's record has errors (in `diags`).
pub fn verify(
    ws: &Workspace,
    diags: &mut Diagnostics,
    id: &str,
    file: Option<&Path>,
) -> Result<Option<Verification>, Error> {
    let Some(vendor) = ws.load_facts(id, diags).map(|f| f.vendor) else {
        return Ok(None);
    };
    let signed_ours = vendor
        .agreements
        .iter()
        .filter(|a| {
            a.paper == AgreementPaper::Ours
                && a.version.is_some()
                && a.status == AgreementStatus::Signed
        })
        .max_by_key(|a| a.version);
    // Documents dpa did not issue (the vendor's, or ours signed before dpa) are checked by hash.
    let others: Vec<_> = vendor
        .agreements
        .iter()
        .filter(|a| a.version.is_none() && a.status == AgreementStatus::Signed)
        .collect();
    if signed_ours.is_none() && others.is_empty() {
        return Err(Error::Usage(format!(
            "`{id}` has no signed agreement to verify; record one with `dpa sign`"
        )));
    }
    let store = Store::open(&ws.root)?;
    let mut v = Verification::default();
    for a in &others {
        let title = a.title.as_deref().unwrap_or("document");
        match (&a.file, &a.sha256) {
            (Some(kept), Some(expected)) => {
                let what = Kept::Theirs(title.into());
                if v.kept(ws, what.clone(), kept, expected).is_some() {
                    v.confirmed.push(Confirmed::VendorDocument {
                        kept: kept.clone(),
                        title: title.into(),
                    });
                }
                v.committed(&store, what, "the signed document", kept, expected)?;
            }
            _ => v.problems.push(Problem::NothingRecorded {
                title: title.into(),
            }),
        }
    }
    if let Some(signed) = signed_ours {
        let version = signed.version.unwrap_or_default();
        let tag = tag_name(id, version);
        match store.issued(id)?.iter().find(|i| i.version == version) {
            None => v.problems.push(Problem::TagMissing { tag }),
            Some(i) => {
                let manifest = store
                    .read_at(i.commit, &format!("agreements/{id}/manifest.json"))?
                    .map(|b| sha256_hex(&b));
                match (&signed.manifest_sha256, manifest) {
                    (_, None) => v.problems.push(Problem::TagWithoutManifest { tag }),
                    (Some(expected), Some(actual)) if *expected != actual => {
                        v.problems.push(Problem::TagMoved {
                            tag,
                            expected: expected.clone(),
                            actual,
                        })
                    }
                    (recorded, Some(_)) => v.confirmed.push(Confirmed::Tag {
                        tag,
                        hash_recorded: recorded.is_some(),
                    }),
                }
            }
        }
        match (&signed.file, &signed.sha256) {
            (Some(kept), Some(expected)) => {
                if let Some(b) = v.kept(ws, Kept::Executed, kept, expected) {
                    v.confirmed.push(Confirmed::ExecutedCopy {
                        kept: kept.clone(),
                        version,
                    });
                    v.content(&store, id, version, Path::new(kept), &b);
                }
                v.committed(&store, Kept::Executed, "the executed copy", kept, expected)?;
            }
            (Some(kept), None) => v.problems.push(Problem::NoHash {
                kept: kept.clone(),
                version,
            }),
            (None, _) => v.no_executed_copy = Some(version),
        }
    }
    if let Some(file) = file {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        let actual = sha256_hex(&bytes);
        if let Some(version) = signed_ours.and_then(|a| a.version)
            && signed_ours.and_then(|a| a.sha256.as_ref()) != Some(&actual)
        {
            // Not the kept copy: what matters is whether it reads as the signed version.
            v.content(&store, id, version, file, &bytes);
        }
        let recorded: Vec<(String, String)> = signed_ours
            .iter()
            .filter_map(|a| {
                a.sha256.as_ref().map(|h| {
                    (
                        format!("the executed copy of v{}", a.version.unwrap_or_default()),
                        h.clone(),
                    )
                })
            })
            .chain(others.iter().filter_map(|a| {
                a.sha256
                    .as_ref()
                    .map(|h| (theirs(a.title.as_deref().unwrap_or("document")), h.clone()))
            }))
            .collect();
        match recorded.iter().find(|(_, h)| *h == actual) {
            Some((what, _)) => v.confirmed.push(Confirmed::Given {
                file: file.to_path_buf(),
                what: what.clone(),
            }),
            None if recorded.is_empty() => v.problems.push(Problem::NoHashRecorded),
            None => v.problems.push(Problem::GivenDiffers {
                file: file.to_path_buf(),
                actual,
                recorded,
            }),
        }
    }
    Ok(Some(v))
}
