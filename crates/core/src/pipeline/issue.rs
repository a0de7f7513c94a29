//! Issuing a version: the final render, its commit message, and the commit and tag in git.

use crate::assemble::DocOptions;
use crate::diag::Diagnostics;
use crate::error::Error;
use crate::manifest::{FileStamp, Manifest, RenderStamp};
use crate::render::Renderer;
use crate::store::Store;
use crate::store::remote::Sharing;
use crate::workspace::Workspace;

use super::render::{epoch, output_key};

/// What issuing one vendor's agreement did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issued {
    /// The agreement says what the last issued version says; nothing was committed.
    Unchanged {
        /// The last issued version.
        version: u32,
    },
    /// A new version was committed and tagged.
    New {
        /// Its number.
        version: u32,
        /// The commit.
        commit: String,
        /// The tag.
        tag: String,
        /// Its page count.
        pages: usize,
        /// Whether the remote has it.
        shared: Shared,
    },
}

/// Where a new version stands with the team's remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shared {
    /// The workspace has no upstream: the version is issued here.
    Local,
    /// The version's commit and tag were pushed to the upstream (`origin/main`).
    Pushed(String),
    /// Recorded `--offline`: provisional until `dpa sync` pushes it to the upstream.
    Provisional(String),
}

/// The mode part of an issued agreement's output key.
fn mode() -> String {
    format!("issue{}", epoch())
}

/// Issues the vendor's agreement as a new version when what it says changed since the last
/// issued one; `note` is added to the commit message. `Ok(None)` when the vendor's files have
/// errors (reported in `diags`).
///
/// `sharing` comes from [`Store::check_remote`]: online, the version's commit and tag are
/// pushed together, and undone here when the remote refuses them, so that a version number
/// exists everywhere or nowhere; offline, the version is marked provisional.
///
/// When the last issued version was made from exactly today's inputs (its render key), the
/// agreement is unchanged without being assembled; otherwise it is assembled and compared by
/// what it says (the content hash), so a new build of dpa or new fonts alone issue no version.
pub fn issue(
    ws: &Workspace,
    store: &Store,
    renderer: &Renderer,
    id: &str,
    note: Option<&str>,
    sharing: &Sharing,
    diags: &mut Diagnostics,
) -> Result<Option<Issued>, Error> {
    let Some(vendor) = ws.load_vendor(id, diags) else {
        return Ok(None);
    };
    let issued = store.issued(id)?;
    let last = issued.last().map(|i| i.version).unwrap_or(0);
    let previous = if last > 0 {
        Some(store.manifest(id, last)?)
    } else {
        None
    };
    if let Some(previous) = &previous
        && let Some(stamp) = &previous.render
        && let Some(key) = ws.key_of(&vendor)
        && stamp.key == output_key(&key, &mode())
    {
        return Ok(Some(Issued::Unchanged { version: last }));
    }
    let draft = DocOptions {
        final_: false,
        version: "draft".into(),
    };
    let Some(prepared) = ws.prepare(vendor.clone(), &draft, diags) else {
        return Ok(None);
    };
    if let Some(previous) = &previous
        && previous.content_sha256 == ws.content_hash(&prepared)
    {
        return Ok(Some(Issued::Unchanged { version: last }));
    }
    let version = last + 1;
    let Some(output) = render_final(ws, renderer, vendor, version, diags) else {
        return Ok(None);
    };
    let message = commit_message(&output.manifest, note);
    let commit = store.record(id, version, &output, &message)?;
    let tag = crate::store::tag_name(id, version);
    let shared = match sharing {
        Sharing::Solo => Shared::Local,
        Sharing::Offline(up) => {
            let inputs: Vec<String> = output
                .manifest
                .inputs
                .keys()
                .filter(|k| !k.starts_with("builtin:"))
                .cloned()
                .collect();
            store.mark_provisional(id, version, commit, &inputs)?;
            Shared::Provisional(up.short())
        }
        Sharing::Online(up) => {
            let before = store.tracking_tip(up);
            if let Err(e) = store.publish(up, before, std::slice::from_ref(&tag)) {
                store.undo_commit(commit, Some(&tag), &Store::version_files(id))?;
                return Err(match e {
                    crate::store::StoreError::PushRefused {
                        upstream,
                        reasons,
                        left,
                    } => crate::store::StoreError::PushRefused {
                        left: format!(
                            "{left}; {id} v{version} was not recorded here either (its commit and tag were undone)\n  hint: run `dpa sync`, then `dpa record {id}` again"
                        ),
                        upstream,
                        reasons,
                    },
                    other => other,
                }
                .into());
            }
            Shared::Pushed(up.short())
        }
    };
    Ok(Some(Issued::New {
        version,
        commit: commit.to_string(),
        tag,
        pages: output.pages,
        shared,
    }))
}

/// Renders the vendor's agreement final, as version `version`, with the render stamp that
/// tells a later `record` the version was made from these inputs.
pub fn render_final(
    ws: &Workspace,
    renderer: &Renderer,
    vendor: crate::model::Vendor,
    version: u32,
    diags: &mut Diagnostics,
) -> Option<crate::render::Output> {
    let id = vendor.id.clone();
    let options = DocOptions {
        final_: true,
        version: version.to_string(),
    };
    let prepared = ws.prepare(vendor, &options, diags)?;
    let mut output = ws.render(renderer, &prepared, Some(version), diags)?;
    output.manifest.render = Some(RenderStamp {
        key: output_key(&prepared.key, &mode()),
        files: [
            (format!("{id}.pdf"), FileStamp::of(&output.pdf)),
            (format!("{id}.typ"), FileStamp::of(output.source.as_bytes())),
        ]
        .into_iter()
        .collect(),
    });
    Some(output)
}

/// The commit message of an issued version: what was issued, its frameworks, SCC module,
/// document hash and clauses, then the note.
pub fn commit_message(m: &Manifest, note: Option<&str>) -> String {
    let id = &m.vendor;
    let version = m.version.unwrap_or(0);
    let mut message = format!(
        "dpa: issue {id} v{version}\n\nVendor: {id} ({})\nVersion: {version}\nFrameworks: {}\n",
        m.vendor_name,
        m.regulated_frameworks().join(", ")
    );
    if let Some(module) = m.scc_module {
        message.push_str(&format!("SCC-Module: {module}\n"));
    }
    message.push_str(&format!(
        "Document-SHA256: {}\nClauses:\n",
        m.document_sha256
    ));
    for c in &m.clauses {
        message.push_str(&format!("  {} {}@{}\n", c.number, c.id, c.version));
    }
    if let Some(note) = note {
        message.push('\n');
        message.push_str(note.trim());
        message.push('\n');
    }
    message
}

/// Receives one vendor's outcome of [`issue_many`], with its diagnostics.
pub type OnIssued<'a> = dyn FnMut(&str, Result<Option<Issued>, Error>, Diagnostics) + 'a;

/// Issues the agreements of `ids` one after another ([`issue`]), with `note` in each commit
/// message; `each` receives every vendor's outcome and diagnostics as it comes (`Ok(None)`:
/// its files have errors). The first failure of the environment ends the run after `each`
/// has seen it.
///
/// The repository needs an identity to commit as; concurrent runs take turns (the second
/// then finds the versions the first issued); with an upstream, the remote is checked first
/// (`offline` skips it) and each version is pushed as it is issued.
pub fn issue_many(
    ws: &Workspace,
    ids: &[String],
    note: Option<&str>,
    offline: bool,
    each: &mut OnIssued<'_>,
) -> Result<(), Error> {
    let store = Store::open(&ws.root)?;
    store.signature()?;
    let _lock = crate::store::RecordLock::acquire(&store, std::time::Duration::from_secs(120))?;
    let sharing = store.check_remote(offline)?;
    let renderer = Renderer::new(Some(ws.root.clone()));
    for id in ids {
        let mut diags = Diagnostics::new();
        let result = issue(ws, &store, &renderer, id, note, &sharing, &mut diags);
        let failed = result.is_err();
        each(id, result, diags);
        if failed {
            break;
        }
    }
    Ok(())
}
