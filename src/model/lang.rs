//! The language a report is written in.

use serde::Serialize;

/// The language of the yearly report's words, numbers and dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Dutch: `99,70 %`, `824.570`, `3 december 2026` (the default: the report is published in
    /// the Netherlands).
    #[default]
    Nl,
    /// English: `99.70 %`, `824,570`, `2026-12-03`.
    En,
}

impl Lang {
    /// Every language, in the order they are listed.
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// The language of a code (`nl`, `en`, any case), or `None`.
    ///
    /// ```
    /// use dekking::model::lang::Lang;
    /// assert_eq!(Lang::parse("NL"), Some(Lang::Nl));
    /// assert_eq!(Lang::parse("de"), None);
    /// ```
    #[must_use]
    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The ISO 639-1 code, e.g. `nl`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }
}
