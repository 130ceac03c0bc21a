//! The yearly report's words, numbers and dates in its language: the messages are Fluent files
//! (`words/en.ftl`, `words/nl.ftl`), the formats of numbers and dates are here.
//!
//! A message missing from a file is written as `⟦id⟧`, never a panic; the tests check both
//! files hold the same messages and no report holds a `⟦`.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

use crate::model::lang::Lang;
use crate::model::Date;
use crate::report::format::Numbers;

const EN: &str = include_str!("words/en.ftl");
const NL: &str = include_str!("words/nl.ftl");

/// The Fluent source of a language's messages.
#[must_use]
pub fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => EN,
        Lang::Nl => NL,
    }
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// The messages and number formats of one language.
pub struct Words {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Words").field("lang", &self.lang).finish_non_exhaustive()
    }
}

impl Words {
    /// The words of `lang`. The files are part of the program; their syntax is checked by the
    /// tests, and a message that did not parse shows as `⟦id⟧` in the report.
    #[must_use]
    pub fn new(lang: Lang) -> Words {
        let resource = FluentResource::try_new(source(lang).to_string()).unwrap_or_else(|(partial, _)| partial);
        let id = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        bundle.set_use_isolating(false);
        // Overriding errors cannot occur: the bundle holds this one resource.
        let _ = bundle.add_resource(resource);
        Words { lang, bundle }
    }

    /// The language.
    #[must_use]
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message `id` without arguments.
    #[must_use]
    pub fn t(&self, id: &str) -> String {
        self.f(id, &[])
    }

    /// The message `id` with `args` as (name, text) pairs.
    #[must_use]
    pub fn f(&self, id: &str, args: &[(&str, &str)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return format!("⟦{id}⟧");
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, *value);
        }
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if errors.is_empty() {
            text.into_owned()
        } else {
            format!("⟦{id}⟧")
        }
    }

    /// How this language writes numbers.
    #[must_use]
    pub fn numbers(&self) -> Numbers {
        match self.lang {
            Lang::Nl => Numbers::NL,
            Lang::En => Numbers::EN,
        }
    }

    /// `v` with `digits` decimals, e.g. `99,70` (nl) or `99.70` (en).
    #[must_use]
    pub fn num(&self, v: f64, digits: usize) -> String {
        self.numbers().fixed(v, digits)
    }

    /// `v` with as many decimals as it has, e.g. `99,5` (nl) or `100`.
    #[must_use]
    pub fn short(&self, v: f64) -> String {
        self.numbers().short(v)
    }

    /// A percentage with two decimals, e.g. `99,70 %`; `n.b.`/`n/a` for `None`.
    #[must_use]
    pub fn pct(&self, v: Option<f64>) -> String {
        v.map(|v| format!("{} %", self.num(v, 2))).unwrap_or_else(|| self.t("not-available"))
    }

    /// A signed change in percentage points with two decimals, e.g. `+0,12 %-punt`.
    #[must_use]
    pub fn pp(&self, v: Option<f64>) -> String {
        // Round first so that -0.001 prints as +0.00, not -0.00.
        match v {
            Some(v) => {
                let r = (v * 100.0).round() / 100.0 + 0.0;
                let sign = if r < 0.0 { "" } else { "+" };
                format!("{sign}{} {}", self.num(r, 2), self.t("unit-pp"))
            }
            None => self.t("not-available"),
        }
    }

    /// A whole number with thousands separators: `824.570` (nl), `824,570` (en).
    #[must_use]
    pub fn count(&self, n: u64) -> String {
        self.numbers().grouped(n)
    }

    /// A count in the report's unit (which may be a sum of weights), rounded to a whole number.
    #[must_use]
    pub fn amount(&self, v: f64) -> String {
        self.count(v.max(0.0).round() as u64)
    }

    /// A `YYYY-MM-DD` date as the language writes it: `3 december 2026` (nl), unchanged (en).
    /// Text that is not such a date is returned as given.
    #[must_use]
    pub fn date(&self, iso: &str) -> String {
        match (self.lang, Date::parse(iso)) {
            (Lang::Nl, Some(d)) => format!("{} {} {}", d.day, MONTHS_NL[usize::from(d.month) - 1], d.year),
            _ => iso.to_string(),
        }
    }

    /// The report's unit (`addresses`, `households`) in this language; `title` capitalised.
    #[must_use]
    pub fn unit(&self, unit: &str, title: bool) -> String {
        let id = format!("unit-{unit}{}", if title { "-title" } else { "" });
        self.t(&id)
    }

    /// The kind of a published figure (`measurement`, `expectation`, `forecast`).
    #[must_use]
    pub fn kind(&self, kind: &str) -> String {
        self.t(&format!("kind-{kind}"))
    }

    /// The name of a CSV column (given by its English name) in this language.
    #[must_use]
    pub fn column(&self, name: &str) -> String {
        self.t(&format!("csv-{name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message ids of a Fluent file.
    fn ids(source: &str) -> Vec<&str> {
        let mut ids: Vec<&str> = source
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id))
            .collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn both_files_parse_and_hold_the_same_messages() {
        for lang in Lang::ALL {
            assert!(FluentResource::try_new(source(lang).to_string()).is_ok(), "{lang:?} does not parse");
        }
        assert_eq!(ids(EN), ids(NL));
        for lang in Lang::ALL {
            let w = Words::new(lang);
            assert!(ids(source(lang)).iter().all(|id| w.bundle.get_message(id).is_some()), "{lang:?}");
        }
    }

    #[test]
    fn dutch_numbers_and_dates() {
        let nl = Words::new(Lang::Nl);
        assert_eq!(nl.pct(Some(99.7)), "99,70 %");
        assert_eq!(nl.count(824_570), "824.570");
        assert_eq!(nl.count(8_270_244), "8.270.244");
        assert_eq!(nl.date("2026-12-03"), "3 december 2026");
        assert_eq!(nl.pp(Some(-0.001)), "+0,00 %-punt");
        assert_eq!(nl.pp(Some(-1.234)), "-1,23 %-punt");
        assert_eq!(nl.pct(None), "n.b.");
        let en = Words::new(Lang::En);
        assert_eq!((en.pct(Some(99.7)).as_str(), en.count(824_570).as_str()), ("99.70 %", "824,570"));
        assert_eq!(en.date("2026-12-03"), "2026-12-03");
    }

    #[test]
    fn messages_take_their_arguments_and_missing_ones_are_marked() {
        let nl = Words::new(Lang::Nl);
        assert_eq!(
            nl.f("mobile-part", &[("operator", "KPN"), ("compliant", "340"), ("total", "342")]),
            "KPN 340 van 342"
        );
        assert_eq!(nl.t("no-such-message"), "⟦no-such-message⟧");
        assert_eq!(nl.f("mobile-part", &[("operator", "KPN")]), "⟦mobile-part⟧");
        assert_eq!(nl.column("share_pct"), "aandeel_pct");
    }
}
