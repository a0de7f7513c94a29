//! A loaded workspace: its company, records, clause library and templates, and the steps on one
//! agreement (load a record, select, assemble, render, write outputs). What a command does with
//! many agreements, git and the team is [`crate::pipeline`], built on this.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::json;

use crate::assemble::{self, Assembled, DocOptions, Templates};
use crate::builtin;
use crate::diag::{Diagnostic, Diagnostics, SourceLookup};
use crate::error::Error;
use crate::files::{display_path, read_text, sha256_hex};
use crate::library::{Clause, Library};
use crate::manifest::{self, Manifest, ManifestClause, Tool};
use crate::model::{Company, DocumentKind, Vendor, company, draft, vendor};
use crate::render::{Output, PdfSettings, Renderer, creation_date};
use crate::select::{self, Applicability, Companion, Framework};
use crate::side::{self, Side};

/// The company record's file name.
pub const COMPANY_FILE: &str = "dpa.toml";

/// A vendor prepared for rendering: facts derived, clauses selected and assembled.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The vendor record.
    pub vendor: Vendor,
    /// What its facts require.
    pub app: Applicability,
    /// The assembled agreement.
    pub assembled: Assembled,
    /// Input files and their hashes.
    pub inputs: BTreeMap<String, String>,
    /// The input key (see [`Workspace::input_key`]).
    pub key: String,
}

/// An opened workspace: our company record, the clause library and the templates.
pub struct Workspace {
    /// The workspace directory.
    pub root: PathBuf,
    /// Our company.
    pub company: Company,
    /// Clauses and requirements.
    pub library: Library,
    /// Compiled templates.
    pub templates: Templates,
    /// Which side of the table: vendors or customers.
    pub side: Side,
    /// The date that fixes which intended sub-processors a customer's Annex III holds (today by default).
    pub date: chrono::NaiveDate,
    template_inputs: BTreeMap<String, String>,
    company_sha: String,
    /// SHA-256 of what every agreement of the workspace depends on (see [`workspace_inputs`]).
    inputs_sha: String,
    /// SHA-256 of each clause file's text, by file name.
    clause_shas: HashMap<String, String>,
    texts: Mutex<HashMap<String, String>>,
}

impl SourceLookup for Workspace {
    fn source_text(&self, file: &str) -> Option<String> {
        source_text(&self.root, &self.texts, file)
    }
}

fn source_text(root: &Path, texts: &Mutex<HashMap<String, String>>, file: &str) -> Option<String> {
    if let Some(t) = texts.lock().unwrap_or_else(|e| e.into_inner()).get(file) {
        return Some(t.clone());
    }
    if let Some(path) = file.strip_prefix("builtin:") {
        return builtin::CLAUSES
            .iter()
            .chain(builtin::TEMPLATES)
            .find(|(p, _)| *p == path)
            .map(|(_, t)| t.to_string());
    }
    // The text as it was parsed, never the file as it is now.
    crate::files::source_as_read(&root.join(file)).map(|t| t.to_string())
}

/// Source lookup for diagnostics before a workspace is open.
pub fn lookup_in(root: &Path) -> impl SourceLookup + '_ {
    move |file: &str| source_text(root, &Mutex::new(HashMap::new()), file)
}

impl Workspace {
    /// Opens the workspace at `root`: `dpa.toml`, the library and the templates, with all problems in `diags`.
    pub fn open(root: &Path, diags: &mut Diagnostics) -> Result<Workspace, Error> {
        let company_path = root.join(COMPANY_FILE);
        if !company_path.is_file() {
            return Err(Error::Usage(format!(
                "no {COMPANY_FILE} in {}: this is not a dpa workspace\n  hint: run `dpa init` to create one, or pass `-C DIR`",
                if root.as_os_str().is_empty() {
                    ".".into()
                } else {
                    root.display().to_string()
                }
            )));
        }
        let (name, text) = read_text(root, &company_path).map_err(|d| {
            diags.push(d);
            Error::Invalid(1)
        })?;
        let company = company::load(&name, &text, diags);
        let library = Library::load(Some(root), diags);
        let mut overrides = HashMap::new();
        let mut template_inputs = BTreeMap::new();
        for path in [assemble::PRELUDE, assemble::DOCUMENT] {
            let file = root.join(path);
            if file.is_file() {
                match read_text(root, &file) {
                    Ok((name, text)) => {
                        template_inputs.insert(name.clone(), sha256_hex(text.as_bytes()));
                        overrides.insert(path.to_string(), (name, text));
                    }
                    Err(d) => diags.push(d),
                }
            } else if let Some((_, text)) = builtin::TEMPLATES.iter().find(|(p, _)| *p == path) {
                template_inputs.insert(format!("builtin:{path}"), sha256_hex(text.as_bytes()));
            }
        }
        let templates = Templates::new(&library, &overrides, diags);
        let Some(company) = company else {
            return Err(Error::Invalid(diags.error_count()));
        };
        let clause_shas = library
            .clauses()
            .map(|c| (c.origin.file().to_string(), sha256_hex(c.text.as_bytes())))
            .collect();
        let inputs_sha = workspace_inputs(root, &sha256_hex(text.as_bytes()), &template_inputs);
        Ok(Workspace {
            root: root.to_path_buf(),
            side: Side::of(root, &company),
            date: chrono::Local::now().date_naive(),
            company,
            library,
            templates,
            template_inputs,
            inputs_sha,
            clause_shas,
            company_sha: sha256_hex(text.as_bytes()),
            texts: Mutex::new(HashMap::new()),
        })
    }

    /// Ids of every agreement: one per record in `vendors/` (or `customers/`), sorted, and on the
    /// processor side with separate documents two for a customer needing CCPA and GDPR terms;
    /// badly named files are reported.
    pub fn vendor_ids(&self, diags: &mut Diagnostics) -> Vec<String> {
        self.record_ids(diags)
            .into_iter()
            .flat_map(|id| self.documents_of(&id))
            .collect()
    }

    /// The agreements of one record id: the id itself, or its `-ccpa` and `-gdpr` documents
    /// when the workspace issues separate documents and the customer needs both.
    /// The customer's own `documents` decides, else dpa.toml's.
    pub fn documents_of(&self, id: &str) -> Vec<String> {
        if self.side != Side::Customers || !self.record_path(id).is_file() {
            return vec![id.to_string()];
        }
        let mut quiet = Diagnostics::new();
        let Some(record) = self.load_vendor(id, &mut quiet) else {
            return vec![id.to_string()];
        };
        if record.documents.unwrap_or(self.company.documents) != crate::model::Documents::Separate {
            return vec![id.to_string()];
        }
        let app = self.applicability(&record, &mut quiet);
        let us = app.frameworks.iter().any(|f| f.is_us_state());
        if us && app.has(Framework::Gdpr) {
            [DocumentKind::Ccpa, DocumentKind::Gdpr]
                .into_iter()
                .map(|k| format!("{id}{}", side::suffix(k)))
                .collect()
        } else {
            vec![id.to_string()]
        }
    }

    /// Refuses a customer id that stands for two agreements (a separate pair): a version, a
    /// signature or a notice concerns one document, named by its own id.
    pub fn one_agreement(&self, id: &str) -> Result<(), crate::error::Error> {
        let docs = self.documents_of(id);
        if docs.len() > 1 {
            return Err(crate::error::Error::Usage(format!(
                "`{id}` has {} agreements, issued and signed each on its own: name one ({})",
                docs.len(),
                docs.join(", ")
            )));
        }
        Ok(())
    }

    fn record_path(&self, id: &str) -> PathBuf {
        self.root.join(self.side.dir()).join(format!("{id}.toml"))
    }

    /// Ids of every record in `vendors/` (or `customers/`), sorted; badly named files are reported.
    pub fn record_ids(&self, diags: &mut Diagnostics) -> Vec<String> {
        let noun = self.side.noun();
        let mut files = Vec::new();
        if let Ok(entries) = fs::read_dir(self.root.join(self.side.dir())) {
            files = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
        }
        files.sort();
        let mut ids = Vec::new();
        for f in files {
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if vendor::valid_id(&stem) {
                ids.push(stem);
            } else {
                diags.push(
                    Diagnostic::error(display_path(&self.root, &f), None, format!("`{stem}` is not a valid {noun} id: ids are 1-64 characters of a-z, 0-9 and `-`, starting with a letter or digit"))
                        .with_hint(match vendor::suggest_id(&stem) {
                            Some(id) => format!("rename it to `{}/{id}.toml`; the file name (without .toml) is the {noun} id, used in paths and git tags", self.side.dir()),
                            None => format!("rename the file; the file name (without .toml) is the {noun} id, used in paths and git tags"),
                        }),
                );
            }
        }
        ids
    }

    /// Loads one vendor (or customer) record by id; on the processor side a document id
    /// (`<customer>-ccpa`, `<customer>-gdpr`) loads the customer's record for that document,
    /// with that document's tracker state.
    pub fn load_vendor(&self, id: &str, diags: &mut Diagnostics) -> Option<Vendor> {
        self.load_record(id, false, diags).map(|f| f.vendor)
    }

    /// Loads a record for the tracker: the facts that decide what it needs must be valid, the
    /// facts needed only to draft its agreement may be missing (see [`crate::model::draft`]).
    pub fn load_facts(&self, id: &str, diags: &mut Diagnostics) -> Option<draft::Facts> {
        self.load_record(id, true, diags)
    }

    fn load_record(
        &self,
        id: &str,
        partial: bool,
        diags: &mut Diagnostics,
    ) -> Option<draft::Facts> {
        let noun = self.side.noun();
        if !vendor::valid_id(id) {
            diags.push(Diagnostic::error(
                "command line",
                None,
                format!("`{id}` is not a valid {noun} id: ids are 1-64 characters of a-z, 0-9 and `-`, starting with a letter or digit"),
            ));
            return None;
        }
        let mut path = self.record_path(id);
        let mut document = None;
        if !path.is_file()
            && self.side == Side::Customers
            && let Some((stem, kind)) = side::split_id(id)
            && self.record_path(stem).is_file()
        {
            path = self.record_path(stem);
            document = Some(kind);
        }
        if !path.is_file() {
            let mut d = Diagnostic::error(
                display_path(&self.root, &path),
                None,
                format!("no record for {noun} `{id}`"),
            );
            let mut tmp = Diagnostics::new();
            let ids = self.record_ids(&mut tmp);
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let near = crate::diag::suggest(id, &refs).or_else(|| {
                refs.iter()
                    .copied()
                    .find(|r| r.starts_with(id) || id.starts_with(*r))
            });
            if let Some(s) = near {
                d.hints.push(format!("did you mean `{s}`?"));
            }
            diags.push(d);
            return None;
        }
        let (name, text) = match read_text(&self.root, &path) {
            Ok(x) => x,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        let stem = document.map_or(id, |_| &id[..id.len() - 5]);
        let mut facts = if partial {
            draft::load_facts(stem, &name, &text, diags)?
        } else {
            draft::Facts {
                vendor: vendor::load(stem, &name, &text, diags)?,
                missing: Vec::new(),
            }
        };
        let record = &mut facts.vendor;
        if !self.side_fields_fit(record, diags) {
            return None;
        }
        if let Some(kind) = document {
            record.id = id.to_string();
            record.document = Some(kind);
            record.agreements.retain(|a| a.document == Some(kind));
        }
        Some(facts)
    }

    /// Reports fields that belong to the other side of the table: Annex II and III come from
    /// `dpa.toml` on the processor side, and only a customer has a supervisory authority,
    /// a representative or sub-processor notices in its record.
    fn side_fields_fit(&self, record: &Vendor, diags: &mut Diagnostics) -> bool {
        let misplaced: Vec<(&str, &str)> = match self.side {
            Side::Customers => [
                ("security", !record.security.0.is_empty()),
                ("subprocessors", !record.subprocessors.is_empty()),
            ]
            .into_iter()
            .filter(|(_, present)| *present)
            .map(|(k, _)| (k, "on the processor side, Annex II (`[security]`) and Annex III (`[[subprocessors]]`) are ours and come from dpa.toml, the same for every customer"))
            .collect(),
            Side::Vendors => [
                ("supervisory_authority", record.supervisory_authority.is_some()),
                ("eu_representative", record.eu_representative.is_some()),
                ("uk_representative", record.uk_representative.is_some()),
                (
                    "positions",
                    record.positions != crate::model::company::Positions::default(),
                ),
                ("notices", !record.notices.is_empty()),
                ("documents", record.documents.is_some()),
            ]
            .into_iter()
            .filter(|(_, present)| *present)
            .map(|(k, _)| (k, "only customer records (processor side, `customers/<id>.toml`) hold it; ours is in dpa.toml"))
            .collect(),
        };
        for (key, hint) in &misplaced {
            diags.push(
                Diagnostic::error(
                    &record.file,
                    record.span(key).or(Some(0..0)),
                    format!("`{key}` does not belong in a {} record", self.side.noun()),
                )
                .with_hint(*hint),
            );
        }
        misplaced.is_empty()
    }

    /// The agreement's parties in the roles the clause library names (see [`side::roles`]).
    pub fn roles(&self, record: &Vendor) -> (Company, Vendor) {
        side::roles(self.side, &self.company, record, self.date)
    }

    /// The facts `when` conditions read for a record, with the parties in their roles.
    pub fn facts(&self, record: &Vendor, app: &Applicability) -> serde_json::Value {
        let (company, processor) = self.roles(record);
        select::facts(&company, &processor, app)
    }

    /// What a record's facts require, from both parties' roles; a document of a separate pair
    /// keeps only its own frameworks.
    pub fn applicability(&self, record: &Vendor, diags: &mut Diagnostics) -> Applicability {
        let (company, vendor) = self.roles(record);
        let mut app = select::applicability(&company, &vendor, diags);
        if let Some(kind) = record.document {
            let other = side::other(kind);
            let frameworks: Vec<Framework> = app
                .frameworks
                .iter()
                .copied()
                .filter(|f| side::in_document(other, *f))
                .collect();
            if frameworks.len() > 1 {
                let stem = side::split_id(&record.id).map_or(record.id.as_str(), |(s, _)| s);
                app.companion = Some(Companion {
                    id: format!("{stem}{}", side::suffix(other)),
                    frameworks,
                });
            }
            app.frameworks.retain(|f| side::in_document(kind, *f));
            if !app.has(Framework::Scc) {
                app.scc_module = None;
            }
        }
        app
    }

    /// The manifest of the version last issued into `agreements/<id>/`, if any.
    pub fn issued_manifest(&self, id: &str) -> Option<Manifest> {
        let text =
            fs::read_to_string(self.root.join("agreements").join(id).join("manifest.json")).ok()?;
        Manifest::from_json(&text).ok()
    }

    /// Derives frameworks, selects and assembles the agreement for a vendor.
    pub fn prepare(
        &self,
        vendor: Vendor,
        options: &DocOptions,
        diags: &mut Diagnostics,
    ) -> Option<Prepared> {
        let (app, selected) = self.select(&vendor, diags)?;
        let key = self.input_key(&vendor, &selected);
        let (company, processor) = self.roles(&vendor);
        let assembled = assemble::assemble(
            &self.templates,
            &company,
            &processor,
            &app,
            &selected,
            options,
            diags,
        )?;
        let mut inputs = BTreeMap::new();
        inputs.insert(COMPANY_FILE.to_string(), self.company_sha.clone());
        let vendor_text = source_text(&self.root, &self.texts, &vendor.file).unwrap_or_default();
        inputs.insert(vendor.file.clone(), sha256_hex(vendor_text.as_bytes()));
        for clause in &selected {
            inputs.insert(
                clause.origin.file().to_string(),
                sha256_hex(clause.text.as_bytes()),
            );
        }
        inputs.extend(self.template_inputs.clone());
        Some(Prepared {
            vendor,
            app,
            assembled,
            inputs,
            key,
        })
    }

    /// Derives what the vendor's facts require and selects its clauses, without assembling.
    pub fn select(
        &self,
        vendor: &Vendor,
        diags: &mut Diagnostics,
    ) -> Option<(Applicability, Vec<&Clause>)> {
        let before = diags.error_count();
        let app = self.applicability(vendor, diags);
        if diags.error_count() > before {
            return None;
        }
        let (company, processor) = self.roles(vendor);
        // On the processor side the controller's particulars come from the customer's record.
        let company_file = match self.side {
            Side::Vendors => COMPANY_FILE,
            Side::Customers => vendor.file.as_str(),
        };
        let missing = assemble::prerequisites::check(&company, company_file, &processor, &app);
        let stops = missing.iter().any(Diagnostic::is_error);
        diags.extend(missing);
        if stops {
            return None;
        }
        let facts = select::facts(&company, &processor, &app);
        let selected = select::clauses(&self.library, &app, &facts);
        Some((app, selected))
    }

    /// SHA-256 of everything an agreement for `vendor` with these clauses is made from: this
    /// build of dpa (its code, built-in clauses, templates and legal data), the company record,
    /// the vendor record, the text of every selected clause in order, and every file under the
    /// workspace's `templates/` and `fonts/` (all the compiler may read); on the processor side
    /// also the sub-processors in Annex III on [`Workspace::date`], the one thing the date
    /// changes, so that a render for another date whose Annex III differs is not taken as current
    /// while one whose Annex III is the same is.
    pub fn input_key(&self, vendor: &Vendor, selected: &[&Clause]) -> String {
        let vendor_text = source_text(&self.root, &self.texts, &vendor.file).unwrap_or_default();
        let clauses: Vec<(&str, String)> = selected
            .iter()
            .map(|c| {
                let sha = self
                    .clause_shas
                    .get(c.origin.file())
                    .cloned()
                    .unwrap_or_else(|| sha256_hex(c.text.as_bytes()));
                (c.origin.file(), sha)
            })
            .collect();
        // Annex III on the processor side also follows the date (intended sub-processors join it).
        let subprocessors = if self.side == Side::Customers {
            side::subprocessors_on(&self.company, vendor, self.date)
        } else {
            Vec::new()
        };
        let annex: Vec<&str> = subprocessors.iter().map(|s| s.name.as_str()).collect();
        let key = json!({
            "workspace": self.inputs_sha,
            "vendor": [&vendor.id, &vendor.file, sha256_hex(vendor_text.as_bytes())],
            "clauses": clauses,
            "annex_iii": annex,
        });
        sha256_hex(key.to_string().as_bytes())
    }

    /// The input key of a vendor's agreement as it would be rendered now (see
    /// [`Workspace::input_key`]), or `None` when the record cannot be read or selected for.
    pub fn current_key(&self, id: &str) -> Option<String> {
        let vendor = self.load_vendor(id, &mut Diagnostics::new())?;
        self.key_of(&vendor)
    }

    /// The input key of a loaded vendor's agreement, or `None` when its clauses cannot be selected.
    pub fn key_of(&self, vendor: &Vendor) -> Option<String> {
        let mut quiet = Diagnostics::new();
        let (_, selected) = self.select(vendor, &mut quiet)?;
        (!quiet.has_errors()).then(|| self.input_key(vendor, &selected))
    }

    /// The parties block, as hashed into the manifest's content hash.
    fn parties(&self, record: &Vendor) -> serde_json::Value {
        let (c, v) = self.roles(record);
        let (c, v) = (&c, &v);
        json!({
            "company": [c.name, c.short_name, c.entity, c.address, c.signatory.name, c.signatory.title],
            "vendor": [v.name, v.short_name, v.entity, v.address, v.signatory.name, v.signatory.title, v.service.description, v.service.starts.to_string(), v.effective.map(|d| d.to_string())],
            "paper": c.paper.typst_name(),
        })
    }

    /// The version a final render carries: the last issued one if nothing changed, else the next.
    pub fn final_version(&self, prepared: &Prepared) -> u32 {
        match self.issued_manifest(&prepared.vendor.id) {
            Some(m) if m.content_sha256 == self.content_hash(prepared) => m.version.unwrap_or(1),
            Some(m) => m.version.unwrap_or(0) + 1,
            None => 1,
        }
    }

    /// The content hash of a prepared agreement.
    pub fn content_hash(&self, prepared: &Prepared) -> String {
        let clauses: Vec<ManifestClause> = prepared.assembled.clauses.to_vec();
        let frameworks: Vec<String> = prepared
            .app
            .frameworks
            .iter()
            .map(|s| s.to_string())
            .collect();
        let templates = sha256_hex(
            serde_json::to_string(&self.template_inputs)
                .unwrap_or_default()
                .as_bytes(),
        );
        manifest::content_hash(
            &self.parties(&prepared.vendor),
            &frameworks,
            &clauses,
            &templates,
        )
    }

    /// Compiles a prepared agreement to PDF and builds its manifest.
    pub fn render(
        &self,
        renderer: &Renderer,
        prepared: &Prepared,
        version: Option<u32>,
        diags: &mut Diagnostics,
    ) -> Option<Output> {
        let id = &prepared.vendor.id;
        let source_name = format!("{id}.typ");
        self.texts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(source_name.clone(), prepared.assembled.source.clone());
        check_glyphs(renderer, &prepared.vendor, diags);
        let settings = PdfSettings {
            archival: version.is_some(),
            timestamp: creation_date(
                prepared
                    .vendor
                    .effective
                    .unwrap_or(prepared.vendor.service.starts),
            ),
            ident: format!("DPA-{id}"),
        };
        let rendered =
            match renderer.render(&source_name, prepared.assembled.source.clone(), &settings) {
                Ok(r) => r,
                Err(errors) => {
                    diags.extend(errors);
                    return None;
                }
            };
        diags.extend(rendered.warnings);
        let clauses: Vec<ManifestClause> = prepared.assembled.clauses.to_vec();
        let mut requirements: Vec<String> = clauses
            .iter()
            .flat_map(|c| c.satisfies.iter().cloned())
            .collect();
        requirements.sort();
        requirements.dedup();
        let manifest = Manifest {
            format: manifest::FORMAT,
            vendor: id.clone(),
            vendor_name: prepared.vendor.name.clone(),
            document_id: format!("DPA-{id}"),
            version,
            final_: version.is_some(),
            document_sha256: sha256_hex(&rendered.pdf),
            content_sha256: self.content_hash(prepared),
            inputs: prepared.inputs.clone(),
            tool: Tool {
                name: "dpa".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            frameworks: prepared
                .app
                .frameworks
                .iter()
                .map(|s| s.to_string())
                .collect(),
            scc_module: prepared.app.scc_module,
            requirements,
            clauses,
            values: {
                let (c, v) = self.roles(&prepared.vendor);
                manifest::values(&c, &v)
            },
            render: None,
        };
        Some(Output {
            pdf: rendered.pdf,
            source: prepared.assembled.source.clone(),
            manifest,
            pages: rendered.pages,
        })
    }
}

/// SHA-256 of what every agreement of a workspace depends on: this build of dpa, the company
/// record, the document templates in use, and every file under `templates/` and `fonts/`
/// (the files the compiler may read, whether or not a template reads them; an unreadable file
/// hashes as unreadable, so it never matches a readable one).
fn workspace_inputs(
    root: &Path,
    company_sha: &str,
    template_inputs: &BTreeMap<String, String>,
) -> String {
    let mut files = BTreeMap::new();
    for dir in crate::render::world::READABLE {
        let mut paths = Vec::new();
        crate::files::walk(&root.join(dir), &mut paths);
        for path in paths {
            let sha =
                fs::read(&path).map_or_else(|e| format!("unreadable: {e}"), |b| sha256_hex(&b));
            files.insert(display_path(root, &path), sha);
        }
    }
    let key = json!({
        "dpa": builtin::BUILD,
        "company": company_sha,
        "templates": template_inputs,
        "files": files,
    });
    sha256_hex(key.to_string().as_bytes())
}

/// Warns, per record field, about characters no available font can draw, so they never print as empty boxes.
fn check_glyphs(renderer: &Renderer, vendor: &Vendor, diags: &mut Diagnostics) {
    fn walk(v: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::String(s) => out.push((path.to_string(), s.clone())),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, x)| walk(x, &format!("{path}[{i}]"), out)),
            serde_json::Value::Object(map) => map.iter().for_each(|(k, x)| {
                walk(
                    x,
                    &if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    },
                    out,
                )
            }),
            _ => {}
        }
    }
    let mut fields = Vec::new();
    walk(
        &serde_json::to_value(vendor).unwrap_or_default(),
        "",
        &mut fields,
    );
    for (path, text) in fields {
        // Procurement's own fields are never printed in an agreement.
        if path == "owner" || path == "notes" {
            continue;
        }
        let missing = renderer.fonts().missing_chars(&text);
        if missing.is_empty() {
            continue;
        }
        let shown: String = missing.iter().take(12).collect();
        diags.push(
            Diagnostic::warning(&vendor.file, vendor.span(&path), format!("`{path}` has characters no available font can draw: {shown}"))
                .with_hint("put a font that covers them (for example Noto Sans CJK, Noto Naskh Arabic, Noto Sans Hebrew) into the workspace's fonts/ folder"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scaffold(name: &str) -> &'static str {
        builtin::DATA
            .iter()
            .find(|(p, _)| *p == name)
            .map_or("", |(_, t)| t)
    }

    #[test]
    fn diagnostics_print_the_text_that_was_parsed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        fs::write(root.join(COMPANY_FILE), scaffold("data/init/dpa.toml")).expect("write");
        fs::create_dir_all(root.join("vendors")).expect("mkdir");
        let record = scaffold("data/init/example-analytics.toml").replacen(
            "country = \"US\"",
            "country = \"USA\"",
            1,
        );
        fs::write(root.join("vendors/v.toml"), &record).expect("write");
        let mut diags = Diagnostics::new();
        let ws = Workspace::open(root, &mut diags).expect("workspace opens");
        assert!(ws.load_vendor("v", &mut diags).is_none());
        // After parsing, the file is edited: lines inserted above and the bad value corrected.
        let edited = format!(
            "# edited\n# after parsing\n{}",
            record.replace("\"USA\"", "\"US\"")
        );
        fs::write(root.join("vendors/v.toml"), edited).expect("write");
        let line = record
            .lines()
            .position(|l| l == "country = \"USA\"")
            .expect("line")
            + 1;
        let diags = diags.into_vec();
        for printed in [
            crate::diag::render(&diags, &ws, false),
            crate::diag::render(&diags, &lookup_in(root), false),
        ] {
            assert!(
                printed.contains(&format!("vendors/v.toml:{line}:11")),
                "{printed}"
            );
            assert!(
                printed.contains(&format!("{line} │ country = \"USA\"")),
                "{printed}"
            );
            assert!(
                printed.contains("│           ^^^^^ unknown country"),
                "{printed}"
            );
            assert!(!printed.contains("after parsing"), "{printed}");
        }
    }
}
