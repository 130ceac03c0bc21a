//! Horizontal bar charts: one or more panels of labelled bars side by side (shares per
//! provincie and addresses short; the mobile shortfall per gemeente × operator).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{bold, frame, text, Plot, ALERT, MUTED};
use crate::report::format::Numbers;

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Label left of the bar.
    pub label: String,
    /// Length, in the panel's unit.
    pub value: f64,
    /// Text right of the bar.
    pub text: String,
    /// Fill.
    pub colour: RGBColor,
}

/// One panel of bars sharing an x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Heading above the panel.
    pub heading: String,
    /// Label of the x axis, with its unit.
    pub x_label: String,
    /// The x axis range, in the panel's unit.
    pub range: (f64, f64),
    /// A vertical line (value, label), e.g. the target.
    pub line: Option<(f64, String)>,
    /// The bars, top to bottom.
    pub bars: Vec<Bar>,
}

/// Panels side by side, with a shared legend below.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Chart title.
    pub title: String,
    /// Source line.
    pub source: String,
    /// The panels, left to right.
    pub panels: Vec<Panel>,
    /// Legend classes (label, colour); none drawn when empty.
    pub legend: Vec<(String, RGBColor)>,
    /// Text shown when there are no bars.
    pub empty: String,
    /// How the axes write numbers.
    pub numbers: Numbers,
}

const ROW: u32 = 22;
const LABEL_WIDTH: i32 = 190;

/// Tick values: about five round steps across `lo..hi`.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(f64::EPSILON);
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

fn tick_label(v: f64, numbers: Numbers) -> String {
    if v.abs() >= 10_000.0 {
        numbers.grouped(v.round() as u64)
    } else if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        numbers.short(v)
    }
}

fn clip(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let mut s: String = label.chars().take(max - 1).collect();
    s.push('…');
    s
}

impl Panel {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        numbers: Numbers,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        area.draw_text(&self.heading, &bold(14), (4, 0))?;
        let (top, bottom) = (28, h - 48);
        let (left, right) = (LABEL_WIDTH, w - 90);
        let (lo, hi) = self.range;
        let px = |v: f64| {
            left + ((v.clamp(lo, hi) - lo) / (hi - lo).max(f64::EPSILON) * f64::from(right - left)).round() as i32
        };
        for t in ticks(lo, hi) {
            let x = px(t);
            area.draw(&PathElement::new([(x, top), (x, bottom)], MUTED.mix(0.25)))?;
            area.draw_text(&tick_label(t, numbers), &text(12).pos(Pos::new(HPos::Center, VPos::Top)), (x, bottom + 4))?;
        }
        area.draw_text(
            &self.x_label,
            &text(13).pos(Pos::new(HPos::Center, VPos::Top)),
            ((left + right) / 2, bottom + 22),
        )?;
        let n = self.bars.len().max(1) as i32;
        let row = (bottom - top) / n;
        for (k, b) in self.bars.iter().enumerate() {
            let y0 = top + row * k as i32;
            let (b0, b1) = (y0 + row / 6, y0 + row - row / 6);
            area.draw(&Rectangle::new([(px(lo), b0), (px(b.value), b1)], b.colour.filled()))?;
            let middle = Pos::new(HPos::Right, VPos::Center);
            area.draw_text(&clip(&b.label, 26), &text(12).pos(middle), (left - 6, (b0 + b1) / 2))?;
            // The value goes after the bar, or inside its end when the bar fills the panel.
            let end = px(b.value);
            if end > right - 70 {
                area.draw_text(
                    &b.text,
                    &text(12).color(&WHITE).pos(Pos::new(HPos::Right, VPos::Center)),
                    (end - 4, (b0 + b1) / 2),
                )?;
            } else {
                area.draw_text(&b.text, &text(12).pos(Pos::new(HPos::Left, VPos::Center)), (end + 4, (b0 + b1) / 2))?;
            }
        }
        area.draw(&PathElement::new([(left, top), (left, bottom)], MUTED))?;
        if let Some((v, label)) = &self.line {
            let x = px(*v);
            area.draw(&PathElement::new([(x, top - 4), (x, bottom)], ALERT.stroke_width(2)))?;
            area.draw_text(label, &text(12).color(&ALERT).pos(Pos::new(HPos::Right, VPos::Bottom)), (x - 2, top - 4))?;
        }
        Ok(())
    }
}

impl Plot for BarChart {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.iter().map(|p| p.bars.len()).max().unwrap_or(0).max(3) as u32;
        let legend = if self.legend.is_empty() { 0 } else { 30 };
        (540 * self.panels.len().max(1) as u32, 44 + 30 + 28 + 48 + rows * ROW + legend + 10)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let area = frame(root, &self.title, &self.source)?;
        if self.panels.iter().all(|p| p.bars.is_empty()) {
            return area.draw_text(&self.empty, &text(16), (20, 30));
        }
        let h = area.dim_in_pixel().1;
        let (body, foot) = if self.legend.is_empty() {
            (area.clone(), None)
        } else {
            let (b, f) = area.split_vertically(h - 30);
            (b, Some(f))
        };
        let n = self.panels.len().max(1) as u32;
        let parts = body.split_evenly((1, n as usize));
        for (panel, part) in self.panels.iter().zip(&parts) {
            panel.draw(&part.margin(0, 0, 0, 10), self.numbers)?;
        }
        if let Some(foot) = foot {
            let mut x = 8;
            for (label, colour) in &self.legend {
                foot.draw(&Rectangle::new([(x, 8), (x + 16, 22)], colour.filled()))?;
                foot.draw_text(label, &text(13), (x + 22, 8))?;
                x += 40
                    + foot
                        .estimate_text_size(label, &text(13))
                        .map_or(8 * label.chars().count() as i32, |(w, _)| w as i32);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::{has_text, render, SERIES};

    #[test]
    fn tick_steps_are_round() {
        assert_eq!(ticks(90.0, 100.0), vec![90.0, 92.0, 94.0, 96.0, 98.0, 100.0]);
        assert_eq!(
            ticks(0.0, 1234.0),
            vec![0.0, 250.0, 500.0, 750.0, 1000.0, 1250.0].into_iter().filter(|v| *v <= 1234.0).collect::<Vec<_>>()
        );
        assert_eq!(clip("Súdwest-Fryslân en meer", 10), "Súdwest-F…");
    }

    #[test]
    fn bars_and_labels_are_drawn() {
        let chart = BarChart {
            title: "Per provincie".into(),
            source: "s".into(),
            panels: vec![Panel {
                heading: "share".into(),
                x_label: "%".into(),
                range: (90.0, 100.0),
                line: Some((100.0, "target".into())),
                bars: vec![Bar { label: "Groningen".into(), value: 97.5, text: "97.5 %".into(), colour: SERIES }],
            }],
            legend: vec![],
            empty: "none".into(),
            numbers: Numbers::EN,
        };
        let c = render("provincie", "Per provincie", &chart).unwrap();
        for s in ["Groningen", "97.5 %", "target", "share"] {
            assert!(has_text(&c.svg, s), "{s}");
        }
    }
}
