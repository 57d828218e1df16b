//! The workspace folder the workbench serves: which datasets and exports it holds,
//! the only paths a page may name (nothing outside the folder: no `..`, no absolute
//! path, no symbolic link leading out), imports into it (uploads written atomically
//! into a private staging folder, then the dataset written by [`crate::dataset`]),
//! and a cache of loaded metric models.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result, bail};

use crate::dataset::{Data, Dataset, Manifest, ParquetSink, Staging};
use crate::input::pseudo::Key;
use crate::input::report::ImportReport;
use crate::input::source::discover;
use crate::input::{self, ImportOptions, MemorySink};
use crate::metrics::Model;

/// One entry of the data page.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The name pages use to select it: the folder name relative to the workspace,
    /// `.` for the workspace folder itself.
    pub id: String,
    pub path: PathBuf,
    /// The manifest of an imported dataset; `None` for an export folder.
    pub manifest: Option<Manifest>,
}

/// A loaded dataset: the metric model and the import report, shared by the pages.
pub struct Loaded {
    pub model: Model,
    pub import_report: serde_json::Value,
}

pub struct Workspace {
    pub root: PathBuf,
    cache: Mutex<BTreeMap<String, Arc<Loaded>>>,
}

fn is_export(dir: &Path) -> bool {
    discover(&[dir.to_path_buf()], &[]).is_ok_and(|d| !d.files.is_empty())
}

impl Workspace {
    pub fn new(root: &Path) -> Result<Workspace> {
        let root = root
            .canonicalize()
            .with_context(|| format!("{}: no such folder", root.display()))?;
        if !root.is_dir() {
            bail!("{}: not a folder", root.display());
        }
        Ok(Workspace {
            root,
            cache: Mutex::new(BTreeMap::new()),
        })
    }

    /// The datasets and export folders: the workspace itself if it is one, and its
    /// direct sub-folders that are (hidden folders and failed imports are skipped).
    pub fn entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        let mut look = |id: String, path: PathBuf| {
            if Dataset::is_dataset(&path) {
                let manifest = Dataset::open(&path).ok().map(|d| d.manifest);
                out.push(Entry { id, path, manifest });
            } else if is_export(&path) {
                out.push(Entry {
                    id,
                    path,
                    manifest: None,
                });
            }
        };
        look(".".into(), self.root.clone());
        let mut subs: Vec<(String, PathBuf)> = std::fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .filter(|(n, _)| !n.starts_with('.') && !n.ends_with(".failed-import"))
            .collect();
        subs.sort();
        for (n, p) in subs {
            look(n, p);
        }
        out
    }

    /// The entry a page names, or the first one.
    pub fn entry(&self, id: Option<&str>) -> Option<Entry> {
        let all = self.entries();
        match id {
            Some(id) if !id.is_empty() => all.into_iter().find(|e| e.id == id),
            _ => all.into_iter().next(),
        }
    }

    /// A folder named by the user, relative to the workspace: refused when it is
    /// absolute, holds `..`, or resolves (through symbolic links) outside.
    pub fn resolve(&self, rel: &str) -> Result<PathBuf> {
        let p = Path::new(rel.trim());
        if rel.trim().is_empty() {
            bail!("give a folder inside the workspace");
        }
        if p.is_absolute() || p.has_root() {
            bail!("{rel:?}: give a folder inside the workspace, not an absolute path");
        }
        if p.components()
            .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
        {
            bail!("{rel:?}: `..` is not allowed; give a folder inside the workspace");
        }
        let full = self
            .root
            .join(p)
            .canonicalize()
            .with_context(|| format!("{rel:?}: no such folder in the workspace"))?;
        if !full.starts_with(&self.root) {
            bail!("{rel:?} leads outside the workspace (a symbolic link?)");
        }
        Ok(full)
    }

    /// The model of an entry, loaded once.
    pub fn load(&self, e: &Entry) -> Result<Arc<Loaded>> {
        if let Some(l) = self.cache.lock().expect("cache lock").get(&e.id) {
            return Ok(l.clone());
        }
        let data = open(&e.path)?;
        let import_report = data.import_report.clone();
        let model = Model::load(&data)?;
        let l = Arc::new(Loaded {
            model,
            import_report,
        });
        self.cache
            .lock()
            .expect("cache lock")
            .insert(e.id.clone(), l.clone());
        Ok(l)
    }

    /// Forgets the cached model of `id` (after an import replaced it).
    pub fn forget(&self, id: &str) {
        self.cache.lock().expect("cache lock").remove(id);
    }
}

/// Opens a dataset or export folder through the dataset layer.
pub fn open(path: &Path) -> Result<Data> {
    Data::open(path, None, &|_| {})
        .with_context(|| format!("opening {}", path.file_name().unwrap_or_default().display()))
}

/// What an import or check produced.
pub struct ImportResult {
    pub report: ImportReport,
    /// Where the dataset was written; `None` for a check or a failed import.
    pub written: Option<PathBuf>,
}

/// Checks (`dest = None`) or imports the export in `src` into the dataset folder
/// `dest` (replaced atomically, only when the import passes).
/// `progress` hears the file being read and its rows so far.
pub fn import_folder(
    src: &Path,
    dest: Option<&Path>,
    key: Key,
    progress: &(dyn Fn(&str, u64) + Sync),
) -> Result<ImportResult> {
    let found = discover(&[src.to_path_buf()], &[])?;
    let options = ImportOptions::new(key);
    let Some(dest) = dest else {
        let mut sink = MemorySink::default();
        let outcome = input::import(&found.files, &found.ignored, &options, &mut sink, progress)?;
        return Ok(ImportResult {
            report: outcome.report,
            written: None,
        });
    };
    let staging = Staging::new(dest)?;
    let mut sink = ParquetSink::new(&staging.tmp);
    let outcome = match input::import(&found.files, &found.ignored, &options, &mut sink, progress) {
        Ok(o) => o,
        Err(e) => {
            staging.abandon();
            return Err(e.into());
        }
    };
    let rows = sink.finish()?;
    if outcome.report.failed() {
        staging.abandon();
        return Ok(ImportResult {
            report: outcome.report,
            written: None,
        });
    }
    let manifest = Manifest::from_report(&outcome.report, &rows);
    let written = staging.commit(&manifest)?;
    Ok(ImportResult {
        report: outcome.report,
        written: Some(written),
    })
}

/// A private staging folder for uploaded files (mode 0700, removed on drop).
pub struct UploadDir(pub PathBuf);

impl UploadDir {
    pub fn new(root: &Path) -> Result<UploadDir> {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("random: {e}"))?;
        let path = root.join(format!(".jindu-upload-{}", hex::encode(b)));
        std::fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(UploadDir(path))
    }

    /// Writes one uploaded file (mode 0600): into a hidden temporary name, renamed
    /// when complete.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let tmp = self.0.join(format!(".{name}.part"));
        let mut f = crate::dataset::store::create_private(&tmp)?;
        std::io::Write::write_all(&mut f, bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, self.0.join(name))?;
        Ok(())
    }
}

impl Drop for UploadDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside() {
        let base = std::env::temp_dir().join(format!("jindu-ws-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("ws/sub")).unwrap();
        std::fs::create_dir_all(base.join("outside")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(base.join("outside"), base.join("ws/link")).unwrap();
        let ws = Workspace::new(&base.join("ws")).unwrap();
        assert!(ws.resolve("sub").is_ok());
        assert!(ws.resolve("sub/../sub").is_err());
        assert!(ws.resolve("../outside").is_err());
        assert!(ws.resolve("/etc").is_err());
        assert!(ws.resolve("").is_err());
        assert!(ws.resolve("missing").is_err());
        #[cfg(unix)]
        assert!(ws.resolve("link").is_err());
        let _ = std::fs::remove_dir_all(&base);
    }
}
