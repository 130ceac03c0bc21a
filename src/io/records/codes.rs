//! Area codes interned while the rows are read: each raw code is normalised once for the area
//! scheme (`363`, `0363` and `GM0363` are one code), and a row whose raw text equals the row
//! before's takes its answer without reading it (codes come in runs).

use dekking_rows::Index;
use dekking_table::Rows;
use rustc_hash::FxHashMap;

use crate::io::profile::AreaScheme;
use crate::model::availability::LocatedBy;

/// The index of `name` in `names`, appending it when new (`index` maps names to positions).
pub(super) fn add_name(names: &mut Vec<String>, index: &mut FxHashMap<String, u32>, name: String) -> u32 {
    let next = names.len() as u32;
    *index.entry(name.clone()).or_insert_with(|| {
        names.push(name);
        next
    })
}

/// Normalised area codes seen in the input, interned to small integers while the rows are read
/// (they become the run's [`crate::model::availability::AreaCodes`]).
#[derive(Debug, Clone, Default)]
pub(super) struct CodeTable {
    /// The normalised codes, by index.
    pub(super) codes: Vec<String>,
    raw: FxHashMap<String, Option<u32>>,
    normal: FxHashMap<String, u32>,
    /// The answer for the last raw code: codes come in runs.
    last: LastRun<Option<u32>>,
}

/// The answer given for the last raw text of a column, keyed by the text's fingerprint: values
/// come in runs, and a row with the same raw text as the last takes its answer unread.
#[derive(Debug, Clone, Copy)]
pub(super) struct LastRun<T>(Option<(u128, T)>);

impl<T> Default for LastRun<T> {
    fn default() -> LastRun<T> {
        LastRun(None)
    }
}

impl<T: Copy> LastRun<T> {
    /// The answer for row `i`: the last one when its raw text is the same, else `answer` of its
    /// (trimmed) text; `None` when the cell is empty.
    #[inline]
    pub(super) fn answer(&mut self, rows: &Rows<'_>, i: usize, answer: impl FnOnce(&str) -> T) -> Option<T> {
        let view = rows.fingerprint(i);
        if let Some((_, a)) = self.0.filter(|(last, _)| view == Some(*last)) {
            return Some(a);
        }
        let a = answer(&rows.text(i)?);
        self.0 = view.map(|v| (v, a));
        Some(a)
    }
}

impl CodeTable {
    /// Interns a raw code: `None` when it is malformed for the scheme. A US block code goes
    /// straight to its county, unremembered (a release has millions of distinct blocks, in few
    /// counties); other raw codes are remembered with their answer.
    fn intern(&mut self, scheme: AreaScheme, raw: &str) -> Option<u32> {
        if scheme == AreaScheme::UsCounty {
            let code = scheme.normal_form(raw)?;
            return Some(match self.normal.get(code.as_ref()) {
                Some(&k) => k,
                None => add_name(&mut self.codes, &mut self.normal, code.into_owned()),
            });
        }
        match self.raw.get(raw) {
            Some(hit) => *hit,
            None => {
                let idx = scheme.normalise(raw).map(|code| add_name(&mut self.codes, &mut self.normal, code));
                self.raw.insert(raw.to_string(), idx);
                idx
            }
        }
    }

    /// Interns row `i`'s code: `None` when the cell is empty, else the answer of
    /// [`CodeTable::intern`]; a row with the same raw text as the last takes its answer.
    #[inline]
    pub(super) fn intern_row(&mut self, scheme: AreaScheme, area: &Rows<'_>, i: usize) -> Option<Option<u32>> {
        let mut last = self.last;
        let answer = last.answer(area, i, |raw| self.intern(scheme, raw));
        self.last = last;
        answer
    }

    /// Keeps only the codes an area column uses, numbered in order of first use (the column
    /// renumbered).
    pub(super) fn keep_used(&mut self, area: &mut [LocatedBy]) {
        let mut new = vec![Index::NONE; self.codes.len()];
        let mut kept = Vec::new();
        for by in area.iter_mut() {
            if let Some(k) = by.code_index() {
                let k = k as usize;
                if new[k].is_none() {
                    new[k] = Index::new(kept.len() as u32);
                    kept.push(std::mem::take(&mut self.codes[k]));
                }
                *by = LocatedBy::code(new[k].get().expect("numbered just above"));
            }
        }
        *self = CodeTable::default();
        for code in kept {
            add_name(&mut self.codes, &mut self.normal, code);
        }
    }

    /// Adds a piece's codes (interned on their own) after this table's, and renumbers the codes
    /// of the piece's usable rows (rejected rows hold a placeholder).
    pub(super) fn absorb(&mut self, piece: CodeTable, area: &mut [LocatedBy], usable: &[bool]) {
        let remap: Vec<u32> =
            piece.codes.into_iter().map(|code| add_name(&mut self.codes, &mut self.normal, code)).collect();
        for (by, _) in area.iter_mut().zip(usable).filter(|(_, &ok)| ok) {
            if let Some(k) = by.code_index() {
                *by = LocatedBy::code(remap[k as usize]);
            }
        }
    }
}
