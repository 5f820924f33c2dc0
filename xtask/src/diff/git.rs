//! The few git questions `diff` asks, through the git command line.

use std::path::Path;
use std::process::Command;

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))
}

/// The commit `reference` names, or an error saying it does not exist.
pub fn verify(root: &Path, reference: &str) -> Result<String, String> {
    let output = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
    )?;
    if !output.status.success() {
        return Err(format!("the base ref {reference:?} does not exist"));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The merge-base of HEAD with `main`: where a branch started.
pub fn merge_base_with_main(root: &Path) -> Result<String, String> {
    let output = git(root, &["merge-base", "HEAD", "main"])?;
    if !output.status.success() {
        return Err("cannot find the merge-base of HEAD with main; name a BASE_REF".into());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// A commit id shortened for display.
pub fn short(commit: &str) -> String {
    commit.chars().take(12).collect()
}

/// The path of the workspace root inside the repository (`""` at the top).
fn prefix(root: &Path) -> Result<String, String> {
    let output = git(root, &["rev-parse", "--show-prefix"])?;
    if !output.status.success() {
        return Err(format!("{} is not inside a git repository", root.display()));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// A file at `commit`, or `None` when it does not exist there.
pub fn show(root: &Path, commit: &str, path: &str) -> Result<Option<String>, String> {
    let object = format!("{commit}:{}{path}", prefix(root)?);
    let output = git(root, &["show", &object])?;
    Ok(output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned()))
}

/// Every spec name in `specs/` at `commit` or in the working tree, sorted.
pub fn spec_names(root: &Path, commit: &str) -> Result<Vec<String>, String> {
    let listing = git(
        root,
        &[
            "ls-tree",
            "--name-only",
            commit,
            &format!("{}specs/", prefix(root)?),
        ],
    )?;
    let at_base = String::from_utf8_lossy(&listing.stdout).into_owned();
    let mut names: Vec<String> = at_base
        .lines()
        .filter_map(|line| line.rsplit('/').next())
        .filter_map(|file| file.strip_suffix(".yaml"))
        .map(str::to_owned)
        .collect();
    if let Ok(entries) = std::fs::read_dir(root.join("specs")) {
        names.extend(
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter_map(|file| file.strip_suffix(".yaml").map(str::to_owned)),
        );
    }
    names.sort();
    names.dedup();
    Ok(names)
}

/// A checkout of `commit` in a temporary worktree, removed again when dropped: the baseline
/// `diff --verify` builds. Answers the workspace root inside it.
pub struct Worktree {
    repository: std::path::PathBuf,
    dir: std::path::PathBuf,
    /// The workspace root inside the worktree.
    pub root: std::path::PathBuf,
}

impl Worktree {
    pub fn add(root: &Path, commit: &str, dir: &Path) -> Result<Worktree, String> {
        let _ = std::fs::remove_dir_all(dir);
        let dir_text = dir.to_string_lossy().into_owned();
        let output = git(
            root,
            &["worktree", "add", "--detach", "--force", &dir_text, commit],
        )?;
        if !output.status.success() {
            return Err(format!(
                "git worktree add failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(Worktree {
            repository: root.to_owned(),
            dir: dir.to_owned(),
            root: dir.join(prefix(root)?),
        })
    }
}

impl Drop for Worktree {
    fn drop(&mut self) {
        let dir = self.dir.to_string_lossy().into_owned();
        let _ = git(&self.repository, &["worktree", "remove", "--force", &dir]);
    }
}
