//! Errors that name the spec file and, where known, the line and column.

use std::fmt;

/// One problem with a spec, printed as `specs/<name>.yaml:LINE:COLUMN: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec as users name it: `specs/<name>.yaml`.
    pub file: String,
    /// One-based line and column, when the problem has a place in the file.
    pub location: Option<(usize, usize)>,
    /// What is wrong, naming the path and method where there is one.
    pub message: String,
}

impl SpecError {
    /// A problem at a known place in the file.
    pub fn at(
        file: impl Into<String>,
        location: (usize, usize),
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            location: Some(location),
            message: message.into(),
        }
    }

    /// A problem of the file as a whole, or one whose place cannot be found.
    pub fn without_location(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            location: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for SpecError {}

/// Every problem found in one pass, so a spec author fixes them all at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl SpecErrors {
    /// Wraps a single problem.
    pub fn single(error: SpecError) -> Self {
        Self(vec![error])
    }

    /// `Ok(())` when nothing was found.
    pub fn into_result(self) -> Result<(), Self> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}
